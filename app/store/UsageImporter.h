#pragma once

#include "UsageImport.h"

#include <QHash>
#include <QSqlQuery>
#include <functional>

class QFile;
class SqliteSession;
class UsageWriter;

// Streams one usage file (JSON Lines or CSV) into a UsageWriter inside the caller's transaction:
// one line in memory at a time, keys named by id or label, every line checked by UsageCodec.
// Without skipBadLines the first bad line throws StoreError::Invalid with the field
// "line N: <field>", so the caller's transaction rolls back and nothing is stored.
class UsageImporter final
{
public:
    // JSON Lines longer than this are bad lines, so one line never holds the whole file.
    static constexpr qint64 MaxLineBytes = 64 * 1024;

    // Called every few thousand lines; returning false abandons the import (it throws).
    using Progress = std::function<bool(qint64 bytesRead, qint64 linesRead)>;

    // Keeps a reference to the session: a temporary would dangle.

    UsageImporter(const SqliteSession&& session, UsageWriter& writer, Progress progress) = delete;

    UsageImporter(const SqliteSession& session, UsageWriter& writer, Progress progress);

    UsageImportReport run(QFile& file, const UsageImportOptions& options);

private:
    void readJsonLines(QFile& file);
    void readCsv(QFile& file);
    void take(std::optional<UsageEvent> event, qint64 line, const FieldError& error);
    void reject(qint64 line, const FieldError& error);
    [[noreturn]] void failAt(qint64 line, const FieldError& error) const;
    std::optional<QString> keyIdFor(const QString& idOrLabel);
    void reportProgress(const QFile& file) const;

    const SqliteSession& m_session;
    UsageWriter& m_writer;
    Progress m_progress;
    QSqlQuery m_keyById;
    QSqlQuery m_keyByLabel;
    QHash<QString, QString> m_keyIds; // id or label -> id; known keys only, so bounded by them
    UsageImportReport m_report;
    bool m_skipBadLines = false;
    QString m_path;
};
