#pragma once

#include "UsageStore.h"

class RestClient;

// UsageStore over the admin API's /v1/admin/usage routes. An import reads its source here and
// uploads it as it is read (a stream of unknown length is spooled to a private temporary file
// first, so the upload can say its length); the server stores it all or nothing.
class RestUsageStore final : public UsageStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestUsageStore)

public:
    explicit RestUsageStore(RestClient& client, QObject* parent = nullptr);

    // One call records at most this many events: what the server takes in one request, all
    // or nothing. A larger batch is refused naming "events".
    static constexpr int MaxRecordedEvents = 10'000;

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

private:
    RestClient& m_client;
};
