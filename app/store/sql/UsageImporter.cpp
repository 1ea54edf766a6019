#include "UsageImporter.h"

#include "ApiKeyFormat.h"
#include "SqlSession.h"
#include "StoreError.h"
#include "UsageWriter.h"

#include <QDir>
#include <QIODevice>
#include <QScopeGuard>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 ProgressEveryLines = 4096;
constexpr qsizetype BatchLines = 2048;
constexpr qsizetype MaxBatchesInFlight = 4;

using Batch = QList<UsageFileReader::Line>;

// Batches from the reading thread to the writing one; both sides stop when either closes it.
class LineQueue final
{
public:
    // Blocks while MaxBatchesInFlight are waiting; false once the queue is closed.
    bool push(Batch&& batch)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_closed || m_batches.size() < MaxBatchesInFlight; });
        if (m_closed)
            return false;
        m_batches.push_back(std::move(batch));
        m_changed.notify_all();
        return true;
    }
    // Blocks until a batch comes; nullopt once the queue is closed and empty.
    std::optional<Batch> pop()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_closed || !m_batches.empty(); });
        if (m_batches.empty())
            return std::nullopt;
        Batch batch = std::move(m_batches.front());
        m_batches.pop_front();
        m_changed.notify_all();
        return batch;
    }
    void close()
    {
        const std::lock_guard lock(m_mutex);
        m_closed = true;
        m_changed.notify_all();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Batch> m_batches;
    bool m_closed = false;
};
} // namespace

UsageImporter::UsageImporter(const SqlSession& session, UsageWriter& writer, Progress progress,
                             ChunkDone chunkDone)
    : m_session(session)
    , m_writer(writer)
    , m_progress(std::move(progress))
    , m_chunkDone(std::move(chunkDone))
    , m_keyById(session.prepare(u"SELECT id FROM keys WHERE id = ? AND pending_until IS NULL"_s))
    , m_keyByLabel(
          session.prepare(u"SELECT id FROM keys WHERE label = ? AND pending_until IS NULL"_s))
{}

UsageImportReport UsageImporter::run(QIODevice& file, const QString& name,
                                     const UsageImportOptions& options)
{
    m_report = {};
    m_skipBadLines = options.skipBadLines;
    m_path = QDir::toNativeSeparators(name);
    const UsageCodec::Format format = options.format.value_or(UsageCodec::formatForPath(name));

    LineQueue queue;
    std::atomic<qint64> bytesRead = 0;
    QString readError;
    // Parsing and checking beside writing: the two take about as long as each other.
    std::thread reader([&] {
        Batch batch;
        batch.reserve(BatchLines);
        const bool complete = UsageFileReader::read(
            file, format,
            [&](UsageFileReader::Line&& line) {
                batch.push_back(std::move(line));
                if (batch.size() < BatchLines)
                    return true;
                bytesRead = file.pos();
                const bool open = queue.push(std::exchange(batch, Batch()));
                batch.reserve(BatchLines);
                return open;
            },
            &readError);
        if (complete && !batch.isEmpty())
            queue.push(std::move(batch));
        bytesRead = file.pos();
        queue.close();
    });
    auto stopReader = qScopeGuard([&] {
        queue.close();
        reader.join();
    });

    qint64 sinceProgress = 0;
    qint64 sinceChunk = 0;
    while (std::optional<Batch> batch = queue.pop()) {
        for (UsageFileReader::Line& line : *batch) {
            take(std::move(line));
            if (++sinceChunk == ChunkLines && m_chunkDone) {
                sinceChunk = 0;
                m_writer.finish();
                m_chunkDone();
            }
        }
        sinceProgress += batch->size();
        if (sinceProgress >= ProgressEveryLines) {
            sinceProgress = 0;
            if (m_progress && !m_progress(bytesRead, m_report.linesRead)) {
                throw StoreError(
                    StoreError::Code::Unavailable,
                    u"The import of %1 was cancelled; nothing was imported."_s.arg(m_path));
            }
        }
    }
    queue.close();
    reader.join();
    stopReader.dismiss();
    if (!readError.isEmpty())
        m_session.fail(u"Could not read the usage file %1"_s.arg(m_path), readError);
    m_writer.finish();
    return m_report;
}

void UsageImporter::take(UsageFileReader::Line&& line)
{
    if (line.fatal)
        failAt(line.number, line.error);
    ++m_report.linesRead;
    if (!line.event) {
        reject(line.number, line.error);
        return;
    }
    UsageEvent& event = *line.event;
    const std::optional<QString> keyId = keyIdFor(event.key);
    if (!keyId) {
        reject(line.number, {u"key"_s, u"there is no key with the id or label \"%1\""_s.arg(
                                           ApiKeyFormat::redacted(event.key))});
        return;
    }
    event.key = *keyId;
    if (m_writer.add(std::move(event)))
        ++m_report.imported;
    else
        ++m_report.duplicates;
}

void UsageImporter::reject(qint64 line, const FieldError& error)
{
    if (!m_skipBadLines)
        failAt(line, error);
    ++m_report.skipped;
    if (m_report.errors.size() < UsageImportReport::MaxReportedErrors)
        m_report.errors << UsageImportReport::LineError{line, error};
}

void UsageImporter::failAt(qint64 line, const FieldError& error) const
{
    throw StoreError(
        StoreError::Code::Invalid,
        u"Could not import %1: line %2 is not valid, so nothing was imported."_s.arg(m_path).arg(
            line),
        {FieldError{u"line %1: %2"_s.arg(line).arg(error.field), error.message}});
}

std::optional<QString> UsageImporter::keyIdFor(const QString& idOrLabel)
{
    const auto cached = m_keyIds.constFind(idOrLabel);
    if (cached != m_keyIds.cend())
        return *cached;
    for (QSqlQuery* lookup : {&m_keyById, &m_keyByLabel}) {
        lookup->bindValue(0, idOrLabel);
        m_session.run(*lookup);
        if (lookup->next()) {
            const QString id = lookup->value(0).toString();
            lookup->finish();
            m_keyIds.insert(idOrLabel, id);
            return id;
        }
    }
    return std::nullopt;
}
