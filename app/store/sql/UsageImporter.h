#pragma once

#include "UsageFileReader.h"
#include "UsageImport.h"

#include <QHash>
#include <QSqlQuery>
#include <functional>

class QIODevice;
class SqlSession;
class UsageWriter;

// Streams one usage file (JSON Lines or CSV) into a UsageWriter, in the caller's transactions:
// a thread of its own reads and checks the lines (UsageFileReader) while the caller's thread,
// which owns the connection, resolves keys and writes, with a few thousand lines in flight at
// most. Without skipBadLines the first bad line throws StoreError::Invalid with the field
// "line N: <field>", and the caller discards what it stored: nothing is published.
class UsageImporter final
{
public:
    // Called every few thousand lines; returning false abandons the import (it throws).
    using Progress = std::function<bool(qint64 bytesRead, qint64 linesRead)>;
    // Called after every ChunkLines lines, the writer's deltas flushed: the caller may commit.
    using ChunkDone = std::function<void()>;
    static constexpr qint64 ChunkLines = 100'000;

    // Keeps a reference to the session: a temporary would dangle.

    UsageImporter(const SqlSession&& session, UsageWriter& writer, Progress progress,
                  ChunkDone chunkDone) = delete;

    UsageImporter(const SqlSession& session, UsageWriter& writer, Progress progress,
                  ChunkDone chunkDone);

    // Reads device, open, on a thread of its own while run() lasts; name says where it comes
    // from in messages (and gives the format, unless options say).
    UsageImportReport run(QIODevice& device, const QString& name,
                          const UsageImportOptions& options);

private:
    void take(UsageFileReader::Line&& line);
    void reject(qint64 line, const FieldError& error);
    [[noreturn]] void failAt(qint64 line, const FieldError& error) const;
    std::optional<QString> keyIdFor(const QString& idOrLabel);

    const SqlSession& m_session;
    UsageWriter& m_writer;
    Progress m_progress;
    ChunkDone m_chunkDone;
    QSqlQuery m_keyById;
    QSqlQuery m_keyByLabel;
    QHash<QString, QString> m_keyIds; // id or label -> id; known keys only, so bounded by them
    UsageImportReport m_report;
    bool m_skipBadLines = false;
    QString m_path;
};
