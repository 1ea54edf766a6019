#include "UsageStoreContract.h"

#include "RecordPrinting.h"
#include "StoreOutcome.h"
#include "TestSupport.h"
#include "UsageCodec.h"
#include "UsagePrinting.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <algorithm>
#include <chrono>
#include <future>
#include <thread>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 MinuteMs = 60'000;
constexpr qint64 HourMs = 60 * MinuteMs;
constexpr qint64 DayMs = 24 * HourMs;
constexpr qint64 SlotMs = UsageSeries::SlotMs;
constexpr qint64 T0 = UsageStoreContract::StartMs - 10 * DayMs;

UsageEvent usageEvent(const QString& keyId, qint64 timeMs, std::optional<qint64> costMicros = 1000,
                      const QString& model = u"gpt-4o"_s, int status = 200)
{
    UsageEvent e;
    e.timeMs = timeMs;
    e.key = keyId;
    e.model = model;
    e.endpoint = u"/v1/chat/completions"_s;
    e.status = status;
    e.promptTokens = 100;
    e.completionTokens = 40;
    e.costMicros = costMicros;
    e.latencyMs = 250;
    return e;
}

UsageQuery range(qint64 fromMs, qint64 toMs)
{
    UsageQuery query;
    query.fromMs = fromMs;
    query.toMs = toMs;
    return query;
}

// Everything since well before T0.
UsageQuery allTime()
{
    return range(T0 - 400 * DayMs, UsageStoreContract::StartMs + 400 * DayMs);
}

UsageTotals sumOf(const QList<UsageEvent>& events)
{
    UsageTotals totals;
    for (const UsageEvent& e : events)
        totals.add(e);
    return totals;
}

} // namespace

UsageStoreContract::UsageStoreContract(Factory factory, QObject* parent)
    : QObject(parent)
    , m_factory(std::move(factory))
{}

UsageStoreContract::~UsageStoreContract() = default;

void UsageStoreContract::init()
{
    m_clock = std::make_unique<ManualClock>(StartMs);
    m_store = m_factory(*m_clock);
    QVERIFY2(m_store, "the factory could not make a fresh store");
}

void UsageStoreContract::cleanup()
{
    m_store.reset();
    m_clock.reset();
}

QString UsageStoreContract::createKey(const QString& label, std::optional<qint64> quotaMicros)
{
    KeySpec spec;
    spec.label = label;
    spec.quotaLimitMicros = quotaMicros;
    const auto created = outcomeOf(keys().createKey(spec));
    if (!created.ok()) {
        qWarning("cannot create key %s: %s", qPrintable(label), qPrintable(created.describe()));
        return {};
    }
    return created.value().record.id;
}

std::optional<ApiKeyRecord> UsageStoreContract::findKey(const QString& id)
{
    const auto found = outcomeOf(keys().findKey(id));
    if (!found.ok())
        return std::nullopt;
    return found.value();
}

void UsageStoreContract::recordedEventsAddUpInTotalsSlotsAndLogs()
{
    const QString a = createKey(u"prod-web-app"_s);
    const QString b = createKey(u"ci-tests"_s);
    QVERIFY(!a.isEmpty() && !b.isEmpty());

    QList<UsageEvent> events{usageEvent(a, T0 + MinuteMs), usageEvent(a, T0 + 20 * MinuteMs, 0),
                             usageEvent(b, T0 + 2 * HourMs, 5000, u"claude-3-5-haiku"_s, 500),
                             usageEvent(b, T0 + DayMs + 7, 70)};
    events[1].status = 429;
    events[1].promptTokens = 12;
    events[1].completionTokens = 0;
    events[1].latencyMs = 3;
    events[2].clientIp = u"::ffff:10.1.2.3"_s;
    events[2].requestId = u"req-b-1"_s;
    const auto recorded = outcomeOf(usage().recordUsage(events));
    QVERIFY2(recorded.ok(), qPrintable(recorded.describe()));
    QCOMPARE(recorded.value(), qint64(4));

    const UsageQuery twoDays = range(T0, T0 + 2 * DayMs);
    const auto totals = outcomeOf(usage().usageTotals(twoDays));
    QVERIFY2(totals.ok(), qPrintable(totals.describe()));
    QCOMPARE(totals.value(), sumOf(events));
    QCOMPARE(totals.value().errors, qint64(2));

    const auto slotRows = outcomeOf(usage().usageSlots(twoDays));
    QVERIFY2(slotRows.ok(), qPrintable(slotRows.describe()));
    const QList<UsageSeries::Point> expectedSlots{
        {T0, sumOf({events[0]})},
        {T0 + SlotMs, sumOf({events[1]})},
        {T0 + 2 * HourMs, sumOf({events[2]})},
        {T0 + DayMs, sumOf({events[3]})},
    };
    QCOMPARE(slotRows.value(), expectedSlots);

    const auto logs = outcomeOf(
        usage().usageLogs(twoDays, UsageStore::LogColumn::Time, Qt::DescendingOrder, {}, 10));
    QVERIFY2(logs.ok(), qPrintable(logs.describe()));
    QList<UsageEvent> expectedLogs = events;
    std::reverse(expectedLogs.begin(), expectedLogs.end());
    expectedLogs[1].clientIp = u"10.1.2.3"_s; // stored in canonical form
    QCOMPARE(logs.value().events, expectedLogs);
    QCOMPARE(logs.value().nextCursor, QString());
    const auto count = outcomeOf(usage().usageLogCount(twoDays));
    QVERIFY2(count.ok(), qPrintable(count.describe()));
    QCOMPARE(count.value(), qint64(4));

    const auto nothing = outcomeOf(usage().usageTotals(range(T0 + 3 * DayMs, T0 + 4 * DayMs)));
    QVERIFY2(nothing.ok(), qPrintable(nothing.describe()));
    QCOMPARE(nothing.value(), UsageTotals());
    const auto none = outcomeOf(usage().recordUsage({}));
    QVERIFY2(none.ok(), qPrintable(none.describe()));
    QCOMPARE(none.value(), qint64(0));
}

void UsageStoreContract::repeatedRequestIdIsStoredOnce()
{
    const QString a = createKey(u"prod-web-app"_s);
    QVERIFY(!a.isEmpty());
    UsageEvent first = usageEvent(a, T0, 1000);
    first.requestId = u"req-1"_s;
    UsageEvent sameBatchRepeat = first;
    sameBatchRepeat.costMicros = 999'999; // a repeat is skipped, not merged
    UsageEvent second = usageEvent(a, T0 + MinuteMs, 2000);
    second.requestId = u"req-2"_s;
    const UsageEvent anonymous = usageEvent(a, T0 + 2 * MinuteMs, 4000);

    const auto recorded =
        outcomeOf(usage().recordUsage({first, sameBatchRepeat, second, anonymous}));
    QVERIFY2(recorded.ok(), qPrintable(recorded.describe()));
    QCOMPARE(recorded.value(), qint64(3));
    // Events without a request id cannot be recognised again, so they count every time.
    const auto again = outcomeOf(usage().recordUsage({second, first, anonymous}));
    QVERIFY2(again.ok(), qPrintable(again.describe()));
    QCOMPARE(again.value(), qint64(1));

    const auto totals = outcomeOf(usage().usageTotals(allTime()));
    QVERIFY2(totals.ok(), qPrintable(totals.describe()));
    QCOMPARE(totals.value(), sumOf({first, second, anonymous, anonymous}));
    const auto count = outcomeOf(usage().usageLogCount(allTime()));
    QVERIFY2(count.ok(), qPrintable(count.describe()));
    QCOMPARE(count.value(), qint64(4));
    const auto key = findKey(a);
    QVERIFY(key);
    QCOMPARE(key->quotaUsedMicros, qint64(1000 + 2000 + 4000 + 4000));
}

void UsageStoreContract::unknownKeyRefusesTheWholeBatch()
{
    const QString a = createKey(u"prod-web-app"_s);
    QVERIFY(!a.isEmpty());
    const auto refused = outcomeOf(
        usage().recordUsage({usageEvent(a, T0), usageEvent(u"key_doesnotexist"_s, T0 + MinuteMs)}));
    QVERIFY2(refused.failedWith(StoreError::Code::Invalid), qPrintable(refused.describe()));
    QVERIFY2(refused.namesField(u"key"_s), qPrintable(refused.describe()));
    // Labels name keys in import files; recorded events use ids only.
    const auto byLabel = outcomeOf(usage().recordUsage({usageEvent(u"prod-web-app"_s, T0)}));
    QVERIFY2(byLabel.failedWith(StoreError::Code::Invalid), qPrintable(byLabel.describe()));

    const auto count = outcomeOf(usage().usageLogCount(allTime()));
    QVERIFY2(count.ok(), qPrintable(count.describe()));
    QCOMPARE(count.value(), qint64(0));
    const auto totals = outcomeOf(usage().usageTotals(allTime()));
    QVERIFY2(totals.ok(), qPrintable(totals.describe()));
    QCOMPARE(totals.value(), UsageTotals());
    const auto key = findKey(a);
    QVERIFY(key);
    QVERIFY(!key->lastUsedAtMs);
    QCOMPARE(key->quotaUsedMicros, qint64(0));
}

void UsageStoreContract::invalidEventRefusesTheWholeBatch_data()
{
    QTest::addColumn<int>("change");
    QTest::addColumn<QString>("field");
    QTest::newRow("no key") << 0 << u"key"_s;
    QTest::newRow("no model") << 1 << u"model"_s;
    QTest::newRow("status 99") << 2 << u"status"_s;
    QTest::newRow("status 600") << 3 << u"status"_s;
    QTest::newRow("negative prompt tokens") << 4 << u"prompt_tokens"_s;
    QTest::newRow("negative completion tokens") << 5 << u"completion_tokens"_s;
    QTest::newRow("negative latency") << 6 << u"latency_ms"_s;
    QTest::newRow("negative cost") << 7 << u"cost_usd"_s;
    QTest::newRow("bad ip") << 8 << u"ip"_s;
    QTest::newRow("line break in endpoint") << 9 << u"endpoint"_s;
}

void UsageStoreContract::invalidEventRefusesTheWholeBatch()
{
    QFETCH(int, change);
    QFETCH(QString, field);
    const QString a = createKey(u"prod-web-app"_s);
    QVERIFY(!a.isEmpty());
    UsageEvent bad = usageEvent(a, T0 + MinuteMs);
    switch (change) {
    case 0:
        bad.key.clear();
        break;
    case 1:
        bad.model.clear();
        break;
    case 2:
        bad.status = 99;
        break;
    case 3:
        bad.status = 600;
        break;
    case 4:
        bad.promptTokens = -1;
        break;
    case 5:
        bad.completionTokens = -1;
        break;
    case 6:
        bad.latencyMs = -1;
        break;
    case 7:
        bad.costMicros = -1;
        break;
    case 8:
        bad.clientIp = u"10.0.0.256"_s;
        break;
    case 9:
        bad.endpoint = u"/v1/chat\n/completions"_s;
        break;
    }
    const auto refused = outcomeOf(usage().recordUsage({usageEvent(a, T0), bad}));
    QVERIFY2(refused.failedWith(StoreError::Code::Invalid), qPrintable(refused.describe()));
    QVERIFY2(refused.namesField(field), qPrintable(refused.describe()));
    const auto count = outcomeOf(usage().usageLogCount(allTime()));
    QVERIFY2(count.ok(), qPrintable(count.describe()));
    QCOMPARE(count.value(), qint64(0));
}

void UsageStoreContract::eventsWithoutCostArePricedFromThePriceTable()
{
    const auto defaults = outcomeOf(usage().priceTable());
    QVERIFY2(defaults.ok(), qPrintable(defaults.describe()));
    QCOMPARE(defaults.value(), PriceTable::defaults());

    const QString a = createKey(u"prod-web-app"_s);
    QVERIFY(!a.isEmpty());
    // gpt-4o: 2.50 USD per million prompt tokens, 10.00 per million completion tokens.
    UsageEvent dated = usageEvent(a, T0, std::nullopt, u"gpt-4o-2024-08-06"_s);
    dated.promptTokens = 1000;
    dated.completionTokens = 500;
    UsageEvent explicitCost = dated;
    explicitCost.timeMs = T0 + MinuteMs;
    explicitCost.costMicros = 42;
    const UsageEvent unknownModel = usageEvent(a, T0 + 2 * MinuteMs, std::nullopt, u"my-llm"_s);
    QVERIFY(outcomeOf(usage().recordUsage({dated, explicitCost, unknownModel})).ok());

    PriceTable custom;
    custom.setPrice(u"my-llm"_s, {1'000'000, 2'000'000});
    const auto set = outcomeOf(usage().setPriceTable(custom));
    QVERIFY2(set.ok(), qPrintable(set.describe()));
    QCOMPARE(set.value(), custom);
    const auto reread = outcomeOf(usage().priceTable());
    QVERIFY2(reread.ok(), qPrintable(reread.describe()));
    QCOMPARE(reread.value(), custom);
    UsageEvent laterUnknown = usageEvent(a, T0 + 3 * MinuteMs, std::nullopt, u"my-llm"_s);
    laterUnknown.promptTokens = 1000;
    laterUnknown.completionTokens = 1000;
    QVERIFY(outcomeOf(usage().recordUsage({laterUnknown})).ok());

    const auto logs = outcomeOf(
        usage().usageLogs(allTime(), UsageStore::LogColumn::Time, Qt::AscendingOrder, {}, 10));
    QVERIFY2(logs.ok(), qPrintable(logs.describe()));
    QList<qint64> costs;
    for (const UsageEvent& e : logs.value().events)
        costs << e.costMicros.value_or(-1);
    // A price change applies to new events only: stored costs are history.
    QCOMPARE(costs, (QList<qint64>{2500 + 5000, 42, 0, 1000 + 2000}));
    const auto key = findKey(a);
    QVERIFY(key);
    QCOMPARE(key->quotaUsedMicros, qint64(7500 + 42 + 0 + 3000));
}

void UsageStoreContract::invalidPriceTableChangesNothing_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<qint64>("prompt");
    QTest::addColumn<QString>("field");
    QTest::newRow("empty model") << QString() << qint64(1) << u"model"_s;
    QTest::newRow("blank model") << u"  "_s << qint64(1) << u"model"_s;
    QTest::newRow("negative price") << u"my-llm"_s << qint64(-1) << u"price"_s;
}

void UsageStoreContract::invalidPriceTableChangesNothing()
{
    QFETCH(QString, model);
    QFETCH(qint64, prompt);
    QFETCH(QString, field);
    PriceTable table = PriceTable::defaults();
    table.setPrice(model, {prompt, 0});
    const auto refused = outcomeOf(usage().setPriceTable(table));
    QVERIFY2(refused.failedWith(StoreError::Code::Invalid), qPrintable(refused.describe()));
    QVERIFY2(refused.namesField(field), qPrintable(refused.describe()));
    const auto reread = outcomeOf(usage().priceTable());
    QVERIFY2(reread.ok(), qPrintable(reread.describe()));
    QCOMPARE(reread.value(), PriceTable::defaults());
}

void UsageStoreContract::statusClassFilters()
{
    const QString a = createKey(u"prod-web-app"_s);
    QVERIFY(!a.isEmpty());
    QList<UsageEvent> events;
    const QList<int> statuses{200, 201, 302, 400, 404, 429, 499, 500, 503, 599};
    for (qsizetype i = 0; i < statuses.size(); ++i)
        events << usageEvent(a, T0 + i * MinuteMs, 10 * (i + 1), u"gpt-4o"_s, statuses[i]);
    QVERIFY(outcomeOf(usage().recordUsage(events)).ok());

    using Class = UsageQuery::StatusClass;
    for (Class statusClass :
         {Class::All, Class::Success, Class::ClientError, Class::ServerError, Class::Errors}) {
        const auto [low, high] = UsageQuery::statusRange(statusClass);
        QList<UsageEvent> expected;
        for (const UsageEvent& e : events) {
            if (e.status >= low && e.status <= high)
                expected << e;
        }
        UsageQuery query = range(T0, T0 + HourMs);
        query.statusClass = statusClass;
        const auto totals = outcomeOf(usage().usageTotals(query));
        QVERIFY2(totals.ok(), qPrintable(totals.describe()));
        QCOMPARE(totals.value(), sumOf(expected));
        const auto count = outcomeOf(usage().usageLogCount(query));
        QVERIFY2(count.ok(), qPrintable(count.describe()));
        QCOMPARE(count.value(), qint64(expected.size()));
        const auto groups = outcomeOf(usage().usageGroups(query, UsageStore::Grouping::Key));
        QVERIFY2(groups.ok(), qPrintable(groups.describe()));
        QCOMPARE(groups.value(), (QList<UsageGroupRow>{{a, 0, sumOf(expected)}}));
    }
}

void UsageStoreContract::keyAndModelFilters()
{
    const QList<QString> ids{createKey(u"a"_s), createKey(u"b"_s), createKey(u"c"_s)};
    QVERIFY(!ids.contains(QString()));
    const QStringList models{u"gpt-4o"_s, u"claude-3-5-haiku"_s};
    QList<UsageEvent> events;
    for (int i = 0; i < 36; ++i) {
        events << usageEvent(ids[i % 3], T0 + i * 7 * MinuteMs, 100 + i, models[(i / 3) % 2],
                             i % 5 == 0 ? 500 : 200);
    }
    QVERIFY(outcomeOf(usage().recordUsage(events)).ok());

    const QList<QPair<QStringList, QStringList>> filters{
        {{ids[0]}, {}},
        {{ids[0], ids[2]}, {}},
        {{}, {models[1]}},
        {{ids[1]}, {models[0]}},
        {{ids[0], ids[1]}, {models[0], models[1]}},
        {{u"key_unknown"_s}, {}},
    };
    for (const auto& [keyIds, modelNames] : filters) {
        UsageQuery query = range(T0, T0 + DayMs);
        query.keyIds = keyIds;
        query.models = modelNames;
        QList<UsageEvent> expected;
        QMap<qint64, UsageTotals> expectedSlots;
        for (const UsageEvent& e : events) {
            if ((keyIds.isEmpty() || keyIds.contains(e.key)) &&
                (modelNames.isEmpty() || modelNames.contains(e.model))) {
                expected << e;
                expectedSlots[UsageSeries::slotStart(e.timeMs)].add(e);
            }
        }
        const QByteArray what = (keyIds.join(u',') + u" / "_s + modelNames.join(u',')).toUtf8();
        const auto totals = outcomeOf(usage().usageTotals(query));
        QVERIFY2(totals.ok(), qPrintable(totals.describe()));
        QVERIFY2(totals.value() == sumOf(expected), what.constData());
        const auto slotRows = outcomeOf(usage().usageSlots(query));
        QVERIFY2(slotRows.ok(), qPrintable(slotRows.describe()));
        QList<UsageSeries::Point> points;
        for (auto it = expectedSlots.cbegin(); it != expectedSlots.cend(); ++it)
            points << UsageSeries::Point{it.key(), it.value()};
        QVERIFY2(slotRows.value() == points, what.constData());
        const auto count = outcomeOf(usage().usageLogCount(query));
        QVERIFY2(count.ok(), qPrintable(count.describe()));
        QVERIFY2(count.value() == expected.size(), what.constData());
    }
}

void UsageStoreContract::rollupReadsCountWholeSlotsAndLogsExactTimes()
{
    const QString a = createKey(u"prod-web-app"_s);
    QVERIFY(!a.isEmpty());
    const UsageEvent early = usageEvent(a, T0 + MinuteMs, 100);
    const UsageEvent late = usageEvent(a, T0 + 14 * MinuteMs, 200);
    QVERIFY(outcomeOf(usage().recordUsage({early, late})).ok());

    // [T0 + 5 min, T0 + 15 min) starts inside the slot [T0, T0 + 15 min): the charts' reads count
    // the whole slot, the log reads only the events inside the exact range.
    const UsageQuery query = range(T0 + 5 * MinuteMs, T0 + SlotMs);
    const auto totals = outcomeOf(usage().usageTotals(query));
    QVERIFY2(totals.ok(), qPrintable(totals.describe()));
    QCOMPARE(totals.value(), sumOf({early, late}));
    const auto count = outcomeOf(usage().usageLogCount(query));
    QVERIFY2(count.ok(), qPrintable(count.describe()));
    QCOMPARE(count.value(), qint64(1));

    // A range that ends at a slot's start leaves that slot out.
    const auto before = outcomeOf(usage().usageTotals(range(T0 - HourMs, T0)));
    QVERIFY2(before.ok(), qPrintable(before.describe()));
    QCOMPARE(before.value(), UsageTotals());
    const auto empty = outcomeOf(usage().usageTotals(range(T0 + MinuteMs, T0 + MinuteMs)));
    QVERIFY2(empty.ok(), qPrintable(empty.describe()));
    QCOMPARE(empty.value(), UsageTotals());
}

void UsageStoreContract::seriesFoldsDenseBucketsInTheZone_data()
{
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<UsageSeries::BucketSize>("size");
    QTest::addColumn<QList<qint64>>("starts");
    // Events 0..4 by the bucket they fall in; -1: none.
    QTest::addColumn<QList<int>>("firstEvent");
    QTest::addColumn<QList<int>>("eventCount");
    // +05:30 all year: midnight falls on a half hour.
    QTest::newRow("Kolkata days") << QByteArray("Asia/Kolkata") << UsageSeries::BucketSize::Day
                                  << QList<qint64>{TestSupport::at("2026-03-06T18:30:00Z"),
                                                   TestSupport::at("2026-03-07T18:30:00Z"),
                                                   TestSupport::at("2026-03-08T18:30:00Z"),
                                                   TestSupport::at("2026-03-09T18:30:00Z")}
                                  << QList<int>{0, 1, 4, -1} << QList<int>{1, 3, 1, 0};
    // Clocks go forward on 2026-03-08: that day has 23 hours.
    QTest::newRow("New York days") << QByteArray("America/New_York") << UsageSeries::BucketSize::Day
                                   << QList<qint64>{TestSupport::at("2026-03-06T05:00:00Z"),
                                                    TestSupport::at("2026-03-07T05:00:00Z"),
                                                    TestSupport::at("2026-03-08T05:00:00Z"),
                                                    TestSupport::at("2026-03-09T04:00:00Z")}
                                   << QList<int>{-1, 0, 2, 4} << QList<int>{0, 2, 2, 1};
    QTest::newRow("UTC days") << QByteArray("UTC") << UsageSeries::BucketSize::Day
                              << QList<qint64>{TestSupport::at("2026-03-07T00:00:00Z"),
                                               TestSupport::at("2026-03-08T00:00:00Z"),
                                               TestSupport::at("2026-03-09T00:00:00Z")}
                              << QList<int>{0, 2, 4} << QList<int>{2, 2, 1};
    QTest::newRow("New York hours")
        << QByteArray("America/New_York") << UsageSeries::BucketSize::Hour << QList<qint64>{}
        << QList<int>{} << QList<int>{};
}

void UsageStoreContract::seriesFoldsDenseBucketsInTheZone()
{
    QFETCH(QByteArray, zone);
    QFETCH(UsageSeries::BucketSize, size);
    QFETCH(QList<qint64>, starts);
    QFETCH(QList<int>, firstEvent);
    QFETCH(QList<int>, eventCount);
    const QTimeZone timeZone(zone);
    QVERIFY(timeZone.isValid());

    const QString a = createKey(u"a"_s);
    const QString b = createKey(u"b"_s);
    QVERIFY(!a.isEmpty() && !b.isEmpty());
    const QList<UsageEvent> events{
        usageEvent(a, TestSupport::at("2026-03-07T18:29:00Z"), 100),
        usageEvent(a, TestSupport::at("2026-03-07T18:31:00Z"), 200),
        usageEvent(a, TestSupport::at("2026-03-08T06:59:00Z"), 400, u"o3-mini"_s, 429),
        usageEvent(a, TestSupport::at("2026-03-08T07:01:00Z"), 800),
        usageEvent(a, TestSupport::at("2026-03-09T12:00:00Z"), 1600),
    };
    QVERIFY(outcomeOf(usage().recordUsage(events)).ok());
    // Another key's usage, left out by the filter.
    QVERIFY(outcomeOf(
                usage().recordUsage({usageEvent(b, TestSupport::at("2026-03-08T12:00:00Z"), 3200)}))
                .ok());

    UsageQuery query =
        range(TestSupport::at("2026-03-07T00:00:00Z"), TestSupport::at("2026-03-10T00:00:00Z"));
    query.keyIds = {a};
    const auto series = outcomeOf(usage().usageSeries(query, size, timeZone));
    QVERIFY2(series.ok(), qPrintable(series.describe()));
    const auto slotRows = outcomeOf(usage().usageSlots(query));
    QVERIFY2(slotRows.ok(), qPrintable(slotRows.describe()));
    QCOMPARE(series.value(),
             UsageSeries::build(slotRows.value(), query.fromMs, query.toMs, size, timeZone));
    if (starts.isEmpty()) {
        // New York's hours start on UTC's, so the 72 hours of the range are 72 buckets, the
        // hour the clocks skip included; together they hold every event of the key.
        QCOMPARE(series.value().size(), 72);
        UsageTotals total;
        for (const UsageSeries::Point& point : series.value())
            total.merge(point.totals);
        QCOMPARE(total, sumOf(events));
        return;
    }
    QList<UsageSeries::Point> expected;
    for (qsizetype i = 0; i < starts.size(); ++i) {
        UsageSeries::Point point{starts.at(i), {}};
        if (firstEvent.at(i) >= 0)
            point.totals = sumOf(events.mid(firstEvent.at(i), eventCount.at(i)));
        expected << point;
    }
    QCOMPARE(series.value(), expected);
}

UsageStoreContract::SeveralDays UsageStoreContract::recordSeveralDaysOfUsage()
{
    SeveralDays days{createKey(u"a"_s),
                     createKey(u"b"_s),
                     TestSupport::at("2025-12-20T06:00:00Z"),
                     TestSupport::at("2025-12-23T18:00:00Z"),
                     {}};
    const QString& a = days.a;
    const QString& b = days.b;
    days.inside = {
        usageEvent(a, days.from, 10),
        usageEvent(b, TestSupport::at("2025-12-20T23:59:59.999Z"), 20),
        usageEvent(a, TestSupport::at("2025-12-21T00:00:00Z"), 40, u"o3-mini"_s),
        usageEvent(b, TestSupport::at("2025-12-22T12:00:00Z"), 80, u"o3-mini"_s, 429),
        usageEvent(a, TestSupport::at("2025-12-23T00:00:00Z"), 160),
        usageEvent(b, days.to - 1, 320),
    };
    const QList<UsageEvent> outside{usageEvent(a, days.from - 1, 1), usageEvent(b, days.to, 2),
                                    usageEvent(a, TestSupport::at("2025-12-20T00:00:00Z"), 4)};
    if (a.isEmpty() || b.isEmpty() || !outcomeOf(usage().recordUsage(outside + days.inside)).ok())
        days.a.clear();
    return days;
}

void UsageStoreContract::aKeysDaySeriesCountsWholeAndPartialDays_data()
{
    QTest::addColumn<QByteArray>("zone");
    QTest::newRow("UTC") << QByteArray("UTC");
    // +00:00 in December, so its days are UTC's.
    QTest::newRow("London in winter") << QByteArray("Europe/London");
    QTest::newRow("Kolkata") << QByteArray("Asia/Kolkata");
}

void UsageStoreContract::aKeysDaySeriesCountsWholeAndPartialDays()
{
    QFETCH(QByteArray, zone);
    const QTimeZone timeZone(zone);
    QVERIFY(timeZone.isValid());
    const auto [a, b, from, to, inside] = recordSeveralDaysOfUsage();
    QVERIFY(!a.isEmpty());

    for (UsageQuery::StatusClass statusClass :
         {UsageQuery::StatusClass::All, UsageQuery::StatusClass::Success}) {
        UsageQuery query = range(from, to);
        query.keyIds = {a};
        query.statusClass = statusClass;
        const auto [low, high] = UsageQuery::statusRange(statusClass);
        const QList<qint64> starts =
            UsageSeries::bucketStarts(from, to, UsageSeries::BucketSize::Day, timeZone);
        QList<UsageSeries::Point> expected;
        for (qsizetype i = 0; i < starts.size(); ++i) {
            const qint64 end = i + 1 < starts.size() ? starts.at(i + 1) : to;
            UsageSeries::Point point{starts.at(i), {}};
            for (const UsageEvent& e : inside) {
                if (e.key == a && e.timeMs >= starts.at(i) && e.timeMs < end && e.status >= low &&
                    e.status <= high)
                    point.totals.add(e);
            }
            expected << point;
        }
        const auto series =
            outcomeOf(usage().usageSeries(query, UsageSeries::BucketSize::Day, timeZone));
        QVERIFY2(series.ok(), qPrintable(series.describe()));
        QCOMPARE(series.value(), expected);
    }
}

void UsageStoreContract::groupsAreHighestCostFirst()
{
    const QString a = createKey(u"a"_s);
    const QString b = createKey(u"b"_s);
    const QString c = createKey(u"c"_s);
    QVERIFY(!a.isEmpty() && !b.isEmpty() && !c.isEmpty());
    const QList<UsageEvent> events{
        usageEvent(a, T0, 3000, u"gpt-4o"_s),
        usageEvent(b, T0 + MinuteMs, 2000, u"gpt-4o"_s),
        usageEvent(b, T0 + 2 * MinuteMs, 3000, u"o3-mini"_s),
        usageEvent(c, T0 + 3 * MinuteMs, 5000, u"gpt-4.1"_s),
        usageEvent(a, T0 + 4 * MinuteMs, 1, u"gpt-4.1"_s, 503),
    };
    QVERIFY(outcomeOf(usage().recordUsage(events)).ok());

    const auto byKey =
        outcomeOf(usage().usageGroups(range(T0, T0 + HourMs), UsageStore::Grouping::Key));
    QVERIFY2(byKey.ok(), qPrintable(byKey.describe()));
    // b and c tie on cost: the lower id comes first.
    const QString tieFirst = qMin(b, c);
    const QString tieSecond = qMax(b, c);
    const auto totalsOf = [&](const QString& key) {
        UsageTotals totals;
        for (const UsageEvent& e : events) {
            if (e.key == key || e.model == key)
                totals.add(e);
        }
        return totals;
    };
    QCOMPARE(byKey.value(), (QList<UsageGroupRow>{{tieFirst, 0, totalsOf(tieFirst)},
                                                  {tieSecond, 0, totalsOf(tieSecond)},
                                                  {a, 0, totalsOf(a)}}));

    const auto byModel =
        outcomeOf(usage().usageGroups(range(T0, T0 + HourMs), UsageStore::Grouping::Model));
    QVERIFY2(byModel.ok(), qPrintable(byModel.describe()));
    QCOMPARE(byModel.value(), (QList<UsageGroupRow>{{u"gpt-4.1"_s, 0, totalsOf(u"gpt-4.1"_s)},
                                                    {u"gpt-4o"_s, 0, totalsOf(u"gpt-4o"_s)},
                                                    {u"o3-mini"_s, 0, totalsOf(u"o3-mini"_s)}}));

    UsageQuery errorsOfA = range(T0, T0 + HourMs);
    errorsOfA.keyIds = {a};
    errorsOfA.statusClass = UsageQuery::StatusClass::Errors;
    const auto filtered = outcomeOf(usage().usageGroups(errorsOfA, UsageStore::Grouping::Model));
    QVERIFY2(filtered.ok(), qPrintable(filtered.describe()));
    QCOMPARE(filtered.value(), (QList<UsageGroupRow>{{u"gpt-4.1"_s, 0, sumOf({events[4]})}}));
}

void UsageStoreContract::groupsOverSeveralDaysCountPartialDays()
{
    const auto [a, b, from, to, inside] = recordSeveralDaysOfUsage();
    QVERIFY(!a.isEmpty());

    for (UsageQuery::StatusClass statusClass :
         {UsageQuery::StatusClass::All, UsageQuery::StatusClass::Success}) {
        UsageQuery query = range(from, to);
        query.statusClass = statusClass;
        const auto [low, high] = UsageQuery::statusRange(statusClass);
        QMap<QString, UsageTotals> perKey;
        for (const UsageEvent& e : inside) {
            if (e.status >= low && e.status <= high)
                perKey[e.key].add(e);
        }
        QList<UsageGroupRow> expected;
        for (auto it = perKey.cbegin(); it != perKey.cend(); ++it)
            expected << UsageGroupRow{it.key(), 0, it.value()};
        std::sort(expected.begin(), expected.end(), [](const auto& l, const auto& r) {
            return l.totals.costMicros > r.totals.costMicros;
        });
        const auto byKey = outcomeOf(usage().usageGroups(query, UsageStore::Grouping::Key));
        QVERIFY2(byKey.ok(), qPrintable(byKey.describe()));
        QCOMPARE(byKey.value(), expected);
    }
}

void UsageStoreContract::logsPageAndSortStably_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<bool>("ascending");
    QTest::addColumn<int>("pageSize");
    using C = UsageStore::LogColumn;
    QTest::newRow("time, newest first") << int(C::Time) << false << 7;
    QTest::newRow("time, oldest first") << int(C::Time) << true << 10;
    QTest::newRow("key") << int(C::Key) << true << 4;
    QTest::newRow("model") << int(C::Model) << false << 6;
    QTest::newRow("endpoint") << int(C::Endpoint) << true << 9;
    QTest::newRow("status") << int(C::Status) << false << 5;
    QTest::newRow("prompt tokens") << int(C::PromptTokens) << true << 3;
    QTest::newRow("completion tokens") << int(C::CompletionTokens) << false << 8;
    QTest::newRow("cost, highest first") << int(C::Cost) << false << 7;
    QTest::newRow("latency") << int(C::Latency) << true << 25;
}

void UsageStoreContract::logsPageAndSortStably()
{
    QFETCH(int, column);
    QFETCH(bool, ascending);
    QFETCH(int, pageSize);
    const QList<QString> ids{createKey(u"a"_s), createKey(u"b"_s)};
    QVERIFY(!ids.contains(QString()));
    // Few distinct values per column, so most sort keys tie and the tiebreak decides.
    QList<UsageEvent> events;
    for (int i = 0; i < 25; ++i) {
        UsageEvent e = usageEvent(ids[i % 2], T0 + (i % 8) * MinuteMs, (i % 3) * 100,
                                  i % 4 ? u"gpt-4o"_s : u"o3-mini"_s, i % 5 ? 200 : 429);
        e.endpoint = i % 2 ? u"/v1/embeddings"_s : u"/v1/chat/completions"_s;
        e.promptTokens = i % 4;
        e.completionTokens = i % 6;
        e.latencyMs = i % 7;
        e.requestId = u"req-%1"_s.arg(i);
        events << e;
    }
    const UsageEvent outsideRange = usageEvent(ids[0], T0 + DayMs, 5);
    QVERIFY(outcomeOf(usage().recordUsage(events + QList<UsageEvent>{outsideRange})).ok());

    const auto sortKey = [column](const UsageEvent& e) -> QVariant {
        switch (UsageStore::LogColumn(column)) {
        case UsageStore::LogColumn::Time:
            return e.timeMs;
        case UsageStore::LogColumn::Key:
            return e.key;
        case UsageStore::LogColumn::Model:
            return e.model;
        case UsageStore::LogColumn::Endpoint:
            return e.endpoint;
        case UsageStore::LogColumn::Status:
            return e.status;
        case UsageStore::LogColumn::PromptTokens:
            return e.promptTokens;
        case UsageStore::LogColumn::CompletionTokens:
            return e.completionTokens;
        case UsageStore::LogColumn::Cost:
            return e.costMicros.value_or(0);
        case UsageStore::LogColumn::Latency:
            return e.latencyMs;
        }
        return {};
    };
    const UsageQuery query = range(T0, T0 + HourMs);
    const Qt::SortOrder order = ascending ? Qt::AscendingOrder : Qt::DescendingOrder;
    QList<UsageEvent> paged;
    QString cursor;
    for (int pages = 0;; ++pages) {
        QVERIFY(pages <= 25);
        const auto page = outcomeOf(
            usage().usageLogs(query, UsageStore::LogColumn(column), order, cursor, pageSize));
        QVERIFY2(page.ok(), qPrintable(page.describe()));
        QVERIFY(page.value().events.size() <= pageSize);
        paged += page.value().events;
        cursor = page.value().nextCursor;
        if (cursor.isEmpty())
            break;
        QCOMPARE(page.value().events.size(), pageSize);
    }
    QCOMPARE(paged.size(), events.size());
    QStringList seen;
    for (qsizetype i = 0; i < paged.size(); ++i) {
        seen << paged[i].requestId;
        if (i == 0)
            continue;
        const QPartialOrdering cmp = QVariant::compare(sortKey(paged[i - 1]), sortKey(paged[i]));
        QVERIFY2(ascending ? cmp != QPartialOrdering::Greater : cmp != QPartialOrdering::Less,
                 qPrintable(u"rows %1 and %2 are out of order"_s.arg(i - 1).arg(i)));
    }
    seen.sort();
    seen.removeDuplicates();
    QCOMPARE(seen.size(), events.size());

    // The same request twice gives the same order: ties never reshuffle between page loads.
    const auto first =
        outcomeOf(usage().usageLogs(query, UsageStore::LogColumn(column), order, {}, 25));
    QVERIFY2(first.ok(), qPrintable(first.describe()));
    QCOMPARE(first.value().events, paged);
    QVERIFY(!first.value().nextCursor.isEmpty());
    const auto pastTheEnd = outcomeOf(usage().usageLogs(query, UsageStore::LogColumn(column), order,
                                                        first.value().nextCursor, pageSize));
    QVERIFY2(pastTheEnd.ok(), qPrintable(pastTheEnd.describe()));
    QVERIFY(pastTheEnd.value().events.isEmpty());
    QCOMPARE(pastTheEnd.value().nextCursor, QString());

    UsageQuery ofB = query;
    ofB.keyIds = {ids[1]};
    const auto filtered =
        outcomeOf(usage().usageLogs(ofB, UsageStore::LogColumn(column), order, {}, 100));
    QVERIFY2(filtered.ok(), qPrintable(filtered.describe()));
    QCOMPARE(filtered.value().events.size(), 12);
    for (const UsageEvent& e : filtered.value().events)
        QCOMPARE(e.key, ids[1]);
}

void UsageStoreContract::aBackdatedEventDuringPagingNeitherRepeatsNorSkipsARow()
{
    const QString a = createKey(u"prod-web-app"_s);
    QVERIFY(!a.isEmpty());
    QList<UsageEvent> events;
    for (int i = 0; i < 30; ++i) {
        UsageEvent e = usageEvent(a, T0 + i * MinuteMs);
        e.requestId = u"req-%1"_s.arg(i);
        events << e;
    }
    QVERIFY(outcomeOf(usage().recordUsage(events)).ok());
    for (const auto order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
        const auto before =
            outcomeOf(usage().usageLogs(allTime(), UsageStore::LogColumn::Time, order, {}, 1000));
        QVERIFY2(before.ok(), qPrintable(before.describe()));
        QStringList seen;
        QString cursor;
        for (int page = 0; page < 10; ++page) {
            const auto read = outcomeOf(
                usage().usageLogs(allTime(), UsageStore::LogColumn::Time, order, cursor, 7));
            QVERIFY2(read.ok(), qPrintable(read.describe()));
            for (const UsageEvent& e : read.value().events)
                seen << e.requestId;
            cursor = read.value().nextCursor;
            if (page == 1) {
                // Lands before and after where the reader stands, as a backdated import does.
                UsageEvent early = usageEvent(a, T0 - HourMs);
                early.requestId = u"early-%1"_s.arg(int(order));
                UsageEvent late = usageEvent(a, T0 + 2 * HourMs);
                late.requestId = u"late-%1"_s.arg(int(order));
                QVERIFY(outcomeOf(usage().recordUsage({early, late})).ok());
            }
            if (cursor.isEmpty())
                break;
        }
        QVERIFY(cursor.isEmpty());
        // Every row that was there is read once; of the new ones, only the one ahead of the
        // reader shows, and once.
        QStringList expected;
        for (const UsageEvent& e : before.value().events)
            expected << e.requestId;
        expected << (order == Qt::AscendingOrder ? u"late-%1"_s : u"early-%1"_s).arg(int(order));
        QStringList sortedSeen = seen;
        sortedSeen.sort();
        expected.sort();
        QCOMPARE(sortedSeen, expected);
    }
}

void UsageStoreContract::aCursorFromElsewhereIsRefusedNamingTheField()
{
    const QString a = createKey(u"prod-web-app"_s);
    QVERIFY(!a.isEmpty());
    QVERIFY(outcomeOf(usage().recordUsage({usageEvent(a, T0)})).ok());
    for (const QString& cursor : {u"not a cursor"_s, u":"_s, u"x:12"_s}) {
        const auto read = outcomeOf(usage().usageLogs(allTime(), UsageStore::LogColumn::Time,
                                                      Qt::AscendingOrder, cursor, 5));
        QVERIFY2(read.failedWith(StoreError::Code::Invalid), qPrintable(cursor));
        QVERIFY2(read.namesField(u"cursor"_s), qPrintable(read.describe()));
    }
}

namespace {
// The read end of a pipe that a thread of its own fills and closes: bytes that arrive as a
// stream, of a length nobody knows beforehand.
std::unique_ptr<QIODevice> pipeOf(const QByteArray& bytes)
{
    int fds[2];
    if (::pipe(fds) != 0)
        return nullptr;
    std::thread([fd = fds[1], bytes] {
        qint64 written = 0;
        while (written < bytes.size()) {
            const ssize_t n =
                ::write(fd, bytes.constData() + written, size_t(bytes.size() - written));
            if (n <= 0)
                break;
            written += n;
        }
        ::close(fd);
    }).detach();
    auto file = std::make_unique<QFile>();
    if (!file->open(fds[0], QIODevice::ReadOnly, QFileDevice::AutoCloseHandle))
        return nullptr;
    return file;
}
// The same with a pause: first is written at once, rest only when released is set (or after
// a minute, so a failing test cannot hang).
std::unique_ptr<QIODevice> gatedPipeOf(const QByteArray& first, const QByteArray& rest,
                                       std::shared_future<void> released)
{
    int fds[2];
    if (::pipe(fds) != 0)
        return nullptr;
    std::thread([fd = fds[1], first, rest, released] {
        const auto writeAll = [fd](const QByteArray& bytes) {
            qint64 written = 0;
            while (written < bytes.size()) {
                const ssize_t n =
                    ::write(fd, bytes.constData() + written, size_t(bytes.size() - written));
                if (n <= 0)
                    return;
                written += n;
            }
        };
        writeAll(first);
        released.wait_for(std::chrono::minutes(1));
        writeAll(rest);
        ::close(fd);
    }).detach();
    auto file = std::make_unique<QFile>();
    if (!file->open(fds[0], QIODevice::ReadOnly, QFileDevice::AutoCloseHandle))
        return nullptr;
    return file;
}
} // namespace

void UsageStoreContract::readsGoOnWhileAnImportWaitsForItsInput()
{
    const QString a = createKey(u"prod-web-app"_s);
    QVERIFY(!a.isEmpty());
    QVERIFY(outcomeOf(usage().recordUsage({usageEvent(a, T0, 1000)})).ok());
    QByteArray first;
    QByteArray rest;
    for (int i = 0; i < 200; ++i)
        (i < 100 ? first : rest) += UsageCodec::toJsonLine(usageEvent(a, T0 + i + 1, 10), a);
    std::promise<void> release;
    const std::shared_future<void> released = release.get_future().share();
    const UsageSource source{u"slow.jsonl"_s, [first, rest, released](QString*) {
                                 return gatedPipeOf(first, rest, released);
                             }};
    const QFuture<UsageImportReport> import = usage().importUsage(source, {});
    // The import now waits for the rest of its file: the store still answers reads (the keys
    // page, a chart), and the import's rows stay out of them until it is done.
    const auto listed = outcomeOf(keys().listKeys(), 5000);
    QVERIFY2(listed.ok(), qPrintable(listed.describe()));
    QCOMPARE(listed.value().size(), 1);
    const auto totals = outcomeOf(usage().usageTotals(allTime()), 5000);
    QVERIFY2(totals.ok(), qPrintable(totals.describe()));
    QCOMPARE(totals.value().requests, qint64(1));
    QVERIFY(!import.isFinished());
    release.set_value();
    const auto imported = outcomeOf(import);
    QVERIFY2(imported.ok(), qPrintable(imported.describe()));
    QCOMPARE(imported.value().imported, qint64(200));
    const auto after = outcomeOf(usage().usageTotals(allTime()));
    QVERIFY2(after.ok(), qPrintable(after.describe()));
    QCOMPARE(after.value().requests, qint64(201));
}

void UsageStoreContract::importReadsAStreamOfUnknownLength()
{
    const QString a = createKey(u"prod-web-app"_s);
    QVERIFY(!a.isEmpty());
    QByteArray lines;
    for (int i = 0; i < 3; ++i) {
        UsageEvent e = usageEvent(a, T0 + i * MinuteMs, 1000 * (i + 1));
        e.requestId = u"stream-%1"_s.arg(i);
        // Keys are named by id or by label.
        lines += UsageCodec::toJsonLine(e, i == 0 ? u"prod-web-app"_s : a);
    }
    int opened = 0;
    // Many lines, so the pipe fills and the reader waits on the writer more than once.
    for (int i = 3; i < 5000; ++i)
        lines += UsageCodec::toJsonLine(usageEvent(a, T0 + i * 1000, 0), a);
    const UsageSource source{u"piped.jsonl"_s, [&opened, lines](QString*) {
                                 ++opened;
                                 return pipeOf(lines);
                             }};
    const auto imported = outcomeOf(usage().importUsage(source, {}));
    QVERIFY2(imported.ok(), qPrintable(imported.describe()));
    QCOMPARE(opened, 1);
    QCOMPARE(imported.value().imported, qint64(5000));
    QVERIFY(imported.value().committed);
    const auto totals = outcomeOf(usage().usageTotals(allTime()));
    QVERIFY2(totals.ok(), qPrintable(totals.describe()));
    QCOMPARE(totals.value().costMicros, qint64(6000));

    // One that does not open fails naming the file, and stores nothing.
    const UsageSource missing{u"gone.jsonl"_s, [](QString* error) {
                                  *error = u"No such file or directory"_s;
                                  return std::unique_ptr<QIODevice>();
                              }};
    const auto refused = outcomeOf(usage().importUsage(missing, {}));
    QVERIFY2(refused.failedWith(StoreError::Code::Invalid), qPrintable(refused.describe()));
    QVERIFY2(refused.namesField(u"file"_s), qPrintable(refused.describe()));
    QVERIFY2(refused.describe().contains(u"gone.jsonl"_s), qPrintable(refused.describe()));
}

void UsageStoreContract::modelsListEveryModelSeen()
{
    const auto none = outcomeOf(usage().usageModels());
    QVERIFY2(none.ok(), qPrintable(none.describe()));
    QVERIFY(none.value().isEmpty());
    const QString a = createKey(u"a"_s);
    QVERIFY(!a.isEmpty());
    QVERIFY(outcomeOf(usage().recordUsage({usageEvent(a, T0, 1, u"gpt-4o"_s),
                                           usageEvent(a, T0 + DayMs, 1, u"claude-3-5-haiku"_s),
                                           usageEvent(a, T0 - 30 * DayMs, 1, u"gpt-4o"_s, 500),
                                           usageEvent(a, T0, 1, u"o3-mini"_s, 404)}))
                .ok());
    const auto models = outcomeOf(usage().usageModels());
    QVERIFY2(models.ok(), qPrintable(models.describe()));
    QCOMPARE(models.value(), (QStringList{u"claude-3-5-haiku"_s, u"gpt-4o"_s, u"o3-mini"_s}));
}

void UsageStoreContract::derivedKeyFieldsFollowUsage()
{
    const QString a = createKey(u"prod-web-app"_s, 1'000'000);
    const QString idle = createKey(u"idle"_s);
    QVERIFY(!a.isEmpty() && !idle.isEmpty());
    const auto before = findKey(a);
    QVERIFY(before);
    QCOMPARE(before->quotaRemainingMicros(), std::optional<qint64>(1'000'000));

    const qint64 latest = StartMs - HourMs;
    // Out of order, and the latest one failed: "last used" is the latest request of any status.
    QVERIFY(outcomeOf(usage().recordUsage({usageEvent(a, latest - DayMs, 250'000),
                                           usageEvent(a, latest, 0, u"gpt-4o"_s, 401),
                                           usageEvent(a, latest - 2 * DayMs, 100'000)}))
                .ok());
    ApiKeyRecord expected = *before;
    expected.lastUsedAtMs = latest;
    expected.quotaUsedMicros = 350'000;
    // The clock is on Thursday 1 January: this ISO week began on Monday 29 December, and none of
    // this spend falls in January.
    expected.spendWeekMicros = 350'000;
    const auto found = findKey(a);
    QVERIFY(found);
    QCOMPARE(*found, expected);
    QCOMPARE(found->quotaRemainingMicros(), std::optional<qint64>(650'000));
    QCOMPARE(found->updatedAtMs, before->updatedAtMs);

    const auto listed = outcomeOf(keys().listKeys());
    QVERIFY2(listed.ok(), qPrintable(listed.describe()));
    QCOMPARE(listed.value().size(), 2);
    for (const ApiKeyRecord& record : listed.value()) {
        if (record.id == a) {
            QCOMPARE(record, expected);
        } else {
            QVERIFY(!record.lastUsedAtMs);
            QCOMPARE(record.quotaUsedMicros, qint64(0));
            QCOMPARE(record.spendMonthMicros, qint64(0));
        }
    }

    // An older event moves the quota but not "last used".
    QVERIFY(outcomeOf(usage().recordUsage({usageEvent(a, latest - 3 * DayMs, 900'000)})).ok());
    const auto after = findKey(a);
    QVERIFY(after);
    QCOMPARE(after->lastUsedAtMs, std::optional<qint64>(latest));
    QCOMPARE(after->quotaUsedMicros, qint64(1'250'000));
    QCOMPARE(after->quotaRemainingMicros(), std::optional<qint64>(0));
}

void UsageStoreContract::spendWindowsFollowTheClock_data()
{
    QTest::addColumn<qint64>("now");
    QTest::addColumn<qint64>("day");
    QTest::addColumn<qint64>("week");
    QTest::addColumn<qint64>("month");
    // Events (see the test) cost 1, 10, 100, ... 1,000,000 micro-USD, so each sum shows exactly
    // which events a window counted.
    QTest::newRow("Wednesday noon") << TestSupport::at("2026-01-07T12:00:00Z") << qint64(1)
                                    << qint64(1'000'111) << qint64(1'011'111);
    QTest::newRow("Thursday, first millisecond")
        << TestSupport::at("2026-01-08T00:00:00Z") << qint64(1'000'000) << qint64(1'000'111)
        << qint64(1'011'111);
    QTest::newRow("Sunday, last millisecond: week began in December")
        << TestSupport::at("2026-01-04T23:59:59.999Z") << qint64(1000) << qint64(111'000)
        << qint64(1'011'111);
    QTest::newRow("New Year's Eve, last millisecond")
        << TestSupport::at("2025-12-31T23:59:59.999Z") << qint64(100'000) << qint64(111'000)
        << qint64(100'000);
    QTest::newRow("February") << TestSupport::at("2026-02-01T00:00:00Z") << qint64(0) << qint64(0)
                              << qint64(0);
}

void UsageStoreContract::spendWindowsFollowTheClock()
{
    QFETCH(qint64, now);
    QFETCH(qint64, day);
    QFETCH(qint64, week);
    QFETCH(qint64, month);
    const QString a = createKey(u"prod-web-app"_s);
    const QString other = createKey(u"other"_s);
    QVERIFY(!a.isEmpty() && !other.isEmpty());
    QVERIFY(outcomeOf(usage().recordUsage({
                          usageEvent(a, TestSupport::at("2026-01-07T00:00:00Z"), 1),
                          usageEvent(a, TestSupport::at("2026-01-06T23:59:59.999Z"), 10),
                          usageEvent(a, TestSupport::at("2026-01-05T00:00:00Z"), 100),
                          usageEvent(a, TestSupport::at("2026-01-04T23:59:59.999Z"), 1000),
                          usageEvent(a, TestSupport::at("2026-01-01T00:00:00Z"), 10'000),
                          usageEvent(a, TestSupport::at("2025-12-31T23:59:59.999Z"), 100'000),
                          usageEvent(a, TestSupport::at("2026-01-08T00:00:00Z"), 1'000'000),
                          usageEvent(other, TestSupport::at("2026-01-07T00:00:00Z"), 5),
                      }))
                .ok());
    m_clock->setNowUtcMs(now);

    const auto found = findKey(a);
    QVERIFY(found);
    QCOMPARE(found->spendDayMicros, day);
    QCOMPARE(found->spendWeekMicros, week);
    QCOMPARE(found->spendMonthMicros, month);
    QCOMPARE(found->quotaUsedMicros, qint64(1'111'111));
    const auto listed = outcomeOf(keys().listKeys());
    QVERIFY2(listed.ok(), qPrintable(listed.describe()));
    const auto it = std::find_if(listed.value().cbegin(), listed.value().cend(),
                                 [&](const ApiKeyRecord& r) { return r.id == a; });
    QVERIFY(it != listed.value().cend());
    QCOMPARE(*it, *found);
}

void UsageStoreContract::deletedKeyKeepsItsHistory()
{
    const QString a = createKey(u"short-lived"_s);
    const QString b = createKey(u"kept"_s);
    QVERIFY(!a.isEmpty() && !b.isEmpty());
    const QList<UsageEvent> events{usageEvent(a, T0, 700), usageEvent(b, T0 + MinuteMs, 300)};
    QVERIFY(outcomeOf(usage().recordUsage(events)).ok());
    QVERIFY(outcomeOf(keys().deleteKey(a)).ok());

    const auto totals = outcomeOf(usage().usageTotals(allTime()));
    QVERIFY2(totals.ok(), qPrintable(totals.describe()));
    QCOMPARE(totals.value(), sumOf(events));
    const auto groups = outcomeOf(usage().usageGroups(allTime(), UsageStore::Grouping::Key));
    QVERIFY2(groups.ok(), qPrintable(groups.describe()));
    QCOMPARE(groups.value(),
             (QList<UsageGroupRow>{{a, 0, sumOf({events[0]})}, {b, 0, sumOf({events[1]})}}));
    const auto refused = outcomeOf(usage().recordUsage({usageEvent(a, T0 + HourMs)}));
    QVERIFY2(refused.failedWith(StoreError::Code::Invalid), qPrintable(refused.describe()));
    QVERIFY2(refused.namesField(u"key"_s), qPrintable(refused.describe()));
}

void UsageStoreContract::keyUsageIsWhatTheListedKeysDerive()
{
    const QString a = createKey(u"prod-web-app"_s, 10 * 1'000'000);
    const QString b = createKey(u"ci-tests"_s);
    QVERIFY(!a.isEmpty() && !b.isEmpty());
    m_clock->advanceMs(HourMs);
    UsageEvent first = usageEvent(a, m_clock->nowUtcMs() - MinuteMs);
    first.costMicros = 1'250'000;
    UsageEvent second = usageEvent(a, m_clock->nowUtcMs() - 2 * MinuteMs);
    second.costMicros = 250'000;
    QVERIFY(outcomeOf(usage().recordUsage({first, second})).ok());

    const auto listed = outcomeOf(keys().listKeys());
    QVERIFY2(listed.ok(), qPrintable(listed.describe()));
    const auto derived = outcomeOf(usage().keyUsage());
    QVERIFY2(derived.ok(), qPrintable(derived.describe()));
    QHash<QString, KeyUsage> byId;
    for (const KeyUsage& key : derived.value())
        byId.insert(key.keyId, key);
    QCOMPARE(byId.size(), listed.value().size());
    for (const ApiKeyRecord& record : listed.value())
        QCOMPARE(byId.value(record.id), KeyUsage::of(record));
    QCOMPARE(byId.value(a).quotaUsedMicros, qint64(1'500'000));
    QCOMPARE(byId.value(a).spendDayMicros, qint64(1'500'000));
    QCOMPARE(byId.value(a).lastUsedAtMs, std::optional<qint64>(first.timeMs));
    KeyUsage unused;
    unused.keyId = b;
    QCOMPARE(byId.value(b), unused);
}

void UsageStoreContract::usageChangedFollowsEveryRecordedBatch()
{
    const QString a = createKey(u"prod-web-app"_s);
    QVERIFY(!a.isEmpty());
    QTest::qWait(100);
    QSignalSpy usageChanged(&usage(), &UsageStore::usageChanged);
    QSignalSpy keysChanged(&keys(), &KeyStore::keysChanged);

    UsageEvent event = usageEvent(a, T0);
    event.requestId = u"req-1"_s;
    QVERIFY(outcomeOf(usage().recordUsage({event})).ok());
    QTRY_COMPARE_WITH_TIMEOUT(usageChanged.count(), 1, 5000);

    // Nothing new, nothing stored, or only reads: nothing to announce.
    const auto repeat = outcomeOf(usage().recordUsage({event}));
    QVERIFY2(repeat.ok(), qPrintable(repeat.describe()));
    QCOMPARE(repeat.value(), qint64(0));
    QVERIFY(outcomeOf(usage().recordUsage({usageEvent(u"key_unknown"_s, T0)}))
                .failedWith(StoreError::Code::Invalid));
    QVERIFY(outcomeOf(usage().usageTotals(allTime())).ok());
    QVERIFY(outcomeOf(usage().usageLogs(allTime(), UsageStore::LogColumn::Time, Qt::DescendingOrder,
                                        {}, 10))
                .ok());
    QTest::qWait(300);
    QCOMPARE(usageChanged.count(), 1);
    // Usage is not a change of the keys: what shows keys need not list them again (the spend
    // they derive follows usageChanged).
    QCOMPARE(keysChanged.count(), 0);

    QVERIFY(outcomeOf(usage().recordUsage({usageEvent(a, T0 + MinuteMs)})).ok());
    QTRY_COMPARE_WITH_TIMEOUT(usageChanged.count(), 2, 5000);
}
