#include "UsageSeries.h"
#include "UtcTime.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;

class TestUsageSeries final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void autoBucket();
    void dayBucketsFollowLocalMidnightsAcrossDst();
    void daysAreUtcDaysOnlyWhereEveryMidnightIsUtcs();
    void seriesEqualsBruteForce_data();
    void seriesEqualsBruteForce();
};

void TestUsageSeries::autoBucket()
{
    const qint64 day = 24 * UsageSeries::HourMs;
    QCOMPARE(UsageSeries::autoBucket(0, day), UsageSeries::BucketSize::Hour);
    QCOMPARE(UsageSeries::autoBucket(0, 7 * day), UsageSeries::BucketSize::Hour);
    QCOMPARE(UsageSeries::autoBucket(0, 30 * day), UsageSeries::BucketSize::Day);
}

void TestUsageSeries::dayBucketsFollowLocalMidnightsAcrossDst()
{
    const QTimeZone berlin("Europe/Berlin");
    QVERIFY(berlin.isValid());
    // 2027-03-28 is the spring-forward day in Berlin: 23 hours long.
    const qint64 from = *UtcTime::parseRfc3339(u"2027-03-27T00:00:00+01:00");
    const qint64 to = *UtcTime::parseRfc3339(u"2027-03-30T00:00:00+02:00");
    const QList<qint64> starts =
        UsageSeries::bucketStarts(from, to, UsageSeries::BucketSize::Day, berlin);
    QCOMPARE(starts.size(), 3);
    QCOMPARE(starts[1] - starts[0], 24 * UsageSeries::HourMs);
    QCOMPARE(starts[2] - starts[1], 23 * UsageSeries::HourMs);
}

void TestUsageSeries::daysAreUtcDaysOnlyWhereEveryMidnightIsUtcs()
{
    const QTimeZone london("Europe/London");
    QVERIFY(london.isValid());
    const qint64 winterFrom = *UtcTime::parseRfc3339(u"2026-12-01T06:00:00Z");
    const qint64 winterTo = *UtcTime::parseRfc3339(u"2027-01-31T00:00:00Z");
    QVERIFY(UsageSeries::daysAreUtcDays(winterFrom, winterTo, QTimeZone::utc()));
    QVERIFY(UsageSeries::daysAreUtcDays(winterFrom, winterTo, london));
    // London moves to +01:00 on 2027-03-28: from then on its midnights are 23:00 UTC.
    QVERIFY(!UsageSeries::daysAreUtcDays(winterFrom,
                                         *UtcTime::parseRfc3339(u"2027-04-02T00:00:00Z"), london));
    QVERIFY(!UsageSeries::daysAreUtcDays(winterFrom, winterTo, QTimeZone("Asia/Kolkata")));
    QVERIFY(!UsageSeries::daysAreUtcDays(winterFrom, winterTo, QTimeZone(3600)));
}

void TestUsageSeries::seriesEqualsBruteForce_data()
{
    QTest::addColumn<QString>("zone");
    QTest::addColumn<int>("bucket");
    for (const char* zone :
         {"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Adelaide"}) {
        QTest::addRow("%s hours", zone)
            << QString::fromLatin1(zone) << int(UsageSeries::BucketSize::Hour);
        QTest::addRow("%s days", zone)
            << QString::fromLatin1(zone) << int(UsageSeries::BucketSize::Day);
    }
}

void TestUsageSeries::seriesEqualsBruteForce()
{
    QFETCH(QString, zone);
    QFETCH(int, bucket);
    const QTimeZone tz(zone.toUtf8());
    QVERIFY(tz.isValid());
    const auto size = UsageSeries::BucketSize(bucket);
    QRandomGenerator rng(20270131);
    const qint64 from = *UtcTime::parseRfc3339(u"2027-03-20T07:30:00Z");
    const qint64 to = from + 21 * 24 * UsageSeries::HourMs + 1234;

    // Events land on random instants, often exactly on hour edges, some outside the range.
    QList<UsageEvent> events;
    for (int i = 0; i < 3000; ++i) {
        UsageEvent e;
        const qint64 span = to - from + 4 * 24 * UsageSeries::HourMs;
        e.timeMs = from - 2 * 24 * UsageSeries::HourMs + qint64(rng.bounded(quint64(span)));
        if (i % 5 == 0)
            e.timeMs = UsageSeries::slotStart(e.timeMs);
        if (i % 7 == 0)
            e.timeMs = UsageSeries::slotStart(e.timeMs) - 1;
        e.status = rng.bounded(10) == 0 ? 500 : 200;
        e.promptTokens = rng.bounded(1000);
        e.completionTokens = rng.bounded(1000);
        e.costMicros = rng.bounded(100000);
        events << e;
    }
    // The roll-up the store keeps: per 15-minute slot.
    QMap<qint64, UsageTotals> slotRows;
    for (const UsageEvent& e : events)
        slotRows[UsageSeries::slotStart(e.timeMs)].add(e);
    QList<UsageSeries::Point> rows;
    for (auto it = slotRows.cbegin(); it != slotRows.cend(); ++it)
        rows << UsageSeries::Point{it.key(), it.value()};

    const QList<UsageSeries::Point> series = UsageSeries::build(rows, from, to, size, tz);

    // Brute force: each event goes to the bucket whose [start, next start) holds it.
    for (qsizetype i = 0; i < series.size(); ++i) {
        const qint64 start = series[i].startMs;
        const qint64 end = i + 1 < series.size() ? series[i + 1].startMs : to;
        UsageTotals expected;
        for (const UsageEvent& e : events) {
            if (e.timeMs >= start && e.timeMs < end && e.timeMs < to)
                expected.add(e);
        }
        // Only the last bucket may be cut by `to`, where a slot roll-up cannot split its slot.
        if (i + 1 < series.size())
            QCOMPARE(series[i].totals, expected);
        const QTime local = QDateTime::fromMSecsSinceEpoch(start, tz).time();
        QCOMPARE(local, QTime(size == UsageSeries::BucketSize::Day ? 0 : local.hour(), 0));
    }
    QVERIFY(series.first().startMs <= from);
    QVERIFY(series.last().startMs < to);
}

QTEST_GUILESS_MAIN(TestUsageSeries)
#include "tst_usageseries.moc"
