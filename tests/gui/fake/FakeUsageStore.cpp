#include "FakeUsageStore.h"

using namespace Qt::StringLiterals;

FakeUsageStore::FakeUsageStore(FakeBehaviour& behaviour, QObject* parent)
    : UsageStore(parent)
    , m_behaviour(behaviour)
{}

QFuture<qint64> FakeUsageStore::recordUsage(const QList<UsageEvent>&)
{
    return m_behaviour.answer<qint64>(
        this, []() -> qint64 { throw FakeBehaviour::unsupported(u"usage"_s); });
}

QFuture<UsageImportReport> FakeUsageStore::importUsage(const UsageSource&,
                                                       const UsageImportOptions&)
{
    return m_behaviour.answer<UsageImportReport>(
        this, []() -> UsageImportReport { throw FakeBehaviour::unsupported(u"usage"_s); });
}

QFuture<UsageTotals> FakeUsageStore::usageTotals(const UsageQuery&)
{
    return m_behaviour.answer<UsageTotals>(this, [] { return UsageTotals(); });
}

QFuture<QList<UsageSeries::Point>> FakeUsageStore::usageSlots(const UsageQuery&)
{
    return m_behaviour.answer<QList<UsageSeries::Point>>(
        this, [] { return QList<UsageSeries::Point>(); });
}

QFuture<QList<UsageGroupRow>> FakeUsageStore::usageGroups(const UsageQuery&, Grouping)
{
    return m_behaviour.answer<QList<UsageGroupRow>>(this, [] { return QList<UsageGroupRow>(); });
}

QFuture<UsageStore::LogPage> FakeUsageStore::usageLogs(const UsageQuery&, LogColumn, Qt::SortOrder,
                                                       const QString&, int)
{
    return m_behaviour.answer<LogPage>(this, [] { return LogPage(); });
}

QFuture<qint64> FakeUsageStore::usageLogCount(const UsageQuery&)
{
    return m_behaviour.answer<qint64>(this, [] { return qint64(0); });
}

QFuture<QList<KeyUsage>> FakeUsageStore::keyUsage()
{
    return m_behaviour.answer<QList<KeyUsage>>(this, [] { return QList<KeyUsage>(); });
}

QFuture<QStringList> FakeUsageStore::usageModels()
{
    return m_behaviour.answer<QStringList>(this, [] { return QStringList(); });
}

QFuture<PriceTable> FakeUsageStore::priceTable()
{
    return m_behaviour.answer<PriceTable>(this, [] { return PriceTable::defaults(); });
}

QFuture<PriceTable> FakeUsageStore::setPriceTable(const PriceTable&)
{
    return m_behaviour.answer<PriceTable>(
        this, []() -> PriceTable { throw FakeBehaviour::unsupported(u"usage"_s); });
}
