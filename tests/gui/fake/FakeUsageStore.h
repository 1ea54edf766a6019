#pragma once

#include "FakeBehaviour.h"
#include "UsageStore.h"

// UsageStore without usage: every read answers empty (after the behaviour's delay, or with its
// failure), every write is refused as the store being unavailable.
class FakeUsageStore final : public UsageStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FakeUsageStore)

public:
    explicit FakeUsageStore(FakeBehaviour& behaviour, QObject* parent = nullptr);

    QFuture<qint64> recordUsage(const QList<UsageEvent>& events) override;
    QFuture<UsageImportReport> importUsage(const UsageSource& source,
                                           const UsageImportOptions& options) override;
    QFuture<UsageTotals> usageTotals(const UsageQuery& query) override;
    QFuture<QList<UsageSeries::Point>> usageSlots(const UsageQuery& query) override;
    QFuture<QList<UsageGroupRow>> usageGroups(const UsageQuery& query, Grouping grouping) override;
    QFuture<LogPage> usageLogs(const UsageQuery& query, LogColumn sortColumn, Qt::SortOrder order,
                               const QString& cursor, int limit) override;
    QFuture<qint64> usageLogCount(const UsageQuery& query) override;
    QFuture<QList<KeyUsage>> keyUsage() override;
    QFuture<QStringList> usageModels() override;
    QFuture<PriceTable> priceTable() override;
    QFuture<PriceTable> setPriceTable(const PriceTable& table) override;

private:
    FakeBehaviour& m_behaviour;
};
