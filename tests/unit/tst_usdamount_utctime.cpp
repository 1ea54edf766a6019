#include "UsdAmount.h"
#include "UtcTime.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QTest>
#include <QTimeZone>

using namespace Qt::StringLiterals;

class TestUsdAmountUtcTime final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesAmounts_data();
    void parsesAmounts();
    void rejectsBadAmounts_data();
    void rejectsBadAmounts();
    void formatsAmounts();
    void formatRoundTrips();
    void parsesTimes_data();
    void parsesTimes();
    void rejectsTimesWithoutZone_data();
    void rejectsTimesWithoutZone();
    void formatsTimes();
};

void TestUsdAmountUtcTime::parsesAmounts_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("micros");
    QTest::newRow("whole") << u"25"_s << qint64(25'000'000);
    QTest::newRow("cents") << u"25.00"_s << qint64(25'000'000);
    QTest::newRow("dollar sign") << u"$0.5"_s << qint64(500'000);
    QTest::newRow("micro") << u"0.000001"_s << qint64(1);
    QTest::newRow("zero") << u"0"_s << qint64(0);
    QTest::newRow("padded") << u"  12.34 "_s << qint64(12'340'000);
    QTest::newRow("leading zeros") << u"007.5"_s << qint64(7'500'000);
    QTest::newRow("max") << u"1000000000000"_s << qint64(1'000'000'000'000'000'000);
}

void TestUsdAmountUtcTime::parsesAmounts()
{
    QFETCH(QString, text);
    QFETCH(qint64, micros);
    QString error;
    QCOMPARE(UsdAmount::parse(text, &error), std::optional<qint64>(micros));
}

void TestUsdAmountUtcTime::rejectsBadAmounts_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("negative") << u"-5"_s;
    QTest::newRow("exponent") << u"1e3"_s;
    QTest::newRow("too precise") << u"25.0000001"_s;
    QTest::newRow("thousands") << u"1,000"_s;
    QTest::newRow("empty") << u""_s;
    QTest::newRow("dot only") << u"."_s;
    QTest::newRow("trailing dot") << u"5."_s;
    QTest::newRow("leading dot") << u".5"_s;
    QTest::newRow("words") << u"ten"_s;
    QTest::newRow("too large") << u"1000000000001"_s;
    QTest::newRow("too large by a fraction") << u"1000000000000.000001"_s;
    QTest::newRow("too large by much of a dollar") << u"1000000000000.999999"_s;
    QTest::newRow("overflow") << u"99999999999999999999999"_s;
    QTest::newRow("nan") << u"nan"_s;
    QTest::newRow("arabic digits") << u"٥"_s;
}

void TestUsdAmountUtcTime::rejectsBadAmounts()
{
    QFETCH(QString, text);
    QString error;
    QVERIFY(!UsdAmount::parse(text, &error));
    QVERIFY(!error.isEmpty());
}

void TestUsdAmountUtcTime::formatsAmounts()
{
    QCOMPARE(UsdAmount::format(25'000'000), u"25.00"_s);
    QCOMPARE(UsdAmount::format(123), u"0.000123"_s);
    QCOMPARE(UsdAmount::format(1'500'000), u"1.50"_s);
    QCOMPARE(UsdAmount::format(-1'500'000), u"-1.50"_s);
    QCOMPARE(UsdAmount::display(1'500'000), u"$1.50"_s);
    // Thousands grouped the one way money is shown everywhere.
    QCOMPARE(UsdAmount::display(1'431'830'000), u"$1,431.83"_s);
    QCOMPARE(UsdAmount::display(999'990'000), u"$999.99"_s);
    QCOMPARE(UsdAmount::display(123'456'789'000'001), u"$123,456,789.000001"_s);
    QCOMPARE(UsdAmount::displayCents(-1'234'504'999), u"-$1,234.50"_s);
    QCOMPARE(UsdAmount::displayCents(1'000'000'000'000), u"$1,000,000.00"_s);
    QCOMPARE(UsdAmount::displayCents(3'479'421), u"$3.48"_s);
    QCOMPARE(UsdAmount::displayCents(3'474'999), u"$3.47"_s);
    QCOMPARE(UsdAmount::displayCents(3'475'000), u"$3.48"_s);
    QCOMPARE(UsdAmount::displayCents(4'999), u"< $0.01"_s);
    QCOMPARE(UsdAmount::displayCents(5'000), u"$0.01"_s);
    QCOMPARE(UsdAmount::displayCents(0), u"$0.00"_s);
    QCOMPARE(UsdAmount::displayCents(-1'505'000), u"-$1.51"_s);
    QCOMPARE(UsdAmount::format(std::numeric_limits<qint64>::min()), u"-9223372036854.775808"_s);
}

void TestUsdAmountUtcTime::formatRoundTrips()
{
    for (qint64 micros : {qint64(0), qint64(1), qint64(10), qint64(999'999), qint64(1'000'000),
                          qint64(123'456'789), qint64(1'000'000'000'000'000'000)}) {
        QCOMPARE(UsdAmount::parse(UsdAmount::format(micros)), std::optional<qint64>(micros));
    }
}

void TestUsdAmountUtcTime::parsesTimes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms");
    const auto utc = [](int y, int mo, int d, int h, int mi, int s, int msec = 0) {
        return QDateTime(QDate(y, mo, d), QTime(h, mi, s, msec), QTimeZone::utc())
            .toMSecsSinceEpoch();
    };
    QTest::newRow("Z") << u"2027-01-31T00:00:00Z"_s << utc(2027, 1, 31, 0, 0, 0);
    QTest::newRow("lower-case") << u"2027-01-31t00:00:00z"_s << utc(2027, 1, 31, 0, 0, 0);
    QTest::newRow("plus offset") << u"2027-01-31T01:00:00+01:00"_s << utc(2027, 1, 31, 0, 0, 0);
    QTest::newRow("minus offset") << u"2027-01-30T19:00:00-05:00"_s << utc(2027, 1, 31, 0, 0, 0);
    QTest::newRow("millis") << u"2027-01-31T00:00:00.250Z"_s << utc(2027, 1, 31, 0, 0, 0, 250);
    QTest::newRow("nanos truncated")
        << u"2027-01-31T00:00:00.123456789Z"_s << utc(2027, 1, 31, 0, 0, 0, 123);
    QTest::newRow("leap day") << u"2028-02-29T12:00:00Z"_s << utc(2028, 2, 29, 12, 0, 0);
    QTest::newRow("epoch") << u"1970-01-01T00:00:00Z"_s << qint64(0);
}

void TestUsdAmountUtcTime::parsesTimes()
{
    QFETCH(QString, text);
    QFETCH(qint64, ms);
    QString error;
    const auto parsed = UtcTime::parseRfc3339(text, &error);
    QVERIFY2(parsed, qPrintable(error));
    QCOMPARE(*parsed, ms);
}

void TestUsdAmountUtcTime::rejectsTimesWithoutZone_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("date only") << u"2027-01-31"_s;
    QTest::newRow("no zone") << u"2027-01-31T00:00:00"_s;
    QTest::newRow("no zone, millis") << u"2027-01-31T00:00:00.5"_s;
    QTest::newRow("space separator") << u"2027-01-31 00:00:00Z"_s;
    QTest::newRow("bad offset") << u"2027-01-31T00:00:00+0100"_s;
    QTest::newRow("not a leap year") << u"2027-02-29T00:00:00Z"_s;
    QTest::newRow("month 13") << u"2027-13-01T00:00:00Z"_s;
    QTest::newRow("hour 24") << u"2027-01-01T24:00:00Z"_s;
    QTest::newRow("trailing junk") << u"2027-01-01T00:00:00Zjunk"_s;
    QTest::newRow("before epoch") << u"1969-12-31T23:59:59Z"_s;
    // Found by fuzz_utctime: an offset carried these across the edges, and they were stored as
    // times no RFC 3339 text can give back.
    QTest::newRow("before epoch in UTC") << u"1970-01-01T00:30:00+01:00"_s;
    QTest::newRow("after 9999 in UTC") << u"9999-12-31T23:59:59.4-23:59"_s;
    QTest::newRow("empty") << u""_s;
}

void TestUsdAmountUtcTime::rejectsTimesWithoutZone()
{
    QFETCH(QString, text);
    QString error;
    QVERIFY(!UtcTime::parseRfc3339(text, &error));
    QVERIFY(!error.isEmpty());
    // A real date before the epoch is not called invalid: it is too early.
    if (text.startsWith(u"1969") || text.endsWith(u"+01:00"))
        QVERIFY2(error.contains(u"before 1970"_s), qPrintable(error));
    if (text.startsWith(u"9999"))
        QVERIFY2(error.contains(u"after 9999"_s), qPrintable(error));
}

void TestUsdAmountUtcTime::formatsTimes()
{
    QCOMPARE(UtcTime::toRfc3339(0), u"1970-01-01T00:00:00Z"_s);
    QCOMPARE(UtcTime::toRfc3339(1'800'000'000'250), u"2027-01-15T08:00:00.250Z"_s);
    const qint64 t = *UtcTime::parseRfc3339(u"2027-01-31T23:59:59Z");
    QCOMPARE(*UtcTime::parseRfc3339(UtcTime::toRfc3339(t)), t);
    // Both edges print and parse back.
    QCOMPARE(UtcTime::parseRfc3339(u"1969-12-31T23:30:00-01:00"), std::optional<qint64>(1'800'000));
    QCOMPARE(UtcTime::toRfc3339(UtcTime::LatestMs), u"9999-12-31T23:59:59.999Z"_s);
    QCOMPARE(UtcTime::parseRfc3339(UtcTime::toRfc3339(UtcTime::LatestMs)),
             std::optional<qint64>(UtcTime::LatestMs));
    QCOMPARE(UtcTime::toRfc3339(*UtcTime::parseRfc3339(u"2028-02-29T23:59:59.001Z")),
             u"2028-02-29T23:59:59.001Z"_s);
    // What QDateTime writes, across the whole range, leap days and centuries included.
    QRandomGenerator random(5);
    for (int i = 0; i < 20'000; ++i) {
        const qint64 ms = qint64(random.bounded(double(UtcTime::LatestMs)));
        const qint64 at = i % 2 ? ms : ms - ms % 1000;
        const QString expected =
            QDateTime::fromMSecsSinceEpoch(at, QTimeZone::utc())
                .toString(at % 1000 ? u"yyyy-MM-ddTHH:mm:ss.zzzZ"_s : u"yyyy-MM-ddTHH:mm:ssZ"_s);
        QCOMPARE(UtcTime::toRfc3339(at), expected);
    }
}

QTEST_GUILESS_MAIN(TestUsdAmountUtcTime)
#include "tst_usdamount_utctime.moc"
