#include "BillingCycle.h"

#include <QDateTime>
#include <QTimeZone>

namespace {
qint64 startOf(QDate date)
{
    return QDateTime(date, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}
} // namespace

qint64 BillingCycle::cycleStart(int billingDay, qint64 nowUtcMs)
{
    const int day = qBound(1, billingDay, 28);
    const QDate today = QDateTime::fromMSecsSinceEpoch(nowUtcMs, QTimeZone::utc()).date();
    const QDate thisMonth(today.year(), today.month(), day);
    return startOf(today >= thisMonth ? thisMonth : thisMonth.addMonths(-1));
}

qint64 BillingCycle::nextCycleStart(int billingDay, qint64 nowUtcMs)
{
    const QDate start =
        QDateTime::fromMSecsSinceEpoch(cycleStart(billingDay, nowUtcMs), QTimeZone::utc()).date();
    return startOf(start.addMonths(1));
}
