#include "CsvReader.h"
#include "PriceTable.h"
#include "UsageCodec.h"
#include "UtcTime.h"

#include <QBuffer>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
// The event written as a CSV export writes it, then read back as an import reads it.
std::optional<UsageEvent> throughCsv(const UsageEvent& e)
{
    QByteArray csv = UsageCodec::csvHeaderLine() + UsageCodec::toCsvLine(e, e.key);
    QBuffer buffer(&csv);
    buffer.open(QIODevice::ReadOnly);
    CsvReader reader(buffer);
    QStringList fields;
    QString why;
    FieldError error;
    if (reader.readRecord(&fields, &why) != CsvReader::Result::Record)
        return std::nullopt;
    const auto header = UsageCodec::csvHeader(fields, &error);
    if (!header || reader.readRecord(&fields, &why) != CsvReader::Result::Record)
        return std::nullopt;
    return UsageCodec::fromCsvRecord(fields, *header, &error);
}
} // namespace

class TestUsageCodec final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesAJsonLine();
    void badJsonMembersAreNamed_data();
    void badJsonMembersAreNamed();
    void csvReaderHandlesQuotesAndLineBreaks();
    void csvReaderBoundsRecordsAndResynchronises();
    void csvReaderReportsBrokenQuoting();
    void csvHeaderNeedsRequiredColumns();
    void jsonAndCsvRoundTrip();
    void anEventWithoutACostStaysWithoutOne();
    void aRepeatedNamelessMemberIsNamedByItsLine();
    void aHugeNumberIsOutOfRangeNotUndefined();
    void priceTableMatchesLongestPrefix();
    void priceTableRoundsToMicros();
    void priceTableJsonRoundTrip();
};

void TestUsageCodec::parsesAJsonLine()
{
    FieldError error;
    const auto e = UsageCodec::fromJsonLine(
        R"({"time":"2027-01-31T10:00:00+01:00","key":"prod-web-app","model":"gpt-4o","endpoint":"/v1/chat/completions",)"
        R"("status":429,"prompt_tokens":12,"completion_tokens":3,"cost_usd":"0.000150","latency_ms":80,)"
        R"("ip":"::ffff:10.0.0.7","request_id":"req_1"})",
        &error);
    QVERIFY2(e, qPrintable(error.toString()));
    QCOMPARE(e->timeMs, *UtcTime::parseRfc3339(u"2027-01-31T09:00:00Z"));
    QCOMPARE(e->key, u"prod-web-app"_s);
    QCOMPARE(e->status, 429);
    QVERIFY(e->isError());
    QCOMPARE(e->costMicros, std::optional<qint64>(150));
    QCOMPARE(e->clientIp, u"10.0.0.7"_s);
    QCOMPARE(e->totalTokens(), qint64(15));

    const auto number = UsageCodec::fromJsonLine(
        R"({"time":"2027-01-31T10:00:00Z","key":"k","model":"m","cost_usd":0.1})", &error);
    QVERIFY(number);
    QCOMPARE(number->costMicros, std::optional<qint64>(100'000));
    QCOMPARE(number->status, 200);
    QVERIFY(!UsageCodec::fromJsonLine(R"({"time":"2027-01-31T10:00:00Z","key":"k","model":"m"})",
                                      &error)
                 ->costMicros);
}

void TestUsageCodec::badJsonMembersAreNamed_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("field");
    const QByteArray ok = R"("key":"k","model":"m")";
    QTest::newRow("not json") << QByteArray("{oops") << u"line"_s;
    QTest::newRow("array") << QByteArray("[1]") << u"line"_s;
    QTest::newRow("no zone") << QByteArray(R"({"time":"2027-01-31T10:00:00",)" + ok + "}")
                             << u"time"_s;
    QTest::newRow("no time") << QByteArray("{" + ok + "}") << u"time"_s;
    QTest::newRow("no key") << QByteArray(R"({"time":"2027-01-31T10:00:00Z","model":"m"})")
                            << u"key"_s;
    QTest::newRow("negative tokens")
        << QByteArray(R"({"time":"2027-01-31T10:00:00Z",)" + ok + R"(,"prompt_tokens":-1})")
        << u"prompt_tokens"_s;
    QTest::newRow("fractional tokens")
        << QByteArray(R"({"time":"2027-01-31T10:00:00Z",)" + ok + R"(,"completion_tokens":1.5})")
        << u"completion_tokens"_s;
    QTest::newRow("status 700") << QByteArray(R"({"time":"2027-01-31T10:00:00Z",)" + ok +
                                              R"(,"status":700})")
                                << u"status"_s;
    QTest::newRow("status 99") << QByteArray(R"({"time":"2027-01-31T10:00:00Z",)" + ok +
                                             R"(,"status":99})")
                               << u"status"_s;
    QTest::newRow("negative cost")
        << QByteArray(R"({"time":"2027-01-31T10:00:00Z",)" + ok + R"(,"cost_usd":"-1"})")
        << u"cost_usd"_s;
    QTest::newRow("bad ip") << QByteArray(R"({"time":"2027-01-31T10:00:00Z",)" + ok +
                                          R"(,"ip":"010.0.0.1"})")
                            << u"ip"_s;
    QTest::newRow("model not a string")
        << QByteArray(R"({"time":"2027-01-31T10:00:00Z","key":"k","model":5})") << u"model"_s;
}

void TestUsageCodec::badJsonMembersAreNamed()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, field);
    FieldError error;
    QVERIFY(!UsageCodec::fromJsonLine(line, &error));
    QCOMPARE(error.field, field);
    QVERIFY(!error.message.isEmpty());
    // Too high and too low get the same range.
    if (field == u"status")
        QCOMPARE(error.message, u"must be a whole number from 100 to 599"_s);
}

// An overlong line is one bad record and the next line is read whole; a quote that never closes
// costs its own line only.
void TestUsageCodec::csvReaderBoundsRecordsAndResynchronises()
{
    QByteArray data = "0123456789abcdef\n" // 17 bytes with its line feed: over 16
                      "a,b\n"
                      "0123456789abcd\n" // 15 bytes: fits
                      "x,\"open\n"
                      "c,d\n";
    QBuffer buffer(&data);
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    CsvReader reader(buffer, 16);
    QStringList fields;
    QString error;
    QCOMPARE(reader.readRecord(&fields, &error), CsvReader::Result::Error);
    QVERIFY2(error.contains(u"longer than 16"_s), qPrintable(error));
    QCOMPARE(reader.readRecord(&fields, &error), CsvReader::Result::Record);
    QCOMPARE(fields, (QStringList{u"a"_s, u"b"_s}));
    QCOMPARE(reader.recordLine(), 2);
    QCOMPARE(reader.readRecord(&fields, &error), CsvReader::Result::Record);
    QCOMPARE(reader.recordLine(), 3);
    QCOMPARE(reader.readRecord(&fields, &error), CsvReader::Result::Error);
    QCOMPARE(reader.recordLine(), 4);
    QVERIFY2(error.contains(u"stray quote"_s), qPrintable(error));
    QCOMPARE(reader.readRecord(&fields, &error), CsvReader::Result::Record);
    QCOMPARE(fields, (QStringList{u"c"_s, u"d"_s}));
    QCOMPARE(reader.recordLine(), 5);
    QCOMPARE(reader.readRecord(&fields, &error), CsvReader::Result::End);
}

void TestUsageCodec::csvReaderHandlesQuotesAndLineBreaks()
{
    QByteArray data = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n,,\nlast,row,here";
    QBuffer buffer(&data);
    buffer.open(QIODevice::ReadOnly);
    CsvReader reader(buffer);
    QStringList fields;
    QString error;
    QCOMPARE(reader.readRecord(&fields, &error), CsvReader::Result::Record);
    QCOMPARE(fields, (QStringList{u"a"_s, u"b"_s, u"c"_s}));
    QCOMPARE(reader.readRecord(&fields, &error), CsvReader::Result::Record);
    QCOMPARE(fields, (QStringList{u"x, y"_s, u"say \"hi\""_s, u"two\nlines"_s}));
    QCOMPARE(reader.recordLine(), qint64(2));
    QCOMPARE(reader.readRecord(&fields, &error), CsvReader::Result::Record);
    QCOMPARE(fields, (QStringList{QString(), QString(), QString()}));
    QCOMPARE(reader.recordLine(), qint64(4));
    QCOMPARE(reader.readRecord(&fields, &error), CsvReader::Result::Record);
    QCOMPARE(fields, (QStringList{u"last"_s, u"row"_s, u"here"_s}));
    QCOMPARE(reader.readRecord(&fields, &error), CsvReader::Result::End);
}

void TestUsageCodec::csvReaderReportsBrokenQuoting()
{
    for (QByteArray data :
         {QByteArray("\"open,b\n"), QByteArray("a\"b,c\n"), QByteArray("\"a\"b,c\n")}) {
        QBuffer buffer(&data);
        buffer.open(QIODevice::ReadOnly);
        CsvReader reader(buffer);
        QStringList fields;
        QString error;
        QCOMPARE(reader.readRecord(&fields, &error), CsvReader::Result::Error);
        QVERIFY(!error.isEmpty());
    }
}

void TestUsageCodec::csvHeaderNeedsRequiredColumns()
{
    FieldError error;
    QVERIFY(UsageCodec::csvHeader(UsageCodec::columns(), &error));
    QVERIFY(!UsageCodec::csvHeader({u"time"_s, u"key"_s}, &error));
    QCOMPARE(error.field, u"model"_s);
    QVERIFY(!UsageCodec::csvHeader({u"time"_s, u"key"_s, u"model"_s, u"colour"_s}, &error));
    QCOMPARE(error.field, u"colour"_s);
}

void TestUsageCodec::jsonAndCsvRoundTrip()
{
    UsageEvent e;
    e.timeMs = *UtcTime::parseRfc3339(u"2027-01-31T09:00:00.125Z");
    e.key = u"label, with \"quotes\""_s;
    e.model = u"gpt-4o"_s;
    e.endpoint = u"/v1/embeddings"_s;
    e.status = 503;
    e.promptTokens = 1000;
    e.completionTokens = 0;
    e.costMicros = 2500;
    e.latencyMs = 1234;
    e.clientIp = u"2001:db8::7"_s;
    e.requestId = u"req_42"_s;

    FieldError error;
    const QByteArray jsonLine = UsageCodec::toJsonLine(e, e.key);
    QVERIFY(jsonLine.endsWith('\n'));
    QCOMPARE(UsageCodec::fromJsonLine(jsonLine.trimmed(), &error), std::optional<UsageEvent>(e));

    QCOMPARE(throughCsv(e), std::optional<UsageEvent>(e));
}

// Found by fuzz_usagejsonl: a repeated member without a name gave an error naming no field.
void TestUsageCodec::aRepeatedNamelessMemberIsNamedByItsLine()
{
    FieldError error;
    QCOMPARE(UsageCodec::fromJsonLine(R"({"":"m","":-1})", &error), std::nullopt);
    QCOMPARE(error.field, u"line"_s);
    QVERIFY(!error.message.isEmpty());
}

// Found by fuzz_usagejsonl under UBSan: a number beyond qint64 was converted before it was
// range-checked (undefined behaviour).
void TestUsageCodec::aHugeNumberIsOutOfRangeNotUndefined()
{
    FieldError error;
    QCOMPARE(UsageCodec::fromJsonLine(
                 R"({"time":"2026-03-01T10:00:00Z","key":"k","model":"m","status":4E29})", &error),
             std::nullopt);
    QCOMPARE(error.field, u"status"_s);
    QCOMPARE(UsageCodec::fromJsonLine(R"({"time":"2026-03-01T10:00:00Z","key":"k","model":"m",)"
                                      R"("prompt_tokens":-1e300})",
                                      &error),
             std::nullopt);
    QCOMPARE(error.field, u"prompt_tokens"_s);
}

// Found by fuzz_usagejsonl and fuzz_usagecsv: an event without a cost (to be priced when it is
// stored) was written with a cost of 0, and so read back as free.
void TestUsageCodec::anEventWithoutACostStaysWithoutOne()
{
    UsageEvent e;
    e.timeMs = *UtcTime::parseRfc3339(u"2026-03-01T10:00:00Z");
    e.key = u"k"_s;
    e.model = u"m"_s;
    e.status = 429;
    FieldError error;
    const QByteArray jsonLine = UsageCodec::toJsonLine(e, e.key);
    QVERIFY2(!jsonLine.contains("cost_usd"), jsonLine.constData());
    QCOMPARE(UsageCodec::fromJsonLine(jsonLine.trimmed(), &error), std::optional<UsageEvent>(e));

    QCOMPARE(throughCsv(e), std::optional<UsageEvent>(e));
}

void TestUsageCodec::priceTableMatchesLongestPrefix()
{
    const PriceTable table = PriceTable::defaults();
    QCOMPARE(table.priceFor(u"gpt-4o-mini-2024-07-18"_s), table.priceFor(u"gpt-4o-mini"_s));
    QCOMPARE(table.priceFor(u"gpt-4o-2024-08-06"_s), table.priceFor(u"gpt-4o"_s));
    QVERIFY(!table.priceFor(u"llama-3-70b"_s));
    QCOMPARE(table.costMicros(u"llama-3-70b"_s, 1000, 1000), qint64(0));
}

void TestUsageCodec::priceTableRoundsToMicros()
{
    PriceTable table;
    table.setPrice(u"m"_s, {2'500'000, 10'000'000});
    // 1,000 prompt tokens at $2.50/M = $0.0025; 500 completion at $10/M = $0.005.
    QCOMPARE(table.costMicros(u"m"_s, 1000, 500), qint64(7500));
    QCOMPARE(table.costMicros(u"m"_s, 1, 0), qint64(3)); // 2.5 micro-USD rounds half up
}

void TestUsageCodec::priceTableJsonRoundTrip()
{
    const PriceTable table = PriceTable::defaults();
    QString error;
    QCOMPARE(PriceTable::fromJson(table.toJson(), &error), std::optional<PriceTable>(table));
    QJsonObject bad{{u"gpt-4o"_s, QJsonObject{{u"prompt_usd_per_million"_s, u"-1"_s}}}};
    QVERIFY(!PriceTable::fromJson(bad, &error));
    QVERIFY(error.contains(u"gpt-4o"));
}

QTEST_GUILESS_MAIN(TestUsageCodec)
#include "tst_usagecodec.moc"
