#pragma once

#include <QFuture>
#include <QString>
#include <QStringList>

// Whether git would pick up a file: is its folder inside a work tree, and does git ignore it?
// Runs the git program (QProcess); when git is missing or fails, the answer is "not inside a
// work tree", which says nothing: no git, no warning.
class GitIgnoreCheck final
{
public:
    struct Result
    {
        bool insideWorkTree = false;
        bool ignored = false;
        bool tracked = false;     // already committed or staged: .gitignore alone does not help
        QString gitignorePath;    // the work tree's root .gitignore
        QStringList missingLines; // what that .gitignore lacks for the file to be ignored

        bool exposed() const { return insideWorkTree && !ignored; }
    };

    explicit GitIgnoreCheck(QString gitProgram = QStringLiteral("git"));

    // .env, .env.local and *.env: the files secrets are usually exported to.
    static QStringList recommendedLines();

    // Blocks while git runs (a few milliseconds, at most a few seconds per call).
    Result inspect(const QString& filePath) const;
    // inspect() on a pool thread.
    QFuture<Result> inspectAsync(const QString& filePath) const;
    // Appends result.missingLines to result.gitignorePath atomically, keeping what is there.
    bool addMissingLines(const Result& result, QString* error) const;
    // What the user is told about an exposed file.
    static QString warning(const QString& filePath, const Result& result);

private:
    struct Run
    {
        bool ran = false;
        int exitCode = -1;
        QString out;
    };
    Run git(const QString& dir, const QStringList& arguments) const;

    QString m_gitProgram;
};
