#include "KeyStore.h"
#include "KeyStoreContract.h"
#include "LifecycleStore.h"
#include "PriceTable.h"
#include "SqliteStore.h"
#include "StoreOutcome.h"
#include "UsagePrinting.h"
#include "UsageStore.h"
#include "UsdAmount.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 MinuteMs = 60'000;
constexpr qint64 HourMs = 60 * MinuteMs;
constexpr qint64 DayMs = 24 * HourMs;
constexpr qint64 SlotMs = UsageSeries::SlotMs;
constexpr int EventCount = 4000;
constexpr int QueryCount = 300;

// Spans the 2026 DST changes of Europe (29 March) and South Australia (5 April).
const qint64 WindowStartMs = *UtcTime::parseRfc3339(u"2026-03-25T00:00:00Z");
const qint64 WindowEndMs = *UtcTime::parseRfc3339(u"2026-04-07T00:00:00Z");

const QStringList Models{u"gpt-4o"_s, u"gpt-4o-mini-2024-07-18"_s, u"claude-3-5-haiku"_s,
                         u"local-llm"_s};
const QList<int> Statuses{200, 200, 200, 201, 204, 302, 400, 401, 404, 429, 500, 502, 503};
// UTC offsets an import file may write its times in, in minutes.
const QList<int> FileOffsets{0, 330, -570, 345, 840, -720, 60};

// Which stored events a roll-up read counts: whole slots from the one fromMs falls in, up to
// toMs (UsageReader documents this).
bool inSlotRange(qint64 timeMs, qint64 fromMs, qint64 toMs)
{
    const qint64 slot = UsageSeries::slotStart(timeMs);
    return toMs > fromMs && slot >= UsageSeries::slotStart(fromMs) && slot < toMs;
}

QString rfc3339WithOffset(qint64 utcMs, int offsetMinutes)
{
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(utcMs, QTimeZone(offsetMinutes * 60));
    QString text = local.toString(u"yyyy-MM-ddTHH:mm:ss.zzz"_s);
    if (offsetMinutes == 0)
        return text + u'Z';
    const int magnitude = qAbs(offsetMinutes);
    return text + (offsetMinutes < 0 ? u'-' : u'+') +
           u"%1:%2"_s.arg(magnitude / 60, 2, 10, QChar(u'0'))
               .arg(magnitude % 60, 2, 10, QChar(u'0'));
}

// Blocks until the store answers: its worker needs nothing from this thread, and thousands of
// reads then take no polling naps. The outcome reports any StoreError.
template <typename T> StoreOutcome<T> answer(QFuture<T> future)
{
    try {
        future.waitForFinished();
    } catch (const std::exception&) {
    }
    return outcomeOf(future);
}

QString describe(const UsageQuery& q)
{
    QString statusClass;
    switch (q.statusClass) {
    case UsageQuery::StatusClass::All:
        statusClass = u"all"_s;
        break;
    case UsageQuery::StatusClass::Success:
        statusClass = u"success"_s;
        break;
    case UsageQuery::StatusClass::ClientError:
        statusClass = u"4xx"_s;
        break;
    case UsageQuery::StatusClass::ServerError:
        statusClass = u"5xx"_s;
        break;
    case UsageQuery::StatusClass::Errors:
        statusClass = u"errors"_s;
        break;
    }
    return u"[%1, %2) keys {%3} models {%4} status %5"_s.arg(
        UtcTime::toRfc3339(q.fromMs), UtcTime::toRfc3339(q.toMs), q.keyIds.join(u','),
        q.models.join(u','), statusClass);
}
} // namespace

// Property test: whatever the events (times on slot, hour and day edges and a millisecond
// either side, several keys, models and statuses, repeated request ids, costs given or priced)
// and however they arrive (recordUsage batches of random sizes, JSON Lines and CSV imports
// with times in various UTC offsets), every roll-up read equals a brute-force recomputation
// from the generated events. KEYDECK_TEST_SEED=<n> repeats a run.
class TestUsageRollups final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void rollupReadsEqualBruteForce();
    void localSeriesEqualBruteForce_data();
    void localSeriesEqualBruteForce();

private:
    qint64 randomTime();
    UsageEvent randomEvent(int index);
    bool writeFile(const QString& path, const QList<UsageEvent>& events, bool csv);
    UsageQuery randomQuery();
    QList<UsageEvent> matching(const UsageQuery& query) const;

    quint32 m_seed = 0;
    QRandomGenerator m_random;
    QTemporaryDir m_dir;
    ManualClock m_clock{KeyStoreContract::StartMs};
    std::unique_ptr<SqliteStore> m_store;
    QStringList m_keyIds;
    QHash<QString, QString> m_labels; // key id -> label
    QList<UsageEvent> m_stored;       // what the store must hold: repeats removed, costs priced
};

void TestUsageRollups::initTestCase()
{
    const QByteArray fromEnv = qgetenv("KEYDECK_TEST_SEED");
    m_seed = fromEnv.isEmpty() ? QRandomGenerator::system()->generate() : fromEnv.toUInt();
    m_random.seed(m_seed);
    qInfo("seed %u (KEYDECK_TEST_SEED=%u repeats this run)", m_seed, m_seed);
    QVERIFY2(m_dir.isValid(), qPrintable(m_dir.errorString()));

    m_store = std::make_unique<SqliteStore>(m_dir.filePath(u"rollups.sqlite"_s), m_clock,
                                            *QRandomGenerator::system());
    const auto opened = outcomeOf(m_store->open());
    QVERIFY2(opened.ok(), qPrintable(opened.describe()));
    for (const QString& label :
         {u"prod-web-app"_s, u"ci-tests"_s, u"batch-worker"_s, u"mobile"_s}) {
        KeySpec spec;
        spec.label = label;
        const auto created = outcomeOf(m_store->keys().createKey(spec));
        QVERIFY2(created.ok(), qPrintable(created.describe()));
        m_keyIds << created.value().record.id;
        m_labels.insert(created.value().record.id, label);
    }

    QList<UsageEvent> generated;
    for (int i = 0; i < EventCount; ++i) {
        // One in twenty is a request sent again (a retry, a re-read log): stored once.
        if (i > 0 && m_random.bounded(20) == 0) {
            const UsageEvent& earlier = generated[m_random.bounded(qsizetype(i))];
            if (!earlier.requestId.isEmpty()) {
                generated << earlier;
                continue;
            }
        }
        generated << randomEvent(i);
    }
    const PriceTable prices = PriceTable::defaults();
    QSet<QString> requestIds;
    for (UsageEvent e : std::as_const(generated)) {
        if (!e.requestId.isEmpty() && requestIds.contains(e.requestId))
            continue;
        requestIds.insert(e.requestId);
        if (!e.costMicros)
            e.costMicros = prices.costMicros(e.model, e.promptTokens, e.completionTokens);
        m_stored << e;
    }

    // Each event arrives one way: a recordUsage batch, a JSON Lines file or a CSV file.
    QList<UsageEvent> pending[3];
    for (const UsageEvent& e : std::as_const(generated))
        pending[m_random.bounded(3)] << e;
    for (qsizetype i = 0; i < pending[0].size();) {
        const qsizetype size = qMin<qsizetype>(1 + m_random.bounded(300), pending[0].size() - i);
        const auto recorded = answer(m_store->usage().recordUsage(pending[0].mid(i, size)));
        QVERIFY2(recorded.ok(), qPrintable(recorded.describe()));
        i += size;
    }
    for (int channel : {1, 2}) {
        const bool csv = channel == 2;
        const QString path = m_dir.filePath(csv ? u"events.csv"_s : u"events.jsonl"_s);
        QVERIFY(writeFile(path, pending[channel], csv));
        const auto imported = outcomeOf(m_store->usage().importUsage(UsageSource::file(path), {}));
        QVERIFY2(imported.ok(), qPrintable(imported.describe()));
        QCOMPARE(imported.value().linesRead, pending[channel].size());
        QCOMPARE(imported.value().skipped, qint64(0));
    }
    const auto count = outcomeOf(m_store->usage().usageLogCount(
        {WindowStartMs - 10 * DayMs, WindowEndMs + 10 * DayMs, {}, {}, {}}));
    QVERIFY2(count.ok(), qPrintable(count.describe()));
    QCOMPARE(count.value(), qint64(m_stored.size()));
}

qint64 TestUsageRollups::randomTime()
{
    const qint64 span = WindowEndMs - WindowStartMs;
    if (m_random.bounded(10) < 4)
        return WindowStartMs + qint64(m_random.bounded(double(span)));
    // An edge: a slot, an hour, a UTC day, or a midnight at +05:30 / +09:30 / -03:30; then the
    // millisecond before, on or after it.
    const QList<qint64> units{SlotMs, HourMs, DayMs};
    const qint64 unit = units[m_random.bounded(units.size())];
    qint64 edge = WindowStartMs + (qint64(m_random.bounded(double(span))) / unit) * unit;
    if (unit == DayMs) {
        const QList<qint64> shifts{0, -330 * MinuteMs, -570 * MinuteMs, 210 * MinuteMs};
        edge += shifts[m_random.bounded(shifts.size())];
    }
    return edge + m_random.bounded(3) - 1;
}

UsageEvent TestUsageRollups::randomEvent(int index)
{
    UsageEvent e;
    e.timeMs = randomTime();
    e.key = m_keyIds[m_random.bounded(m_keyIds.size())];
    e.model = Models[m_random.bounded(Models.size())];
    e.endpoint = m_random.bounded(2) ? u"/v1/chat/completions"_s : u"/v1/embeddings"_s;
    e.status = Statuses[m_random.bounded(Statuses.size())];
    e.promptTokens = m_random.bounded(5000);
    e.completionTokens = m_random.bounded(2) ? m_random.bounded(3000) : 0;
    if (m_random.bounded(2))
        e.costMicros = m_random.bounded(100'000);
    e.latencyMs = m_random.bounded(30'000);
    e.clientIp = u"10.0.%1.%2"_s.arg(m_random.bounded(256)).arg(m_random.bounded(256));
    if (m_random.bounded(5))
        e.requestId = u"req-%1-%2"_s.arg(m_seed).arg(index);
    return e;
}

bool TestUsageRollups::writeFile(const QString& path, const QList<UsageEvent>& events, bool csv)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    if (csv)
        file.write(UsageCodec::csvHeaderLine());
    for (const UsageEvent& e : events) {
        // Some lines name the key by label, and every line writes its time in some UTC offset.
        const QString key = m_random.bounded(2) ? m_labels.value(e.key) : e.key;
        const QString time =
            rfc3339WithOffset(e.timeMs, FileOffsets[m_random.bounded(FileOffsets.size())]);
        const QString cost = e.costMicros ? UsdAmount::format(*e.costMicros) : QString();
        if (csv) {
            const QStringList cells{time,
                                    key,
                                    e.model,
                                    e.endpoint,
                                    QString::number(e.status),
                                    QString::number(e.promptTokens),
                                    QString::number(e.completionTokens),
                                    cost,
                                    QString::number(e.latencyMs),
                                    e.clientIp,
                                    e.requestId};
            file.write(cells.join(u',').toUtf8() + '\n');
        } else {
            QJsonObject o{{u"time"_s, time},
                          {u"key"_s, key},
                          {u"model"_s, e.model},
                          {u"endpoint"_s, e.endpoint},
                          {u"status"_s, e.status},
                          {u"prompt_tokens"_s, e.promptTokens},
                          {u"completion_tokens"_s, e.completionTokens},
                          {u"latency_ms"_s, e.latencyMs},
                          {u"ip"_s, e.clientIp}};
            // Costs as decimal strings or as JSON numbers; none at all means "price it".
            if (e.costMicros && m_random.bounded(2))
                o.insert(u"cost_usd"_s, cost);
            else if (e.costMicros)
                o.insert(u"cost_usd"_s, double(*e.costMicros) / UsdAmount::MicrosPerUsd);
            if (!e.requestId.isEmpty())
                o.insert(u"request_id"_s, e.requestId);
            file.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
        }
    }
    return file.flush();
}

UsageQuery TestUsageRollups::randomQuery()
{
    UsageQuery q;
    const qint64 span = WindowEndMs - WindowStartMs + 2 * DayMs;
    q.fromMs = WindowStartMs - DayMs + qint64(m_random.bounded(double(span)));
    qint64 length = qint64(m_random.bounded(double(6 * DayMs)));
    switch (m_random.bounded(4)) {
    case 0: // slot-aligned, as the Usage page asks
        q.fromMs = UsageSeries::slotStart(q.fromMs);
        length = (length / SlotMs) * SlotMs;
        break;
    case 1: // whole UTC days
        q.fromMs = (q.fromMs / DayMs) * DayMs;
        length = (length / DayMs + 1) * DayMs;
        break;
    case 2: // a short range, often inside a single slot
        length = qint64(m_random.bounded(double(2 * HourMs)));
        break;
    default: // anything, to the millisecond
        break;
    }
    q.toMs = q.fromMs + length;
    if (m_random.bounded(10) < 6) {
        for (const QString& id : std::as_const(m_keyIds)) {
            if (m_random.bounded(2))
                q.keyIds << id;
        }
        if (m_random.bounded(10) == 0)
            q.keyIds << u"key_deleted_or_unknown"_s;
    }
    if (m_random.bounded(2)) {
        for (const QString& model : Models) {
            if (m_random.bounded(3) == 0)
                q.models << model;
        }
    }
    q.statusClass = UsageQuery::StatusClass(m_random.bounded(5));
    return q;
}

QList<UsageEvent> TestUsageRollups::matching(const UsageQuery& q) const
{
    const auto [low, high] = UsageQuery::statusRange(q.statusClass);
    QList<UsageEvent> events;
    for (const UsageEvent& e : m_stored) {
        if (inSlotRange(e.timeMs, q.fromMs, q.toMs) && e.status >= low && e.status <= high &&
            (q.keyIds.isEmpty() || q.keyIds.contains(e.key)) &&
            (q.models.isEmpty() || q.models.contains(e.model)))
            events << e;
    }
    return events;
}

void TestUsageRollups::rollupReadsEqualBruteForce()
{
    for (int i = 0; i < QueryCount; ++i) {
        const UsageQuery q = randomQuery();
        const QByteArray what =
            u"seed %1, query %2: %3"_s.arg(m_seed).arg(i).arg(describe(q)).toUtf8();
        const QList<UsageEvent> events = matching(q);

        UsageTotals totals;
        QMap<qint64, UsageTotals> perSlot;
        QMap<QString, UsageTotals> perKey;
        QMap<QString, UsageTotals> perModel;
        for (const UsageEvent& e : events) {
            totals.add(e);
            perSlot[UsageSeries::slotStart(e.timeMs)].add(e);
            perKey[e.key].add(e);
            perModel[e.model].add(e);
        }
        const auto groupsOf = [](const QMap<QString, UsageTotals>& map) {
            QList<UsageGroupRow> rows;
            for (auto it = map.cbegin(); it != map.cend(); ++it)
                rows << UsageGroupRow{it.key(), 0, it.value()};
            std::stable_sort(rows.begin(), rows.end(), [](const auto& l, const auto& r) {
                return l.totals.costMicros > r.totals.costMicros;
            });
            return rows;
        };
        QList<UsageSeries::Point> points;
        for (auto it = perSlot.cbegin(); it != perSlot.cend(); ++it)
            points << UsageSeries::Point{it.key(), it.value()};

        const auto storedTotals = answer(m_store->usage().usageTotals(q));
        QVERIFY2(storedTotals.ok(), qPrintable(storedTotals.describe()));
        QVERIFY2(storedTotals.value() == totals,
                 (what + " totals " + ::describe(storedTotals.value()).toUtf8() + " expected " +
                  ::describe(totals).toUtf8())
                     .constData());
        const auto storedSlots = answer(m_store->usage().usageSlots(q));
        QVERIFY2(storedSlots.ok(), qPrintable(storedSlots.describe()));
        QVERIFY2(storedSlots.value() == points, what.constData());
        const auto byKey = answer(m_store->usage().usageGroups(q, UsageStore::Grouping::Key));
        QVERIFY2(byKey.ok(), qPrintable(byKey.describe()));
        QVERIFY2(byKey.value() == groupsOf(perKey), what.constData());
        const auto byModel = answer(m_store->usage().usageGroups(q, UsageStore::Grouping::Model));
        QVERIFY2(byModel.ok(), qPrintable(byModel.describe()));
        QVERIFY2(byModel.value() == groupsOf(perModel), what.constData());
    }
}

void TestUsageRollups::localSeriesEqualBruteForce_data()
{
    QTest::addColumn<QTimeZone>("zone");
    QTest::addColumn<int>("bucket");
    const QList<QTimeZone> zones{QTimeZone("Asia/Kolkata"),       QTimeZone("Asia/Kathmandu"),
                                 QTimeZone("Australia/Adelaide"), QTimeZone("America/St_Johns"),
                                 QTimeZone("Europe/Berlin"),      QTimeZone(-570 * 60)};
    for (const QTimeZone& zone : zones) {
        QVERIFY2(zone.isValid(), "time zone data is missing (install tzdata)");
        const QByteArray name = zone.id();
        QTest::addRow("%s, days", name.constData()) << zone << int(UsageSeries::BucketSize::Day);
        QTest::addRow("%s, hours", name.constData()) << zone << int(UsageSeries::BucketSize::Hour);
    }
}

// The Usage page's chart: slots from the store folded into local days (or hours) equal the
// events bucketed by their own local date (or hour) — across DST changes and offsets that are
// not whole hours.
void TestUsageRollups::localSeriesEqualBruteForce()
{
    QFETCH(QTimeZone, zone);
    QFETCH(int, bucket);
    const auto size = UsageSeries::BucketSize(bucket);
    for (int i = 0; i < 40; ++i) {
        UsageQuery q;
        const QDate firstDay = QDateTime::fromMSecsSinceEpoch(WindowStartMs, zone)
                                   .date()
                                   .addDays(m_random.bounded(12) - 1);
        q.fromMs = firstDay.startOfDay(zone).toMSecsSinceEpoch();
        q.toMs = firstDay.addDays(1 + m_random.bounded(8)).startOfDay(zone).toMSecsSinceEpoch();
        if (i % 3 == 0) {
            // Not on a local midnight: the first bucket starts before the range.
            q.fromMs += qint64(m_random.bounded(double(DayMs)));
            q.toMs -= qint64(m_random.bounded(double(DayMs)));
        }
        if (i % 2 == 0)
            q.keyIds = {m_keyIds[m_random.bounded(m_keyIds.size())]};
        const QByteArray what = u"seed %1, %2: %3"_s.arg(m_seed).arg(i).arg(describe(q)).toUtf8();

        QMap<qint64, UsageTotals> expected;
        for (const UsageEvent& e : matching(q)) {
            const QDateTime local = QDateTime::fromMSecsSinceEpoch(e.timeMs, zone);
            const qint64 start =
                size == UsageSeries::BucketSize::Day
                    ? local.date().startOfDay(zone).toMSecsSinceEpoch()
                    : e.timeMs - (local.time().minute() * MinuteMs + local.time().second() * 1000 +
                                  local.time().msec());
            expected[start].add(e);
        }
        const auto slotRows = answer(m_store->usage().usageSlots(q));
        QVERIFY2(slotRows.ok(), qPrintable(slotRows.describe()));
        const QList<UsageSeries::Point> series =
            UsageSeries::build(slotRows.value(), q.fromMs, q.toMs, size, zone);
        QMap<qint64, UsageTotals> actual;
        for (const UsageSeries::Point& point : series) {
            if (point.totals != UsageTotals())
                actual.insert(point.startMs, point.totals);
        }
        QVERIFY2(actual == expected, what.constData());
    }
}

QTEST_GUILESS_MAIN(TestUsageRollups)
#include "tst_usage_rollups.moc"
