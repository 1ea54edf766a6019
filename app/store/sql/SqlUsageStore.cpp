#include "SqlUsageStore.h"

#include "Clock.h"
#include "KeyEnums.h"
#include "RotationBudgets.h"
#include "SqlDatabase.h"
#include "SqlSchema.h"
#include "UsageImportJournal.h"
#include "UsageImporter.h"
#include "UsageReader.h"
#include "UsageRollup.h"
#include "UsageWriter.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QSet>
#include <QSqlQuery>
#include <QThread>

using namespace Qt::StringLiterals;

namespace {
constexpr int ProgressScale = 1000;
constexpr int ImportCacheKiB = 32 * 1024;
// Other writers wait for the lock in SQLite's busy handler, which sleeps up to 100 ms between
// tries. An import that starts its next chunk the moment it commits one would starve them (seen
// on a loaded 2-core machine: no key could be created during a whole 1M-line import), so once
// per second of holding the lock it steps aside for one such sleep: at most ~10% slower.
constexpr qint64 YieldEveryMs = 1000;
constexpr unsigned long YieldMs = 110;
const QString PriceTableKey = u"price_table"_s;
} // namespace

SqlUsageStore::SqlUsageStore(SqlDatabase& database, QObject* parent)
    : UsageStore(parent)
    , m_database(database)
{
    connect(&m_database, &SqlDatabase::changed, this, [this](SqlChangeWatcher::Parts parts) {
        if (parts.testFlag(SqlChangeWatcher::Part::Usage))
            Q_EMIT usageChanged();
    });
}

QFuture<qint64> SqlUsageStore::recordUsage(const QList<UsageEvent>& events)
{
    return m_database.submit<qint64>([this, events] {
        const SqlSession session = m_database.session();
        const QList<UsageEvent> checked = normalized(events);
        if (checked.isEmpty())
            return qint64(0);
        const qint64 inserted = session.write([&] { return storeEvents(session, checked); });
        if (inserted > 0)
            m_database.written(session);
        return inserted;
    });
}

QList<UsageEvent> SqlUsageStore::normalized(const QList<UsageEvent>& events)
{
    QList<UsageEvent> checked = events;
    for (qsizetype i = 0; i < checked.size(); ++i) {
        if (const auto error = UsageWriter::normalize(checked[i])) {
            throw StoreError(
                StoreError::Code::Invalid,
                u"Usage event %1 of %2 is not valid; nothing was recorded."_s.arg(i + 1).arg(
                    checked.size()),
                {*error});
        }
    }
    return checked;
}

qint64 SqlUsageStore::storeEvents(const SqlSession& session, const QList<UsageEvent>& events) const
{
    QSqlQuery keyExists =
        session.prepare(u"SELECT 1 FROM keys WHERE id = ? AND pending_until IS NULL"_s);
    QSet<QString> known;
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QString& key = events[i].key;
        if (known.contains(key))
            continue;
        keyExists.bindValue(0, key);
        session.run(keyExists);
        const bool exists = keyExists.next();
        keyExists.finish();
        if (!exists) {
            throw StoreError(
                StoreError::Code::Invalid,
                u"Usage event %1 names no stored key; nothing was recorded."_s.arg(i + 1),
                {FieldError{u"key"_s, u"there is no key with the id \"%1\""_s.arg(key)}});
        }
        known.insert(key);
    }
    UsageWriter writer(session, readPrices(session));
    qint64 count = 0;
    for (const UsageEvent& event : events)
        count += writer.add(event) ? 1 : 0;
    writer.finish();
    return count;
}

QFuture<UsageImportReport> SqlUsageStore::importUsage(const UsageSource& source,
                                                      const UsageImportOptions& options)
{
    // On a connection of its own: a long import does not hold up the store's other calls (the
    // keys page, an admin API request), which it lets in between its chunks.
    return m_database.submitImport<UsageImportReport>([this, source, options](
                                                          QPromise<UsageImportReport>& promise,
                                                          const SqlSession& session) {
        const UsageImportJournal journal(session, m_database.clock());
        const QString path = source.name;
        QString openError = u"it cannot be opened"_s;
        const std::unique_ptr<QIODevice> device = source.open ? source.open(&openError) : nullptr;
        if (!device) {
            const QString problem = u"%1: %2"_s.arg(QDir::toNativeSeparators(path), openError);
            throw StoreError(StoreError::Code::Invalid,
                             u"Could not open the usage file %1"_s.arg(problem),
                             {FieldError{u"file"_s, problem}});
        }
        // A stream of unknown length reports progress by lines alone.
        const qint64 size = device->isSequential() ? 0 : device->size();
        promise.setProgressRange(0, ProgressScale);
        // Request ids and per-key indexes take random inserts: a bigger page cache for the
        // import spares most page re-reads; the usual size comes back afterwards. (PostgreSQL's
        // shared buffers are the server's to size.)
        const bool sqlite = session.dialect() == SqlDialect::Sqlite;
        QString usualCacheSize;
        if (sqlite) {
            QSqlQuery cacheSize = session.run(u"PRAGMA cache_size"_s);
            usualCacheSize = cacheSize.next() ? cacheSize.value(0).toString() : u"-2000"_s;
            cacheSize.finish();
            session.run(u"PRAGMA cache_size = -%1"_s.arg(ImportCacheKiB));
            // The staged roll-ups live in the TEMP database, which has a page cache of its own.
            session.run(u"PRAGMA temp.cache_size = -%1"_s.arg(ImportCacheKiB));
        }
        const auto restoreCacheSize = qScopeGuard([&] {
            if (sqlite)
                QSqlQuery(session.database()).exec(u"PRAGMA cache_size = %1"_s.arg(usualCacheSize));
        });

        // Stored in short transactions, hidden until published: other writers go on meanwhile,
        // and readers see all of the file or none of it.
        const qint64 importId = session.write([&] { return journal.begin(); });
        bool published = false;
        const auto discard = qScopeGuard([&] {
            QSqlQuery(session.database()).exec(u"ROLLBACK"_s);
            if (!published)
                journal.discard(importId);
            UsageRollup::dropStaged(session);
        });
        UsageWriter writer(session, readPrices(session), importId);
        QElapsedTimer sinceYield;
        sinceYield.start();
        session.beginWrite();
        UsageImporter importer(
            session, writer,
            [&](qint64 bytesRead, qint64 linesRead) {
                if (promise.isCanceled())
                    return false;
                const int done = size > 0 ? int(bytesRead * ProgressScale / size) : 0;
                promise.setProgressValueAndText(done, QString::number(linesRead));
                return true;
            },
            [&] {
                journal.heartbeat(importId, path);
                session.run(u"COMMIT"_s);
                if (sinceYield.elapsed() >= YieldEveryMs) {
                    QThread::msleep(YieldMs);
                    sinceYield.restart();
                }
                session.beginWrite();
            });
        UsageImportReport report = importer.run(*device, path, options);
        session.run(u"COMMIT"_s);
        session.write([&] {
            journal.requireRunning(importId, path);
            UsageRollup::publishStaged(session);
            // Other processes see new usage by the change mark; the ids of an import's events
            // may all be below the newest one, so the publish is counted - when it added any.
            if (report.imported > 0)
                session.run(u"INSERT INTO meta (key, value) VALUES ('usage_publishes', '1') ON "
                            "CONFLICT (key) DO UPDATE SET value = CAST(CAST(meta.value AS BIGINT) "
                            "+ 1 AS TEXT)"_s);
            journal.finish(importId);
        });
        published = true;
        report.committed = true;
        promise.setProgressValue(ProgressScale);
        if (report.imported > 0)
            m_database.announceWritten();
        return report;
    });
}

template <typename T, typename Read> QFuture<T> SqlUsageStore::readSnapshot(Read read)
{
    return m_database.submit<T>([this, read = std::move(read)] {
        const SqlSession session = m_database.session();
        // One snapshot: whether an import is running and what its reads then leave out are
        // judged against the same state of the file.
        return session.read([&] { return read(UsageReader(session)); });
    });
}

QFuture<UsageTotals> SqlUsageStore::usageTotals(const UsageQuery& query)
{
    return readSnapshot<UsageTotals>(
        [query](const UsageReader& reader) { return reader.totals(query); });
}

QFuture<QList<UsageSeries::Point>> SqlUsageStore::usageSlots(const UsageQuery& query)
{
    return readSnapshot<QList<UsageSeries::Point>>(
        [query](const UsageReader& reader) { return reader.slotRows(query); });
}

QFuture<QList<UsageSeries::Point>> SqlUsageStore::usageSeries(const UsageQuery& query,
                                                              UsageSeries::BucketSize size,
                                                              const QTimeZone& zone)
{
    // A few keys' days (rotation's step 3, a key's page): from the per-day roll-up, a row a key a
    // day, rather than a row a slot.
    if (size != UsageSeries::BucketSize::Day || query.keyIds.isEmpty() || !query.models.isEmpty() ||
        !UsageSeries::daysAreUtcDays(query.fromMs, query.toMs, zone))
        return UsageStore::usageSeries(query, size, zone);
    return readSnapshot<QList<UsageSeries::Point>>([query, zone](const UsageReader& reader) {
        return UsageSeries::build(reader.keyDayRows(query), query.fromMs, query.toMs,
                                  UsageSeries::BucketSize::Day, zone);
    });
}

QFuture<QList<UsageGroupRow>> SqlUsageStore::usageGroups(const UsageQuery& query, Grouping grouping)
{
    return readSnapshot<QList<UsageGroupRow>>(
        [query, grouping](const UsageReader& reader) { return reader.groups(query, grouping); });
}

QFuture<UsageStore::LogPage> SqlUsageStore::usageLogs(const UsageQuery& query, LogColumn sortColumn,
                                                      Qt::SortOrder order, const QString& cursor,
                                                      int limit)
{
    return readSnapshot<LogPage>(
        [query, sortColumn, order, cursor, limit](const UsageReader& reader) {
            return reader.logs(query, sortColumn, order, cursor, limit);
        });
}

QFuture<qint64> SqlUsageStore::usageLogCount(const UsageQuery& query)
{
    return readSnapshot<qint64>(
        [query](const UsageReader& reader) { return reader.logCount(query); });
}

QFuture<QList<KeyUsage>> SqlUsageStore::keyUsage()
{
    return m_database.submit<QList<KeyUsage>>([this] {
        const SqlSession session = m_database.session();
        return session.read([&] { return readKeyUsage(session); });
    });
}

QList<KeyUsage> SqlUsageStore::readKeyUsage(const SqlSession& session) const
{
    const UsageReader reader(session);
    const qint64 now = m_database.clock().nowUtcMs();
    const QHash<QString, UsageReader::KeySpend> spend = reader.keySpend(now);
    const QHash<QString, qint64> cycleUsed = reader.cycleUsage(now);
    QSqlQuery query =
        session.run(u"SELECT id, type, last_used_at, quota_used_micros, rotated_from_id FROM keys "
                    "WHERE pending_until IS NULL"_s);
    const QString subscription = KeyEnums::typeName(KeyType::Subscription);
    QList<KeyUsage> usage;
    QList<std::pair<QString, QString>> links;
    while (query.next()) {
        KeyUsage& key = usage.emplace_back();
        key.keyId = query.value(0).toString();
        links.append({key.keyId, query.value(4).toString()});
        key.lastUsedAtMs = SqlSession::optionalAt(query, 2);
        // As SqlKeyRows reads them: a subscription key's quota counts its cycle only.
        key.quotaUsedMicros = query.value(1).toString() == subscription
                                  ? cycleUsed.value(key.keyId)
                                  : query.value(3).toLongLong();
        const auto it = spend.constFind(key.keyId);
        if (it != spend.cend()) {
            key.spendDayMicros = it->dayMicros;
            key.spendWeekMicros = it->weekMicros;
            key.spendMonthMicros = it->monthMicros;
        }
    }
    // As SqlKeyRows reads them too: a rotation chain's keys share its budget.
    RotationBudgets::fromLinks(links).shareIn(session, now, usage,
                                              [](const KeyUsage& key) { return key.keyId; });
    return usage;
}

QFuture<QStringList> SqlUsageStore::usageModels()
{
    return readSnapshot<QStringList>([](const UsageReader& reader) { return reader.models(); });
}

PriceTable SqlUsageStore::readPrices(const SqlSession& session) const
{
    QSqlQuery query = session.prepare(u"SELECT value FROM meta WHERE key = ?"_s);
    query.addBindValue(PriceTableKey);
    session.run(query);
    if (!query.next())
        return PriceTable::defaults();
    const QJsonDocument document = QJsonDocument::fromJson(query.value(0).toString().toUtf8());
    QString why = u"not a JSON object"_s;
    const auto table =
        document.isObject() ? PriceTable::fromJson(document.object(), &why) : std::nullopt;
    if (!table) {
        throw StoreError(StoreError::Code::Unavailable,
                         u"The key store %1 has an unreadable price table: %2"_s.arg(
                             m_database.shownLocation(), why));
    }
    return *table;
}

QFuture<PriceTable> SqlUsageStore::priceTable()
{
    return m_database.submit<PriceTable>([this] { return readPrices(m_database.session()); });
}

QFuture<PriceTable> SqlUsageStore::setPriceTable(const PriceTable& table)
{
    return m_database.submit<PriceTable>([this, table] {
        const SqlSession session = m_database.session();
        FieldErrors errors;
        for (auto it = table.prices().cbegin(); it != table.prices().cend(); ++it) {
            if (it.key().trimmed().isEmpty()) {
                errors << FieldError{u"model"_s, u"every price needs a model name"_s};
            } else if (it->promptMicrosPerMillion < 0 || it->completionMicrosPerMillion < 0) {
                errors << FieldError{u"price"_s,
                                     u"the price of \"%1\" is negative"_s.arg(it.key())};
            }
        }
        if (!errors.isEmpty())
            throw StoreError(StoreError::Code::Invalid, u"The price table is not valid."_s, errors);
        session.write([&] {
            SqlSchema::writeMeta(
                session, {{PriceTableKey,
                           QString::fromUtf8(
                               QJsonDocument(table.toJson()).toJson(QJsonDocument::Compact))}});
        });
        return table;
    });
}
