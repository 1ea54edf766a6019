#pragma once

#include "UsageTotals.h"

#include <QList>
#include <QTimeZone>

// Time series for the Usage page, built from roll-ups so a chart costs O(buckets), not O(events).
// Roll-ups are kept per 15-minute slot: every UTC offset in use (+05:30, +05:45, -09:30) is a
// multiple of 15 minutes, so local hours and local midnights always fall on slot edges. Hour and
// day buckets follow the given zone (23- and 25-hour days included).
class UsageSeries final
{
public:
    enum class BucketSize
    {
        Hour,
        Day
    };

    struct Point
    {
        qint64 startMs = 0;
        UsageTotals totals;
        friend bool operator==(const Point&, const Point&) = default;
    };

    static constexpr qint64 HourMs = 3'600'000;
    static constexpr qint64 SlotMs = 900'000;
    // The most dense buckets a server builds for one answer: a year and more by the hour.
    static constexpr qint64 MaxDenseBuckets = 10'000;
    static qint64 slotStart(qint64 timeMs);

    // Up to 7 days: hours; longer: days.
    static BucketSize autoBucket(qint64 fromMs, qint64 toMs);
    // Bucket start times covering [fromMs, toMs): the first one is at or before fromMs.
    static QList<qint64> bucketStarts(qint64 fromMs, qint64 toMs, BucketSize size,
                                      const QTimeZone& zone);
    // Whether every day bucket of [fromMs, toMs) in the zone starts at a UTC midnight (UTC itself,
    // or a zone at +00:00 throughout), so rows of whole UTC days fold into them as slots do.
    static bool daysAreUtcDays(qint64 fromMs, qint64 toMs, const QTimeZone& zone);
    // Folds slot rows (any order; startMs = slot start) into dense points, zeros included.
    // Rows outside [bucketStarts.first(), toMs) are ignored.
    static QList<Point> build(const QList<Point>& slotRows, qint64 fromMs, qint64 toMs,
                              BucketSize size, const QTimeZone& zone);
};
