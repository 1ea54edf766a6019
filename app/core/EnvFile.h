#pragma once

#include "FieldError.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

// A .env file that sh can source (". FILE") and dotenv loaders read. Setting variables edits
// the bytes in place: an existing assignment ("NAME=..." or "export NAME=...") is replaced
// where it stands, keeping its "export " and line ending; every other byte - comments, blank
// lines, order, CRLF or LF, a missing final newline - stays as it was. New variables are
// appended. Values are single-quoted, so sh expands nothing in them.
class EnvFile final
{
public:
    struct Variable
    {
        QString name;
        QString value;
    };

    // Larger files are refused: a .env this big is not one.
    static constexpr qint64 MaxFileBytes = 1024 * 1024;

    EnvFile() = default;
    explicit EnvFile(QByteArray bytes);

    // A missing file loads as an empty one; nullopt (with error) when it cannot be read, is not
    // a regular file or is a symbolic link.
    static std::optional<EnvFile> load(const QString& path, QString* error);

    const QByteArray& bytes() const { return m_bytes; }
    // 1-based numbers of the lines that assign name.
    QList<int> linesAssigning(const QString& name) const;

    // Checks every name and value first (errors name the variable, never quote the value); on
    // any problem nothing changes.
    FieldErrors set(const QList<Variable>& variables);
    // Atomic (QSaveFile) and owner-only (0600) whatever the umask or the old file's mode.
    // Refuses a symbolic link, dangling or not.
    bool save(const QString& path, QString* error) const;
    // Why path must not be written (it is a symbolic link), or empty.
    static QString symlinkProblem(const QString& path);

    static FieldErrors validate(const QList<Variable>& variables);
    // The value between single quotes; only valid for values validate() accepts.
    static QString quoted(const QString& value);
    static QString assignment(const Variable& variable); // NAME='value'
    static QString exportLine(const Variable& variable); // export NAME='value'

private:
    struct Assignment
    {
        QByteArray name;
        qsizetype nameStart = 0; // what comes before it (indent, "export ") is kept
        qsizetype end = 0;       // before the line ending of the assignment's last line
        int line = 0;
        bool unterminated = false; // a quoted value that never closes
    };
    QList<Assignment> assignments() const;

    QByteArray m_bytes;
};
