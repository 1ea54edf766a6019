#include "UsageSeries.h"

#include <QDateTime>
#include <algorithm>

qint64 UsageSeries::slotStart(qint64 timeMs)
{
    // Floor, not truncation, so negative times stay in the right slot too.
    const qint64 q = timeMs / SlotMs;
    return (q - (timeMs % SlotMs < 0 ? 1 : 0)) * SlotMs;
}

UsageSeries::BucketSize UsageSeries::autoBucket(qint64 fromMs, qint64 toMs)
{
    return toMs - fromMs <= 7 * 24 * HourMs ? BucketSize::Hour : BucketSize::Day;
}

QList<qint64> UsageSeries::bucketStarts(qint64 fromMs, qint64 toMs, BucketSize size,
                                        const QTimeZone& zone)
{
    QList<qint64> starts;
    if (toMs <= fromMs)
        return starts;
    if (size == BucketSize::Hour) {
        QDateTime local = QDateTime::fromMSecsSinceEpoch(fromMs, zone);
        local.setTime(QTime(local.time().hour(), 0));
        for (qint64 t = local.toMSecsSinceEpoch(); t < toMs; t += HourMs)
            starts << t;
        return starts;
    }
    QDate day = QDateTime::fromMSecsSinceEpoch(fromMs, zone).date();
    for (qint64 t = day.startOfDay(zone).toMSecsSinceEpoch(); t < toMs;) {
        starts << t;
        day = day.addDays(1);
        t = day.startOfDay(zone).toMSecsSinceEpoch();
    }
    return starts;
}

bool UsageSeries::daysAreUtcDays(qint64 fromMs, qint64 toMs, const QTimeZone& zone)
{
    constexpr qint64 DayMs = 24 * HourMs;
    const QList<qint64> starts = bucketStarts(fromMs, toMs, BucketSize::Day, zone);
    return std::all_of(starts.cbegin(), starts.cend(),
                       [](qint64 start) { return start % DayMs == 0; });
}

QList<UsageSeries::Point> UsageSeries::build(const QList<Point>& slotRows, qint64 fromMs,
                                             qint64 toMs, BucketSize size, const QTimeZone& zone)
{
    const QList<qint64> starts = bucketStarts(fromMs, toMs, size, zone);
    QList<Point> points;
    points.reserve(starts.size());
    for (qint64 s : starts)
        points << Point{s, {}};
    if (points.isEmpty())
        return points;
    for (const Point& row : slotRows) {
        if (row.startMs < starts.first() || row.startMs >= toMs)
            continue;
        const auto it = std::upper_bound(starts.cbegin(), starts.cend(), row.startMs);
        points[std::distance(starts.cbegin(), it) - 1].totals.merge(row.totals);
    }
    return points;
}
