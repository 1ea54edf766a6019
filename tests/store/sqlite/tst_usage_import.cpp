#include "ApiKeyFormat.h"
#include "KeyStore.h"
#include "KeyStoreContract.h"
#include "LifecycleStore.h"
#include "SqliteStore.h"
#include "StoreOutcome.h"
#include "TestSupport.h"
#include "UsagePrinting.h"
#include "UsageStore.h"
#include "UsdAmount.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 MinuteMs = 60'000;
constexpr qint64 DayMs = 24 * 60 * MinuteMs;
constexpr qint64 MiB = 1024 * 1024;
constexpr qint64 T0 = KeyStoreContract::StartMs - 30 * DayMs;

// Everything the files in these tests can hold.
UsageQuery allTime()
{
    UsageQuery query;
    query.fromMs = T0 - 400 * DayMs;
    query.toMs = T0 + 400 * DayMs;
    return query;
}

// extra's members take the place of the defaults of the same name: a line never names a member
// twice (the importer refuses that).
QByteArray jsonLine(qint64 timeMs, const QString& key, const QString& requestId = {},
                    const QByteArray& extra = {})
{
    const QList<QPair<QByteArray, QByteArray>> defaults{
        {"time", '"' + UtcTime::toRfc3339(timeMs).toUtf8() + '"'},
        {"key", '"' + key.toUtf8() + '"'},
        {"model", "\"gpt-4o\""},
        {"endpoint", "\"/v1/chat/completions\""},
        {"status", "200"},
        {"prompt_tokens", "120"},
        {"completion_tokens", "30"},
        {"cost_usd", "\"0.000600\""},
        {"latency_ms", "250"},
    };
    QByteArray line = "{";
    for (const auto& [name, value] : defaults) {
        if (extra.contains('"' + name + "\":"))
            continue;
        line += (line.size() > 1 ? "," : "") + ('"' + name + "\":" + value);
    }
    if (!requestId.isEmpty())
        line += ",\"request_id\":\"" + requestId.toUtf8() + '"';
    return line + extra + "}\n";
}

QByteArray csvLine(qint64 timeMs, const QString& key, const QString& requestId = {})
{
    return UtcTime::toRfc3339(timeMs).toUtf8() + ',' + key.toUtf8() +
           ",gpt-4o,/v1/chat/completions,200,120,30,0.000600,250,10.0.0.1," + requestId.toUtf8() +
           '\n';
}

// Peak memory of this process: VmHWM and VmRSS from /proc/self/status, in bytes.
qint64 procStatusBytes(const QByteArray& field)
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly | QIODevice::Text))
        return -1;
    for (QByteArray line = status.readLine(); !line.isEmpty(); line = status.readLine()) {
        if (line.startsWith(field + ':'))
            return line.mid(field.size() + 1).trimmed().split(' ').first().toLongLong() * 1024;
    }
    return -1;
}

// Linux resets VmHWM to the current RSS on "5" (since 4.0), so each import's peak is its own.
bool resetPeakMemory()
{
    QFile clearRefs(u"/proc/self/clear_refs"_s);
    return clearRefs.open(QIODevice::WriteOnly) && clearRefs.write("5") == 1;
}

// Blocks until the store answers: its worker needs nothing from this thread.
template <typename T> StoreOutcome<T> answer(QFuture<T> future, int timeoutMs = 600'000)
{
    try {
        future.waitForFinished();
    } catch (const std::exception&) {
    }
    return outcomeOf(future, timeoutMs);
}
} // namespace

class TestUsageImport final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void importsJsonLinesNamingKeysByIdOrLabel();
    void importsCsvWithQuotedFieldsAndAnyColumnOrder();
    void formatOptionOverridesTheFileName();
    void badJsonLineNamesItsLineAndField_data();
    void badJsonLineNamesItsLineAndField();
    void badCsvRecordNamesItsFirstPhysicalLine();
    void badCsvHeaderFailsEvenWhenSkippingBadLines();
    void failedImportStoresNothing();
    void skipBadLinesImportsTheRestAndReportsTheFirstHundred();
    void repeatedRequestIdsAreCountedOnce();
    void emptyFilesImportNothing_data();
    void emptyFilesImportNothing();
    void missingFileIsNamed();
    void pastedSecretInKeyColumnIsNotEchoed();
    void overlongLineIsABadLine();
    void aStrayQuoteInCsvCostsOneLine();
    void otherWritersGoOnWhileAnImportRuns();
    void anAbandonedImportIsRemovedOnOpen();
    void csvTextFollowsTheSameRulesAsJsonLines();
    void importAnnouncesUsageHereAndInOtherInstances();
    void cancelledImportStoresNothing();
    void millionLinesImportInBoundedMemory();

private:
    QString writeFile(const QString& name, const QByteArray& contents);
    // Writes lines generated one at a time: the file is never in memory.
    QString writeGeneratedJsonLines(const QString& name, qint64 lines);
    std::unique_ptr<SqliteStore> openStore(const QString& name);
    qint64 storedCount();
    std::optional<ApiKeyRecord> key(const QString& idOrLabel);

    QTemporaryDir m_dir;
    ManualClock m_clock{KeyStoreContract::StartMs};
    std::unique_ptr<SqliteStore> m_store;
    QString m_prodId;
    QString m_ciId;
    int m_stores = 0;
};

void TestUsageImport::initTestCase()
{
    QVERIFY2(m_dir.isValid(), qPrintable(m_dir.errorString()));
}

void TestUsageImport::init()
{
    m_store = openStore(u"import-%1.sqlite"_s.arg(++m_stores));
    QVERIFY(m_store);
    KeySpec spec;
    spec.label = u"prod-web-app"_s;
    const auto prod = outcomeOf(m_store->keys().createKey(spec));
    QVERIFY2(prod.ok(), qPrintable(prod.describe()));
    spec.label = u"ci-tests"_s;
    const auto ci = outcomeOf(m_store->keys().createKey(spec));
    QVERIFY2(ci.ok(), qPrintable(ci.describe()));
    m_prodId = prod.value().record.id;
    m_ciId = ci.value().record.id;
}

void TestUsageImport::cleanup()
{
    m_store.reset();
}

std::unique_ptr<SqliteStore> TestUsageImport::openStore(const QString& name)
{
    auto store =
        std::make_unique<SqliteStore>(m_dir.filePath(name), m_clock, *QRandomGenerator::system());
    const auto opened = outcomeOf(store->open());
    if (!opened.ok()) {
        qWarning("cannot open %s: %s", qPrintable(name), qPrintable(opened.describe()));
        return nullptr;
    }
    return store;
}

QString TestUsageImport::writeFile(const QString& name, const QByteArray& contents)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(contents) != contents.size())
        return {};
    return path;
}

QString TestUsageImport::writeGeneratedJsonLines(const QString& name, qint64 lines)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    const QStringList labels{u"prod-web-app"_s, u"ci-tests"_s};
    QByteArray chunk;
    for (qint64 i = 0; i < lines; ++i) {
        // 90 days of traffic in time order, as a gateway writes its log.
        chunk += jsonLine(T0 + i * (90 * DayMs / lines), labels[i % 2], u"req-%1"_s.arg(i));
        if (chunk.size() > MiB) {
            file.write(chunk);
            chunk.clear();
        }
    }
    file.write(chunk);
    return file.flush() ? path : QString();
}

qint64 TestUsageImport::storedCount()
{
    const auto count = outcomeOf(m_store->usage().usageLogCount(allTime()));
    return count.ok() ? count.value() : -1;
}

std::optional<ApiKeyRecord> TestUsageImport::key(const QString& idOrLabel)
{
    const auto found = outcomeOf(m_store->keys().findKey(idOrLabel));
    if (!found.ok())
        return std::nullopt;
    return found.value();
}

void TestUsageImport::importsJsonLinesNamingKeysByIdOrLabel()
{
    const QString path = writeFile(
        u"usage.jsonl"_s, jsonLine(T0, u"prod-web-app"_s, u"r1"_s) + "\n  \n" +
                              jsonLine(T0 + MinuteMs, m_ciId, u"r2"_s,
                                       ",\"status\":\"429\",\"ip\":\"::ffff:10.1.2.3\"") +
                              jsonLine(T0 + 2 * MinuteMs, m_prodId, {}, ",\"cost_usd\":null"));
    QVERIFY(!path.isEmpty());
    const auto imported = outcomeOf(m_store->usage().importUsage(UsageSource::file(path), {}));
    QVERIFY2(imported.ok(), qPrintable(imported.describe()));
    QCOMPARE(imported.value().linesRead, qint64(3));
    QCOMPARE(imported.value().imported, qint64(3));
    QCOMPARE(imported.value().duplicates, qint64(0));
    QCOMPARE(imported.value().skipped, qint64(0));
    QVERIFY(imported.value().committed);
    QVERIFY(imported.value().errors.isEmpty());

    const auto logs = outcomeOf(m_store->usage().usageLogs(allTime(), UsageStore::LogColumn::Time,
                                                           Qt::AscendingOrder, {}, 10));
    QVERIFY2(logs.ok(), qPrintable(logs.describe()));
    QCOMPARE(logs.value().events.size(), 3);
    QCOMPARE(logs.value().events[0].key, m_prodId); // the label resolved to the id
    QCOMPARE(logs.value().events[0].requestId, u"r1"_s);
    QCOMPARE(logs.value().events[0].costMicros, std::optional<qint64>(600));
    QCOMPARE(logs.value().events[1].key, m_ciId);
    QCOMPARE(logs.value().events[1].status, 429);
    QCOMPARE(logs.value().events[1].clientIp, u"10.1.2.3"_s);
    // No cost in the file: priced from the table (gpt-4o: 120 x 2.50 + 30 x 10.00 per million).
    QCOMPARE(logs.value().events[2].costMicros, std::optional<qint64>(300 + 300));
    QCOMPARE(key(m_prodId)->quotaUsedMicros, qint64(600 + 600));
    QCOMPARE(key(m_ciId)->lastUsedAtMs, std::optional<qint64>(T0 + MinuteMs));
}

void TestUsageImport::importsCsvWithQuotedFieldsAndAnyColumnOrder()
{
    const QByteArray csv =
        "\xEF\xBB\xBFkey,time,model,status,cost_usd,request_id,endpoint\r\n"
        "prod-web-app,2025-12-02T05:30:00+05:30,gpt-4o,200,0.25,c1,\"/v1/chat/completions\"\r\n"
        "\r\n"
        "ci-tests,2025-12-01T14:30:00-09:30,\"o3-mini\",500,\"1,000.5\",c2,/v1/embeddings\r\n";
    // "1,000.5" is refused (no thousands separators): fix it to see the rest import.
    QByteArray fixed = csv;
    fixed.replace("\"1,000.5\"", "\"1000.5\"");
    const QString path = writeFile(u"usage.csv"_s, fixed);
    const auto imported = outcomeOf(m_store->usage().importUsage(UsageSource::file(path), {}));
    QVERIFY2(imported.ok(), qPrintable(imported.describe()));
    QCOMPARE(imported.value().imported, qint64(2));

    const auto logs = outcomeOf(m_store->usage().usageLogs(allTime(), UsageStore::LogColumn::Cost,
                                                           Qt::DescendingOrder, {}, 10));
    QVERIFY2(logs.ok(), qPrintable(logs.describe()));
    QCOMPARE(logs.value().events.size(), 2);
    QCOMPARE(logs.value().events[0].key, m_ciId);
    QCOMPARE(logs.value().events[0].timeMs, *UtcTime::parseRfc3339(u"2025-12-02T00:00:00Z"));
    QCOMPARE(logs.value().events[0].costMicros, std::optional<qint64>(1'000'500'000));
    QCOMPARE(logs.value().events[1].timeMs, *UtcTime::parseRfc3339(u"2025-12-02T00:00:00Z"));
    QCOMPARE(logs.value().events[1].endpoint, u"/v1/chat/completions"_s);

    const QString refusedPath = writeFile(u"separator.csv"_s, csv);
    const auto refused =
        outcomeOf(m_store->usage().importUsage(UsageSource::file(refusedPath), {}));
    QVERIFY2(refused.failedWith(StoreError::Code::Invalid), qPrintable(refused.describe()));
    QVERIFY2(refused.namesField(u"line 4: cost_usd"_s), qPrintable(refused.describe()));
}

void TestUsageImport::formatOptionOverridesTheFileName()
{
    const QString path =
        writeFile(u"export.txt"_s, UsageCodec::csvHeaderLine() + csvLine(T0, m_prodId, u"x"_s));
    const auto asJson = outcomeOf(m_store->usage().importUsage(UsageSource::file(path), {}));
    QVERIFY2(asJson.failedWith(StoreError::Code::Invalid), qPrintable(asJson.describe()));
    QVERIFY2(asJson.namesField(u"line 1: line"_s), qPrintable(asJson.describe()));
    UsageImportOptions options;
    options.format = UsageCodec::Format::Csv;
    const auto asCsv = outcomeOf(m_store->usage().importUsage(UsageSource::file(path), options));
    QVERIFY2(asCsv.ok(), qPrintable(asCsv.describe()));
    QCOMPARE(asCsv.value().imported, qint64(1));
}

void TestUsageImport::badJsonLineNamesItsLineAndField_data()
{
    QTest::addColumn<QByteArray>("badLine");
    QTest::addColumn<QString>("field");
    QTest::newRow("not JSON") << QByteArray("{\"time\":\n") << u"line 4: line"_s;
    QTest::newRow("time without zone")
        << QByteArray(R"({"time":"2025-12-01T10:00:00","key":"ci-tests","model":"m"})"
                      "\n")
        << u"line 4: time"_s;
    QTest::newRow("status not a number")
        << jsonLine(T0, u"ci-tests"_s, {}, R"(,"status":"ok")") << u"line 4: status"_s;
    QTest::newRow("negative cost")
        << jsonLine(T0, u"ci-tests"_s, {}, R"(,"cost_usd":"-1.00")") << u"line 4: cost_usd"_s;
    QTest::newRow("bad ip") << jsonLine(T0, u"ci-tests"_s, {}, R"(,"ip":"010.0.0.1")")
                            << u"line 4: ip"_s;
    QTest::newRow("unknown key") << jsonLine(T0, u"no-such-key"_s) << u"line 4: key"_s;
    QTest::newRow("label prefix is no label") << jsonLine(T0, u"ci-test"_s) << u"line 4: key"_s;
    // The last of two members would win silently: charged to whichever key comes last.
    QByteArray twice = jsonLine(T0, u"ci-tests"_s);
    twice.insert(twice.size() - 2, R"(,"key":"prod-web-app")");
    QTest::newRow("key twice") << twice << u"line 4: key"_s;
    QTest::newRow("key twice, once escaped")
        << jsonLine(T0, u"ci-tests"_s, {}, R"(,"k\u0065y":"prod-web-app")") << u"line 4: key"_s;
    QTest::newRow("bidi override in model")
        << jsonLine(T0, u"ci-tests"_s, {}, R"(,"model":"gpt-\u202e4o")") << u"line 4: model"_s;
    QTest::newRow("zero-width in request id")
        << jsonLine(T0, u"ci-tests"_s, {}, R"(,"request_id":"r\u200b1")")
        << u"line 4: request_id"_s;
}

void TestUsageImport::badJsonLineNamesItsLineAndField()
{
    QFETCH(QByteArray, badLine);
    QFETCH(QString, field);
    // Line 2 is blank: numbers are physical lines, as an editor shows them.
    const QString path =
        writeFile(u"bad.jsonl"_s, jsonLine(T0, u"ci-tests"_s) + "\n" + jsonLine(T0 + 1, m_prodId) +
                                      badLine + jsonLine(T0 + 2, u"ci-tests"_s));
    const auto imported = outcomeOf(m_store->usage().importUsage(UsageSource::file(path), {}));
    QVERIFY2(imported.failedWith(StoreError::Code::Invalid), qPrintable(imported.describe()));
    QCOMPARE(imported.error()->fieldErrors().size(), 1);
    QCOMPARE(imported.error()->fieldErrors().first().field, field);
    QVERIFY2(imported.error()->message().contains(QDir::toNativeSeparators(path)),
             qPrintable(imported.describe()));
    QCOMPARE(storedCount(), qint64(0));
}

void TestUsageImport::badCsvRecordNamesItsFirstPhysicalLine()
{
    // The record on lines 3-4 has a line break inside a quoted endpoint: one record, two lines,
    // and endpoints may not hold control characters. Line 6 has a bad status.
    const QByteArray csv =
        UsageCodec::csvHeaderLine() + csvLine(T0, u"ci-tests"_s) + UtcTime::toRfc3339(T0).toUtf8() +
        ",ci-tests,gpt-4o,\"/v1/chat\n/completions\",200,1,1,0.01,5,,\n" +
        csvLine(T0 + 1, u"ci-tests"_s) + UtcTime::toRfc3339(T0).toUtf8() +
        ",ci-tests,gpt-4o,/v1/x,2000,1,1,,5,,\n" + csvLine(T0 + 2, u"ci-tests"_s);
    const QString path = writeFile(u"bad.csv"_s, csv);
    const auto strict = outcomeOf(m_store->usage().importUsage(UsageSource::file(path), {}));
    QVERIFY2(strict.failedWith(StoreError::Code::Invalid), qPrintable(strict.describe()));
    QVERIFY2(strict.namesField(u"line 3: endpoint"_s), qPrintable(strict.describe()));
    QCOMPARE(storedCount(), qint64(0));

    UsageImportOptions skip;
    skip.skipBadLines = true;
    const auto lenient = outcomeOf(m_store->usage().importUsage(UsageSource::file(path), skip));
    QVERIFY2(lenient.ok(), qPrintable(lenient.describe()));
    QCOMPARE(lenient.value().linesRead, qint64(5));
    QCOMPARE(lenient.value().imported, qint64(3));
    QCOMPARE(lenient.value().skipped, qint64(2));
    QCOMPARE(lenient.value().errors.size(), 2);
    QCOMPARE(lenient.value().errors[0].line, qint64(3));
    QCOMPARE(lenient.value().errors[0].error.field, u"endpoint"_s);
    QCOMPARE(lenient.value().errors[1].line, qint64(6));
    QCOMPARE(lenient.value().errors[1].error.field, u"status"_s);
    QCOMPARE(storedCount(), qint64(3));
}

void TestUsageImport::badCsvHeaderFailsEvenWhenSkippingBadLines()
{
    UsageImportOptions skip;
    skip.skipBadLines = true;
    const QString unknownColumn =
        writeFile(u"header.csv"_s, "time,key,model,colour\n" + csvLine(T0, u"ci-tests"_s));
    const auto refused =
        outcomeOf(m_store->usage().importUsage(UsageSource::file(unknownColumn), skip));
    QVERIFY2(refused.failedWith(StoreError::Code::Invalid), qPrintable(refused.describe()));
    QVERIFY2(refused.namesField(u"line 1: colour"_s), qPrintable(refused.describe()));
    const QString missingColumn = writeFile(u"missing.csv"_s, "time,model\n");
    const auto missing =
        outcomeOf(m_store->usage().importUsage(UsageSource::file(missingColumn), skip));
    QVERIFY2(missing.failedWith(StoreError::Code::Invalid), qPrintable(missing.describe()));
    QVERIFY2(missing.namesField(u"line 1: key"_s), qPrintable(missing.describe()));
    QCOMPARE(storedCount(), qint64(0));
}

void TestUsageImport::failedImportStoresNothing()
{
    const QString first = writeFile(u"first.jsonl"_s, jsonLine(T0, m_prodId, u"a"_s) +
                                                          jsonLine(T0 + 1, m_ciId, u"b"_s));
    QVERIFY(outcomeOf(m_store->usage().importUsage(UsageSource::file(first), {})).ok());
    const auto totalsBefore = outcomeOf(m_store->usage().usageTotals(allTime()));
    QVERIFY2(totalsBefore.ok(), qPrintable(totalsBefore.describe()));
    const auto prodBefore = key(m_prodId);
    QVERIFY(prodBefore);

    // 30,000 good lines (more than one roll-up flush) and then a bad one.
    QByteArray lines;
    for (int i = 0; i < 30'000; ++i)
        lines += jsonLine(T0 + DayMs + i * MinuteMs, i % 2 ? m_prodId : m_ciId, u"n%1"_s.arg(i));
    lines += jsonLine(T0, u"nobody"_s);
    const QString failing = writeFile(u"failing.jsonl"_s, lines);
    const auto refused = answer(m_store->usage().importUsage(UsageSource::file(failing), {}));
    QVERIFY2(refused.failedWith(StoreError::Code::Invalid), qPrintable(refused.describe()));
    QVERIFY2(refused.namesField(u"line 30001: key"_s), qPrintable(refused.describe()));

    QCOMPARE(storedCount(), qint64(2));
    const auto totalsAfter = outcomeOf(m_store->usage().usageTotals(allTime()));
    QVERIFY2(totalsAfter.ok(), qPrintable(totalsAfter.describe()));
    QCOMPARE(totalsAfter.value(), totalsBefore.value());
    QCOMPARE(*key(m_prodId), *prodBefore);
    // The request ids of the refused file were not taken either.
    lines.chop(jsonLine(T0, u"nobody"_s).size());
    QVERIFY(!writeFile(u"failing.jsonl"_s, lines).isEmpty());
    const auto retried = answer(m_store->usage().importUsage(UsageSource::file(failing), {}));
    QVERIFY2(retried.ok(), qPrintable(retried.describe()));
    QCOMPARE(retried.value().imported, qint64(30'000));
    // Roll-ups flushed several times within one import still add up.
    UsageTotals expected = totalsBefore.value();
    expected.requests += 30'000;
    expected.promptTokens += 30'000 * 120;
    expected.completionTokens += 30'000 * 30;
    expected.costMicros += 30'000 * 600;
    expected.latencyMsSum += 30'000 * 250;
    const auto totalsRetried = outcomeOf(m_store->usage().usageTotals(allTime()));
    QVERIFY2(totalsRetried.ok(), qPrintable(totalsRetried.describe()));
    QCOMPARE(totalsRetried.value(), expected);
    const auto byKey =
        outcomeOf(m_store->usage().usageGroups(allTime(), UsageStore::Grouping::Key));
    QVERIFY2(byKey.ok(), qPrintable(byKey.describe()));
    QCOMPARE(byKey.value().size(), 2);
    QCOMPARE(byKey.value()[0].totals.requests + byKey.value()[1].totals.requests,
             expected.requests);
    QCOMPARE(key(m_prodId)->quotaUsedMicros, prodBefore->quotaUsedMicros + 15'000 * 600);
}

void TestUsageImport::skipBadLinesImportsTheRestAndReportsTheFirstHundred()
{
    QByteArray lines;
    for (int i = 1; i <= 300; ++i) {
        lines += i % 2 ? jsonLine(T0 + i, u"ci-tests"_s)
                       : jsonLine(T0 + i, u"ci-tests"_s, {}, R"(,"prompt_tokens":-5)");
    }
    const QString path = writeFile(u"half-bad.jsonl"_s, lines);
    UsageImportOptions skip;
    skip.skipBadLines = true;
    const auto imported = outcomeOf(m_store->usage().importUsage(UsageSource::file(path), skip));
    QVERIFY2(imported.ok(), qPrintable(imported.describe()));
    const UsageImportReport& report = imported.value();
    QVERIFY(report.committed);
    QCOMPARE(report.linesRead, qint64(300));
    QCOMPARE(report.imported, qint64(150));
    QCOMPARE(report.skipped, qint64(150));
    QCOMPARE(report.errors.size(), UsageImportReport::MaxReportedErrors);
    for (qsizetype i = 0; i < report.errors.size(); ++i) {
        QCOMPARE(report.errors[i].line, qint64(2 * (i + 1)));
        QCOMPARE(report.errors[i].error.field, u"prompt_tokens"_s);
    }
    QVERIFY(report.errors.first().toString().startsWith(u"line 2: prompt_tokens"_s));
    QCOMPARE(storedCount(), qint64(150));
}

void TestUsageImport::repeatedRequestIdsAreCountedOnce()
{
    const QByteArray lines = jsonLine(T0, m_prodId, u"r1"_s) + jsonLine(T0 + 1, m_prodId, u"r2"_s) +
                             jsonLine(T0 + 2, m_prodId, u"r1"_s) + // again, later in the file
                             jsonLine(T0 + 3, m_prodId);           // no request id
    const QString path = writeFile(u"repeats.jsonl"_s, lines);
    const auto first = outcomeOf(m_store->usage().importUsage(UsageSource::file(path), {}));
    QVERIFY2(first.ok(), qPrintable(first.describe()));
    QCOMPARE(first.value().imported, qint64(3));
    QCOMPARE(first.value().duplicates, qint64(1));
    const auto totals = outcomeOf(m_store->usage().usageTotals(allTime()));
    QVERIFY2(totals.ok(), qPrintable(totals.describe()));
    QCOMPARE(totals.value().requests, qint64(3));

    QTest::qWait(100); // lets the first import's signal arrive before the spy watches
    QSignalSpy usageChanged(&m_store->usage(), &UsageStore::usageChanged);
    const auto again = outcomeOf(m_store->usage().importUsage(UsageSource::file(path), {}));
    QVERIFY2(again.ok(), qPrintable(again.describe()));
    QCOMPARE(again.value().linesRead, qint64(4));
    QCOMPARE(again.value().imported, qint64(1)); // only the line without a request id
    QCOMPARE(again.value().duplicates, qint64(3));
    QCOMPARE(storedCount(), qint64(4));
    QCOMPARE(key(m_prodId)->quotaUsedMicros, qint64(4 * 600));

    // A file whose events are all stored already changes nothing and announces nothing.
    const QString known = writeFile(u"known.jsonl"_s, jsonLine(T0, m_prodId, u"r1"_s));
    const auto none = outcomeOf(m_store->usage().importUsage(UsageSource::file(known), {}));
    QVERIFY2(none.ok(), qPrintable(none.describe()));
    QCOMPARE(none.value().imported, qint64(0));
    QTRY_COMPARE_WITH_TIMEOUT(usageChanged.count(), 1, 5000);
    QTest::qWait(200);
    QCOMPARE(usageChanged.count(), 1);
}

void TestUsageImport::emptyFilesImportNothing_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("contents");
    QTest::newRow("empty JSON Lines") << u"empty.jsonl"_s << QByteArray();
    QTest::newRow("blank JSON Lines") << u"blank.jsonl"_s << QByteArray("\n\r\n  \n");
    QTest::newRow("empty CSV") << u"empty.csv"_s << QByteArray();
    QTest::newRow("CSV header only") << u"header.csv"_s << UsageCodec::csvHeaderLine();
}

void TestUsageImport::emptyFilesImportNothing()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, contents);
    const auto imported =
        outcomeOf(m_store->usage().importUsage(UsageSource::file(writeFile(name, contents)), {}));
    QVERIFY2(imported.ok(), qPrintable(imported.describe()));
    QCOMPARE(imported.value().linesRead, qint64(0));
    QCOMPARE(imported.value().imported, qint64(0));
    QVERIFY(imported.value().committed);
    QCOMPARE(storedCount(), qint64(0));
}

void TestUsageImport::missingFileIsNamed()
{
    const QString path = m_dir.filePath(u"does-not-exist.jsonl"_s);
    const auto imported = outcomeOf(m_store->usage().importUsage(UsageSource::file(path), {}));
    QVERIFY2(imported.failedWith(StoreError::Code::Invalid), qPrintable(imported.describe()));
    QVERIFY2(imported.namesField(u"file"_s), qPrintable(imported.describe()));
    QVERIFY2(imported.error()->fullText().contains(QDir::toNativeSeparators(path)),
             qPrintable(imported.describe()));
    const auto folder =
        outcomeOf(m_store->usage().importUsage(UsageSource::file(m_dir.path()), {}));
    QVERIFY2(folder.failedWith(StoreError::Code::Invalid), qPrintable(folder.describe()));
}

void TestUsageImport::pastedSecretInKeyColumnIsNotEchoed()
{
    // A user who puts the key itself in the "key" column must not see it echoed in the error.
    const QString secret = ApiKeyFormat::generate(u"sk-", *QRandomGenerator::system());
    const QString path = writeFile(u"secret.jsonl"_s, jsonLine(T0, secret));
    const auto imported = outcomeOf(m_store->usage().importUsage(UsageSource::file(path), {}));
    QVERIFY2(imported.failedWith(StoreError::Code::Invalid), qPrintable(imported.describe()));
    QVERIFY2(imported.namesField(u"line 1: key"_s), qPrintable(imported.describe()));
    QVERIFY(!imported.error()->fullText().contains(secret));
    QVERIFY(!imported.error()->fullText().contains(secret.mid(7, 20)));
    QVERIFY(imported.error()->fullText().contains(ApiKeyFormat::displayHint(secret)));
}

// One stray quote used to swallow the rest of the file as one field: 1,000 of 1,002 events lost
// under --skip-bad-lines, and memory grew to twice the file without it.
void TestUsageImport::aStrayQuoteInCsvCostsOneLine()
{
    QByteArray csv = UsageCodec::csvHeaderLine();
    constexpr int Lines = 1002;
    for (int i = 0; i < Lines; ++i) {
        QByteArray line = csvLine(T0 + i, m_prodId, u"s%1"_s.arg(i));
        if (i == 1)
            line.replace(",gpt-4o,", ",\"gpt-4o,");
        csv += line;
    }
    const QString path = writeFile(u"stray.csv"_s, csv);

    const auto strict = outcomeOf(m_store->usage().importUsage(UsageSource::file(path), {}));
    QVERIFY2(strict.failedWith(StoreError::Code::Invalid), qPrintable(strict.describe()));
    QVERIFY2(strict.namesField(u"line 3: line"_s), qPrintable(strict.describe()));
    QCOMPARE(storedCount(), 0);

    UsageImportOptions skip;
    skip.skipBadLines = true;
    const auto skipped = outcomeOf(m_store->usage().importUsage(UsageSource::file(path), skip));
    QVERIFY2(skipped.ok(), qPrintable(skipped.describe()));
    QCOMPARE(skipped.value().skipped, qint64(1));
    QCOMPARE(skipped.value().imported, qint64(Lines - 1));
    QCOMPARE(skipped.value().errors.value(0).line, qint64(3));
    QVERIFY2(skipped.value().errors.value(0).error.message.contains(u"stray quote"_s),
             qPrintable(skipped.value().errors.value(0).toString()));
    QCOMPARE(storedCount(), Lines - 1);

    // One 20 MB record that never closes its quote: read in bounded pieces, not held whole.
    QByteArray huge = UsageCodec::csvHeaderLine() + csvLine(T0, m_prodId, u"h1"_s);
    huge += "2026-01-01T00:00:00Z," + m_prodId.toUtf8() + ",\"";
    huge += QByteArray(20 * 1024 * 1024, 'x');
    huge += "\n" + csvLine(T0 + 5, m_prodId, u"h2"_s);
    const QString hugePath = writeFile(u"huge.csv"_s, huge);
    huge.clear();
    huge.squeeze();
    QVERIFY(resetPeakMemory());
    const qint64 before = procStatusBytes("VmRSS") / 1024;
    const auto bounded = outcomeOf(m_store->usage().importUsage(UsageSource::file(hugePath), skip));
    const qint64 growth = procStatusBytes("VmHWM") / 1024 - before;
    QVERIFY2(bounded.ok(), qPrintable(bounded.describe()));
    QCOMPARE(bounded.value().imported, qint64(2));
    QCOMPARE(bounded.value().skipped, qint64(1));
    qInfo("a 20 MiB unclosed quote: peak RSS grew by %lld KiB", growth);
    // AddressSanitizer's quarantine holds freed memory back, so RSS says nothing there; the
    // plain build checks it.
    if (!TestSupport::UnderAddressSanitizer)
        QVERIFY2(growth < 8 * 1024, qPrintable(u"peak RSS grew by %1 KiB"_s.arg(growth)));
}

// A long import used to hold the write lock for its whole run: a key created meanwhile (another
// process: another store instance on the same file) failed after 5 s with "database is locked".
// Now it stores in chunks: a writer that waits at most those 5 s gets through, again and again,
// and readers see nothing of the file until all of it is there.
void TestUsageImport::otherWritersGoOnWhileAnImportRuns()
{
    constexpr qint64 Lines = 1'000'000;
    const QString path = writeGeneratedJsonLines(u"long.jsonl"_s, Lines);
    QVERIFY(!path.isEmpty());
    const QString storePath = m_dir.filePath(u"import-%1.sqlite"_s.arg(m_stores));
    // The usual busy timeout: what proves the writes interleave is that they succeed while the
    // import still runs (createdDuring), however slow the build.
    SqliteStore other(storePath, m_clock, *QRandomGenerator::system());
    QVERIFY(outcomeOf(other.open()).ok());

    QFuture<UsageImportReport> importing =
        m_store->usage().importUsage(UsageSource::file(path), {});
    QTRY_VERIFY(importing.progressValue() > 0 || importing.isFinished());
    int createdDuring = 0;
    int emptyReads = 0;
    for (int i = 0; !importing.isFinished(); ++i) {
        KeySpec spec;
        spec.label = u"during-import-%1"_s.arg(i);
        const auto created = outcomeOf(other.keys().createKey(spec), 60'000);
        QVERIFY2(created.ok(), qPrintable(created.describe()));
        const auto count = outcomeOf(other.usage().usageLogCount(allTime()));
        QVERIFY2(count.ok(), qPrintable(count.describe()));
        if (!importing.isFinished()) {
            ++createdDuring;
            // All of the file or none of it.
            QVERIFY2(count.value() == 0 || count.value() == Lines,
                     qPrintable(QString::number(count.value())));
            emptyReads += count.value() == 0 ? 1 : 0;
        }
    }
    const auto imported = answer(importing);
    QVERIFY2(imported.ok(), qPrintable(imported.describe()));
    QCOMPARE(imported.value().imported, Lines);
    QCOMPARE(outcomeOf(other.usage().usageLogCount(allTime())).value(), Lines);
    qInfo("%d keys created and %d empty reads while the import ran", createdDuring, emptyReads);
    QVERIFY(createdDuring > 0);
    // The roll-ups came with the events: charts and the log agree.
    const auto totals = outcomeOf(other.usage().usageTotals(allTime()));
    QVERIFY2(totals.ok(), qPrintable(totals.describe()));
    QCOMPARE(totals.value().requests, Lines);
}

// A process killed in the middle of an import leaves hidden events behind; the next store to
// open the file after the import's heartbeat went quiet removes them, so the file can be
// imported again whole.
void TestUsageImport::anAbandonedImportIsRemovedOnOpen()
{
    const QString storePath = m_dir.filePath(u"import-%1.sqlite"_s.arg(m_stores));
    m_store.reset();
    const QString connection = u"abandon"_s;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connection);
        db.setDatabaseName(storePath);
        QVERIFY(db.open());
        QSqlQuery query(db);
        // Another computer's import (a store on a shared disk): only its heartbeat tells.
        QVERIFY(query.exec(u"INSERT INTO usage_imports (id, heartbeat_at, host, pid) VALUES (7, "
                           "%1, 'elsewhere', 1)"_s.arg(m_clock.nowUtcMs())));
        QVERIFY(query.exec(
            u"INSERT INTO usage_events (time_ms, key_id, model, endpoint, status, prompt_tokens, "
            "completion_tokens, cost_micros, latency_ms, client_ip, request_id, import_id) VALUES "
            "(%1, '%2', 'gpt-4o', '', 200, 1, 1, 5, 1, '', 'req-1', 7)"_s.arg(T0)
                .arg(m_prodId)));
    }
    QSqlDatabase::removeDatabase(connection);

    // Not yet: its heartbeat is fresh, as if the import were still running, so its event is
    // hidden and a second import waits for it to end.
    m_store = openStore(u"import-%1.sqlite"_s.arg(m_stores));
    QVERIFY(m_store);
    QCOMPARE(storedCount(), 0);
    const QString reimport = writeFile(u"again.jsonl"_s, jsonLine(T0, m_prodId, u"req-1"_s));
    auto early = outcomeOf(m_store->usage().importUsage(UsageSource::file(reimport), {}));
    QVERIFY2(early.failedWith(StoreError::Code::Unavailable), qPrintable(early.describe()));
    QVERIFY2(early.error()->message().contains(u"Another usage import"_s),
             qPrintable(early.describe()));
    // Nor may a recorded event take its request id for a duplicate: that import may yet fail.
    UsageEvent recorded;
    recorded.timeMs = T0;
    recorded.key = m_prodId;
    recorded.model = u"gpt-4o"_s;
    recorded.requestId = u"req-1"_s;
    const auto refused = outcomeOf(m_store->usage().recordUsage({recorded}));
    QVERIFY2(refused.failedWith(StoreError::Code::Unavailable), qPrintable(refused.describe()));

    m_store.reset();
    m_clock.advanceMs(11 * 60 * 1000);
    m_store = openStore(u"import-%1.sqlite"_s.arg(m_stores));
    QVERIFY(m_store);
    const auto again = outcomeOf(m_store->usage().importUsage(UsageSource::file(reimport), {}));
    QVERIFY2(again.ok(), qPrintable(again.describe()));
    QCOMPARE(again.value().imported, qint64(1));
    QCOMPARE(storedCount(), 1);
}

// The same rules in every reader: CSV used to take invalid UTF-8 (gpt-\xff4o became a new
// model) and invisible characters that JSON Lines and labels refuse.
void TestUsageImport::csvTextFollowsTheSameRulesAsJsonLines()
{
    const QList<QPair<QByteArray, QString>> bad{
        {csvLine(T0, m_prodId, u"u1"_s)
             .replace(",gpt-4o,", ",gpt-\xff"
                                  "4o,"),
         u"line 2: line"_s},
        {csvLine(T0, m_prodId, u"u2"_s)
             .replace(",gpt-4o,", ",gpt-\xe2\x80\xae"
                                  "4o,"),
         u"line 2: model"_s},
        {csvLine(T0, m_prodId, u"u3\xe2\x80\x8b"_s), u"line 2: request_id"_s},
    };
    for (const auto& [line, field] : bad) {
        const QString path = writeFile(u"rules.csv"_s, UsageCodec::csvHeaderLine() + line);
        const auto imported = outcomeOf(m_store->usage().importUsage(UsageSource::file(path), {}));
        QVERIFY2(imported.failedWith(StoreError::Code::Invalid), qPrintable(imported.describe()));
        QVERIFY2(imported.namesField(field), qPrintable(imported.describe()));
    }
    QCOMPARE(storedCount(), 0);
}

void TestUsageImport::overlongLineIsABadLine()
{
    QByteArray huge = jsonLine(T0, m_prodId);
    huge.insert(huge.size() - 2, ",\"note\":\"" + QByteArray(200'000, 'x') + '"');
    const QString path =
        writeFile(u"long.jsonl"_s, jsonLine(T0, m_prodId) + huge + jsonLine(T0 + 1, m_ciId));
    UsageImportOptions skip;
    skip.skipBadLines = true;
    const auto imported = outcomeOf(m_store->usage().importUsage(UsageSource::file(path), skip));
    QVERIFY2(imported.ok(), qPrintable(imported.describe()));
    QCOMPARE(imported.value().imported, qint64(2));
    QCOMPARE(imported.value().skipped, qint64(1));
    QCOMPARE(imported.value().errors.size(), 1);
    QCOMPARE(imported.value().errors.first().line, qint64(2));
    QCOMPARE(imported.value().errors.first().error.field, u"line"_s);
}

void TestUsageImport::importAnnouncesUsageHereAndInOtherInstances()
{
    // Another SqliteStore on the same file has its own connection, as another process would.
    auto other =
        std::make_unique<SqliteStore>(m_store->path(), m_clock, *QRandomGenerator::system());
    QVERIFY(outcomeOf(other->open()).ok());
    QTest::qWait(100); // init()'s own key signals arrive before the spies watch
    QSignalSpy hereUsage(&m_store->usage(), &UsageStore::usageChanged);
    QSignalSpy hereKeys(&m_store->keys(), &KeyStore::keysChanged);
    QSignalSpy otherUsage(&other->usage(), &UsageStore::usageChanged);
    QSignalSpy otherKeys(&other->keys(), &KeyStore::keysChanged);

    const QString path = writeFile(u"live.jsonl"_s, jsonLine(T0, u"ci-tests"_s, u"live-1"_s));
    const auto imported = outcomeOf(m_store->usage().importUsage(UsageSource::file(path), {}));
    QVERIFY2(imported.ok(), qPrintable(imported.describe()));
    QTRY_COMPARE_WITH_TIMEOUT(hereUsage.count(), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(otherUsage.count(), 1, 5000);
    const auto seen = outcomeOf(other->usage().usageLogCount(allTime()));
    QVERIFY2(seen.ok(), qPrintable(seen.describe()));
    QCOMPARE(seen.value(), qint64(1));

    // Usage is not a key change (the spend it derives follows usageChanged), and a key change
    // elsewhere is not a usage change.
    QTest::qWait(1500);
    QCOMPARE(hereKeys.count(), 0);
    QCOMPARE(otherKeys.count(), 0);
    KeySpec spec;
    spec.label = u"new-key"_s;
    QVERIFY(outcomeOf(other->keys().createKey(spec)).ok());
    QTRY_COMPARE_WITH_TIMEOUT(hereKeys.count(), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(otherKeys.count(), 1, 5000);
    QTest::qWait(1500);
    QCOMPARE(hereUsage.count(), 1);
    QCOMPARE(otherUsage.count(), 1);
}

void TestUsageImport::cancelledImportStoresNothing()
{
    const QString path = writeGeneratedJsonLines(u"cancel.jsonl"_s, 200'000);
    QVERIFY(!path.isEmpty());
    QFuture<UsageImportReport> future = m_store->usage().importUsage(UsageSource::file(path), {});
    QFutureWatcher<UsageImportReport> watcher;
    watcher.setFuture(future);
    // Progress is in permille of the file: some has been read, the import is under way.
    QTRY_VERIFY_WITH_TIMEOUT(watcher.progressValue() > 0 || future.isFinished(), 60'000);
    QVERIFY2(!future.isFinished(), "the import finished before it could be cancelled");
    QCOMPARE(watcher.progressMaximum(), 1000);
    // The text is the lines read so far, digits alone.
    bool counted = false;
    QVERIFY(watcher.progressText().toLongLong(&counted) > 0 && counted);
    future.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), 60'000);
    QVERIFY(future.isCanceled());
    QCOMPARE(storedCount(), qint64(0));
    QVERIFY(!key(u"ci-tests"_s)->lastUsedAtMs);
}

void TestUsageImport::millionLinesImportInBoundedMemory()
{
    const qint64 small = 100'000;
    const qint64 large = 1'000'000;
    const QString smallPath = writeGeneratedJsonLines(u"small.jsonl"_s, small);
    const QString largePath = writeGeneratedJsonLines(u"large.jsonl"_s, large);
    QVERIFY(!smallPath.isEmpty() && !largePath.isEmpty());
    const qint64 largeFileBytes = QFileInfo(largePath).size();
    const bool peakResets = resetPeakMemory();
    if (!peakResets)
        qInfo("/proc/self/clear_refs is not writable: peaks include earlier work");

    // Each import into a fresh store with the same two keys; its growth is its peak RSS over
    // the RSS it started from.
    const auto importGrowth = [&](const QString& path, qint64 lines) -> qint64 {
        m_store.reset();
        init();
        resetPeakMemory();
        const qint64 before = procStatusBytes("VmRSS");
        QElapsedTimer timer;
        timer.start();
        const auto imported = answer(m_store->usage().importUsage(UsageSource::file(path), {}));
        const qint64 peak = procStatusBytes("VmHWM");
        if (!imported.ok() || imported.value().imported != lines) {
            qWarning("import of %s: %s", qPrintable(path), qPrintable(imported.describe()));
            return -1;
        }
        qInfo("%lld lines: %lld ms, peak RSS growth %.1f MiB", lines, timer.elapsed(),
              double(peak - before) / MiB);
        return peak - before;
    };
    const qint64 smallGrowth = importGrowth(smallPath, small);
    QVERIFY(smallGrowth >= 0);
    const qint64 largeGrowth = importGrowth(largePath, large);
    QVERIFY(largeGrowth >= 0);
    QCOMPARE(storedCount(), large);
    const auto totals = answer(m_store->usage().usageTotals(allTime()));
    QVERIFY2(totals.ok(), qPrintable(totals.describe()));
    QCOMPARE(totals.value().requests, large);
    QCOMPARE(totals.value().costMicros, large * 600);

    QVERIFY2(largeGrowth < smallGrowth + 64 * MiB,
             qPrintable(u"1,000,000 lines grew memory by %1 MiB, 100,000 by %2 MiB"_s
                            .arg(largeGrowth / MiB)
                            .arg(smallGrowth / MiB)));
    QVERIFY2(largeGrowth < largeFileBytes / 4,
             qPrintable(u"memory grew by %1 MiB for a %2 MiB file"_s.arg(largeGrowth / MiB)
                            .arg(largeFileBytes / MiB)));
}

QTEST_GUILESS_MAIN(TestUsageImport)
#include "tst_usage_import.moc"
