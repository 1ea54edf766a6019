#pragma once

#include "UsageStore.h"

class SqlDatabase;
class SqlSession;
class UsageReader;

// UsageStore on the local file. Events and their roll-ups (UsageRollup) are written in one
// transaction, so charts never see events without their sums; roll-up reads work at 15-minute
// slot granularity (UsageReader), log reads are exact. Costs are fixed when an event is stored:
// a later price table change does not reprice history.
//
// importUsage() reports progress in permille of the file and stops, storing nothing, when its
// future is cancelled. It stores in short transactions, its events hidden until it publishes
// them (and their roll-ups) in one (UsageImportJournal), so other writers go on meanwhile and
// readers see all of a file or none of it; one import runs at a time per store, and a recorded
// event whose request id a running import holds is refused (try again) rather than skipped.
class SqlUsageStore final : public UsageStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SqlUsageStore)

public:
    // database must outlive the store.
    explicit SqlUsageStore(SqlDatabase& database, QObject* parent = nullptr);

    QFuture<qint64> recordUsage(const QList<UsageEvent>& events) override;
    QFuture<UsageImportReport> importUsage(const UsageSource& source,
                                           const UsageImportOptions& options) override;
    QFuture<UsageTotals> usageTotals(const UsageQuery& query) override;
    QFuture<QList<UsageSeries::Point>> usageSlots(const UsageQuery& query) override;
    QFuture<QList<UsageSeries::Point>> usageSeries(const UsageQuery& query,
                                                   UsageSeries::BucketSize size,
                                                   const QTimeZone& zone) override;
    QFuture<QList<UsageGroupRow>> usageGroups(const UsageQuery& query, Grouping grouping) override;
    QFuture<LogPage> usageLogs(const UsageQuery& query, LogColumn sortColumn, Qt::SortOrder order,
                               const QString& cursor, int limit) override;
    QFuture<qint64> usageLogCount(const UsageQuery& query) override;
    QFuture<QList<KeyUsage>> keyUsage() override;
    QFuture<QStringList> usageModels() override;
    QFuture<PriceTable> priceTable() override;
    QFuture<PriceTable> setPriceTable(const PriceTable& table) override;

    // For the spend ledger, on the worker thread. The events checked and normalized, or
    // StoreError::Invalid naming the first bad one.
    static QList<UsageEvent> normalized(const QList<UsageEvent>& events);
    // Inside the caller's write transaction: what recordUsage() stores.
    qint64 storeEvents(const SqlSession& session, const QList<UsageEvent>& events) const;
    PriceTable readPrices(const SqlSession& session) const;

private:
    // Worker thread only.
    QList<KeyUsage> readKeyUsage(const SqlSession& session) const;
    // submit() with a UsageReader over one read snapshot.
    template <typename T, typename Read> QFuture<T> readSnapshot(Read read);

    SqlDatabase& m_database;
};
