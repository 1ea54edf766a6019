// Usage at scale (default: 1,000,000 events over 90 days, 1,000 keys, 20 models, seeded),
// each figure against the sqlite3 command-line tool in the same run:
//   (a) importUsage() of a CSV file vs `sqlite3 DB ".import --csv FILE plain_events"`;
//   (b) the Usage page's 30-day series (usageSeries, day buckets) vs the
//       equivalent GROUP BY over a copy of the raw events (indexed like the store's);
//   (c) the same series filtered to 5 keys (in UTC, and in a zone whose days are not UTC's), vs
//       the same GROUP BY with the same filter;
//   (d) the page's cost-by-key and cost-by-model groups for 30 days, vs GROUP BY key / model.
// Read times are medians; sqlite3 is given both as its own `.timer` (query only) and as the
// wall time of the process. Every KeyDeck answer is checked against sqlite3's before timing.

#include "BenchAwait.h"
#include "BenchServer.h"
#include "KeyStore.h"
#include "LifecycleStore.h"
#include "PriceTable.h"
#include "SqliteStore.h"
#include "SystemClock.h"
#include "UsageCodec.h"
#include "UsageStore.h"
#include "UsdAmount.h"
#include "UtcTime.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimeZone>
#include <algorithm>
#include <cstdio>
#include <type_traits>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 DayMs = 86'400'000;
constexpr int ReadRuns = 9;

const QStringList ExtraModels{u"llama-3.1-70b"_s, u"mistral-large"_s, u"qwen2.5-72b"_s,
                              u"deepseek-v3"_s, u"command-r-plus"_s};

struct Options
{
    qint64 events = 1'000'000;
    int keys = 1000;
    int models = 20;
    int days = 90;
    quint32 seed = 20260101;
    QString dir;
};

void print(const QString& line)
{
    std::fputs(qPrintable(line + u'\n'), stdout);
    std::fflush(stdout);
}

[[noreturn]] void die(const QString& why)
{
    std::fputs(qPrintable(u"keydeck_bench_usage: "_s + why + u'\n'), stderr);
    std::exit(1);
}

// With the event loop running: a server store answers through it.
template <typename T> T await(const QFuture<T>& future)
{
    try {
        return awaitInEventLoop(future);
    } catch (const std::exception& error) {
        die(QString::fromUtf8(error.what()));
    }
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

QString ms(double milliseconds)
{
    return milliseconds >= 1000 ? u"%1 s"_s.arg(milliseconds / 1000, 0, 'f', 2)
                                : u"%1 ms"_s.arg(milliseconds, 0, 'f', 2);
}

// Runs the sqlite3 tool (script on its standard input); returns its output, its wall time and
// the time its `.timer` reports, in ms.
struct Sqlite3Run
{
    QString output;
    double wallMs = 0;
    double queryMs = 0;
};

Sqlite3Run sqlite3(const QString& tool, const QStringList& arguments, const QByteArray& script = {})
{
    QProcess process;
    QElapsedTimer timer;
    timer.start();
    process.start(tool, arguments);
    process.write(script);
    process.closeWriteChannel();
    if (!process.waitForFinished(-1) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0) {
        die(u"sqlite3 %1 failed: %2"_s.arg(arguments.join(u' '),
                                           QString::fromUtf8(process.readAllStandardError())));
    }
    Sqlite3Run run;
    run.wallMs = double(timer.nsecsElapsed()) / 1e6;
    QStringList lines;
    for (const QString& line : QString::fromUtf8(process.readAllStandardOutput()).split(u'\n')) {
        if (line.startsWith(u"Run Time: real "_s))
            run.queryMs += line.mid(15).section(u' ', 0, 0).toDouble() * 1000;
        else if (!line.isEmpty())
            lines << line;
    }
    run.output = lines.join(u'\n');
    return run;
}

QString csvCell(const QString& text)
{
    return text.contains(u',') ? u'"' + text + u'"' : text;
}

// The generated log, in time order as a gateway writes it.
void writeEvents(const QString& path, const Options& options, qint64 startMs,
                 const QStringList& labels, const QStringList& models)
{
    QRandomGenerator random(options.seed);
    const PriceTable prices = PriceTable::defaults();
    QList<qint64> times(options.events);
    for (qint64& t : times)
        t = startMs + qint64(random.bounded(double(options.days * DayMs)));
    std::sort(times.begin(), times.end());

    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        die(u"cannot write %1: %2"_s.arg(path, file.errorString()));
    file.write(UsageCodec::csvHeaderLine());
    QByteArray chunk;
    for (qint64 i = 0; i < options.events; ++i) {
        const QString& model = models[random.bounded(models.size())];
        const int roll = random.bounded(100);
        const int status = roll < 95   ? 200
                           : roll < 97 ? 429
                           : roll < 98 ? 400
                           : roll < 99 ? 401
                                       : 500;
        const qint64 prompt = status == 200 ? random.bounded(4000) : 0;
        const qint64 completion = status == 200 ? random.bounded(1500) : 0;
        // Most gateways log a cost; a tenth of the lines leave it to the price table.
        const QString cost = random.bounded(10)
                                 ? UsdAmount::format(prices.costMicros(model, prompt, completion))
                                 : QString();
        const QStringList cells{
            UtcTime::toRfc3339(times[i]),
            csvCell(labels[random.bounded(labels.size())]),
            model,
            u"/v1/chat/completions"_s,
            QString::number(status),
            QString::number(prompt),
            QString::number(completion),
            cost,
            QString::number(50 + random.bounded(5000)),
            u"10.%1.%2.%3"_s.arg(random.bounded(256))
                .arg(random.bounded(256))
                .arg(random.bounded(256)),
            u"req_%1%2"_s.arg(random.generate64(), 16, 16, QChar(u'0')).arg(i, 8, 16, QChar(u'0'))};
        chunk += cells.join(u',').toUtf8() + '\n';
        if (chunk.size() > (1 << 20)) {
            file.write(chunk);
            chunk.clear();
        }
    }
    file.write(chunk);
    if (!file.flush())
        die(u"cannot write %1: %2"_s.arg(path, file.errorString()));
}

// sqlite3's rows "day|requests|errors|prompt|completion|cost|latency" from KeyDeck's points.
QString asRows(const QList<UsageSeries::Point>& points, qint64 fromMs)
{
    QStringList rows;
    for (const UsageSeries::Point& p : points) {
        if (p.totals.requests == 0)
            continue;
        const UsageTotals& t = p.totals;
        rows << u"%1|%2|%3|%4|%5|%6|%7"_s.arg((p.startMs - fromMs) / DayMs)
                    .arg(t.requests)
                    .arg(t.errors)
                    .arg(t.promptTokens)
                    .arg(t.completionTokens)
                    .arg(t.costMicros)
                    .arg(t.latencyMsSum);
    }
    return rows.join(u'\n');
}

QString asRows(const QList<UsageGroupRow>& groups)
{
    QStringList rows;
    for (const UsageGroupRow& g : groups)
        rows << u"%1|%2|%3"_s.arg(g.group).arg(g.totals.requests).arg(g.totals.costMicros);
    return rows.join(u'\n');
}

struct Comparison
{
    QString title;
    double keydeckMs = 0;
    double sqliteQueryMs = 0;
    double sqliteWallMs = 0;
    QString detail;
};

void report(const Comparison& c)
{
    print(c.title);
    print(u"    KeyDeck                    %1  %2"_s.arg(ms(c.keydeckMs), -12).arg(c.detail));
    print(u"    sqlite3 (query, .timer)    %1"_s.arg(ms(c.sqliteQueryMs)));
    print(u"    sqlite3 (process, wall)    %1"_s.arg(ms(c.sqliteWallMs)));
    print(u"    ratio KeyDeck / sqlite3    %1 (query)   %2 (process)"_s
              .arg(c.keydeckMs / c.sqliteQueryMs, 0, 'f', 4)
              .arg(c.keydeckMs / c.sqliteWallMs, 0, 'f', 4));
}
} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Usage import and chart reads against the sqlite3 tool."_s);
    parser.addHelpOption();
    const QCommandLineOption eventsOption(u"events"_s, u"Events (1000000)."_s, u"n"_s);
    const QCommandLineOption keysOption(u"keys"_s, u"Keys (1000)."_s, u"n"_s);
    const QCommandLineOption seedOption(u"seed"_s, u"Random seed (20260101)."_s, u"n"_s);
    const QCommandLineOption dirOption(u"dir"_s, u"Work folder (a temporary one)."_s, u"path"_s);
    const QCommandLineOption serverOption(
        u"server"_s, u"Also read the series from a keydeck-server serving the store (REST)."_s);
    parser.addOptions({eventsOption, keysOption, seedOption, dirOption, serverOption});
    parser.process(app);
    Options options;
    if (parser.isSet(eventsOption))
        options.events = parser.value(eventsOption).toLongLong();
    if (parser.isSet(keysOption))
        options.keys = parser.value(keysOption).toInt();
    if (parser.isSet(seedOption))
        options.seed = parser.value(seedOption).toUInt();
    if (options.events < 1 || options.keys < 5)
        die(u"need at least 1 event and 5 keys"_s);

    const QString tool = QStandardPaths::findExecutable(u"sqlite3"_s);
    if (tool.isEmpty())
        die(u"the sqlite3 command-line tool is not installed (apt install sqlite3)"_s);
    QTemporaryDir temporary;
    const QString dir = parser.isSet(dirOption) ? parser.value(dirOption) : temporary.path();
    if (!QDir().mkpath(dir))
        die(u"cannot use the folder %1"_s.arg(dir));
    const QString storePath = dir + u"/store.sqlite"_s;
    const QString csvPath = dir + u"/events.csv"_s;
    const QString plainPath = dir + u"/plain.sqlite"_s;
    const QString rawPath = dir + u"/raw.sqlite"_s;
    for (const QString& path :
         {storePath, storePath + u"-wal"_s, storePath + u"-shm"_s, plainPath, rawPath})
        QFile::remove(path);

    print(u"KeyDeck usage benchmark: %1 events over %2 days, %3 keys, %4 models (seed %5)"_s
              .arg(options.events)
              .arg(options.days)
              .arg(options.keys)
              .arg(options.models)
              .arg(options.seed));
    print(u"sqlite3: %1, work folder %2"_s.arg(
        sqlite3(tool, {u"--version"_s}).output.section(u' ', 0, 0), dir));

    SystemClock clock;
    SqliteStore store(storePath, clock, *QRandomGenerator::system());
    await(store.open());
    QStringList labels;
    QList<QFuture<CreatedKey>> creating;
    for (int i = 0; i < options.keys; ++i) {
        KeySpec spec;
        spec.label = u"bench-key-%1"_s.arg(i, 4, 10, QChar(u'0'));
        labels << spec.label;
        creating << store.keys().createKey(spec);
    }
    QHash<QString, QString> idOf;
    for (const QFuture<CreatedKey>& future : std::as_const(creating)) {
        const CreatedKey created = await(future);
        idOf.insert(created.record.spec.label, created.record.id);
    }
    QStringList models = PriceTable::defaults().prices().keys() + ExtraModels;
    models = models.mid(0, options.models);

    const qint64 endMs = (clock.nowUtcMs() / DayMs) * DayMs;
    const qint64 startMs = endMs - options.days * DayMs;
    QElapsedTimer timer;
    timer.start();
    writeEvents(csvPath, options, startMs, labels, models);
    print(u"generated %1 (%2 MiB) in %3"_s.arg(QDir::toNativeSeparators(csvPath))
              .arg(QFileInfo(csvPath).size() / (1024 * 1024))
              .arg(ms(double(timer.elapsed()))));

    // (a) Import.
    print({});
    print(u"(a) import of the CSV file"_s);
    timer.restart();
    const UsageImportReport imported =
        await(store.usage().importUsage(UsageSource::file(csvPath), {}));
    const double importMs = double(timer.nsecsElapsed()) / 1e6;
    if (imported.imported != options.events)
        die(u"imported %1 of %2 events"_s.arg(imported.imported).arg(options.events));
    const Sqlite3Run plain =
        sqlite3(tool, {plainPath, u".import --csv %1 plain_events"_s.arg(csvPath)});
    const QString plainCount =
        sqlite3(tool, {plainPath, u"SELECT count(*) FROM plain_events"_s}).output;
    if (plainCount.toLongLong() != options.events)
        die(u"sqlite3 imported %1 rows"_s.arg(plainCount));
    print(u"    KeyDeck importUsage         %1  (parse + validate + events, 3 indexes, 4 "
          "roll-up tables, keys' derived fields; read beside writing, stored in chunks, "
          "published in one transaction; WAL, synchronous=FULL)"_s.arg(ms(importMs), -10));
    print(u"    sqlite3 .import --csv       %1  (text rows into a plain table, no index)"_s.arg(
        ms(plain.wallMs), -10));
    print(u"    ratio KeyDeck / sqlite3     %1"_s.arg(importMs / plain.wallMs, 0, 'f', 2));
    print(u"    %1 events/s"_s.arg(qint64(double(options.events) / importMs * 1000)));

    // The raw events for sqlite3's GROUP BYs: a copy of the store's rows with its indexes.
    sqlite3(tool, {rawPath,
                   u"ATTACH '%1' AS s; CREATE TABLE events AS SELECT time_ms, key_id, model, "
                   "status, prompt_tokens, completion_tokens, cost_micros, latency_ms FROM "
                   "s.usage_events; CREATE INDEX events_by_time ON events (time_ms); CREATE INDEX "
                   "events_by_key_time ON events (key_id, time_ms);"_s.arg(storePath)});

    const qint64 fromMs = endMs - 30 * DayMs;
    const QTimeZone utc = QTimeZone::utc();
    // zone: one of a fixed offset, whose days the sqlite3 query can count from the first midnight.
    const auto seriesCase = [&](const QString& title, const QStringList& keyIds,
                                const QTimeZone& zone) {
        const qint64 shift = -qint64(zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(0))) * 1000;
        UsageQuery query;
        query.fromMs = fromMs + shift;
        query.toMs = endMs + shift;
        query.keyIds = keyIds;
        QString filter;
        if (!keyIds.isEmpty())
            filter = u" AND key_id IN ('%1')"_s.arg(keyIds.join(u"','"_s));
        const QString sql =
            u"SELECT (time_ms - %1) / %2 AS day, count(*), sum(status >= 400), sum(prompt_tokens), "
            "sum(completion_tokens), sum(cost_micros), sum(latency_ms) FROM events WHERE time_ms "
            ">= %1 AND time_ms < %3%4 GROUP BY day ORDER BY day"_s.arg(query.fromMs)
                .arg(DayMs)
                .arg(query.toMs)
                .arg(filter);
        QList<double> keydeck, query3, wall;
        QList<UsageSeries::Point> points;
        for (int run = 0; run < ReadRuns; ++run) {
            // What the Usage page asks for.
            timer.restart();
            points = await(store.usage().usageSeries(query, UsageSeries::BucketSize::Day, zone));
            keydeck << double(timer.nsecsElapsed()) / 1e6;
            const Sqlite3Run baseline =
                sqlite3(tool, {rawPath}, ".timer on\n" + sql.toUtf8() + ";\n");
            query3 << baseline.queryMs;
            wall << baseline.wallMs;
            if (run == 0 && baseline.output != asRows(points, query.fromMs))
                die(title + u": KeyDeck and sqlite3 disagree:\n"_s + asRows(points, query.fromMs) +
                    u"\n---\n"_s + baseline.output);
        }
        report({title, median(keydeck), median(query3), median(wall),
                u"(%1 days)"_s.arg(points.size())});
    };
    print({});
    seriesCase(
        u"(b) Usage page series: 30 days, day buckets, all keys (median of %1)"_s.arg(ReadRuns), {},
        utc);
    QRandomGenerator pick(options.seed + 1);
    QStringList fiveKeys;
    while (fiveKeys.size() < 5) {
        const QString id = idOf.value(labels[pick.bounded(labels.size())]);
        if (!fiveKeys.contains(id))
            fiveKeys << id;
    }
    print({});
    seriesCase(u"(c) the same series filtered to 5 keys (median of %1)"_s.arg(ReadRuns), fiveKeys,
               utc);
    // Days that are not UTC's fold 15-minute slots, not the per-day roll-up.
    print({});
    seriesCase(u"(c) the same 5 keys, days at +05:30 (median of %1)"_s.arg(ReadRuns), fiveKeys,
               QTimeZone(5 * 3600 + 1800));

    // (e) The Usage page's series from a keydeck-server serving this store, against the file.
    if (parser.isSet(serverOption)) {
        BenchServer served(storePath);
        for (const QStringList& keyIds : {QStringList(), fiveKeys}) {
            UsageQuery query;
            query.fromMs = fromMs;
            query.toMs = endMs;
            query.keyIds = keyIds;
            QList<double> overRest, onFile;
            for (int run = 0; run < ReadRuns; ++run) {
                for (auto [usage, times] : {std::pair{&served.store().usage(), &overRest},
                                            std::pair{&store.usage(), &onFile}}) {
                    timer.restart();
                    await(usage->usageSeries(query, UsageSeries::BucketSize::Day, utc));
                    *times << double(timer.nsecsElapsed()) / 1e6;
                }
            }
            print({});
            print(u"(e) the 30-day series over REST%1 (median of %2)"_s.arg(
                keyIds.isEmpty() ? QString() : u", 5 keys"_s, QString::number(ReadRuns)));
            print(u"    REST %1  local %2  ratio %3"_s.arg(ms(median(overRest)), ms(median(onFile)))
                      .arg(median(overRest) / median(onFile), 0, 'f', 2));
        }
    }

    for (const auto grouping : {UsageStore::Grouping::Key, UsageStore::Grouping::Model}) {
        const bool byKey = grouping == UsageStore::Grouping::Key;
        UsageQuery query;
        query.fromMs = fromMs;
        query.toMs = endMs;
        const QString column = byKey ? u"key_id"_s : u"model"_s;
        const QString sql =
            u"SELECT %1, count(*), sum(cost_micros) AS cost FROM events WHERE "
            "time_ms >= %2 AND time_ms < %3 GROUP BY %1 ORDER BY cost DESC, %1"_s.arg(column)
                .arg(fromMs)
                .arg(endMs);
        QList<double> keydeck, query3, wall;
        qsizetype rows = 0;
        for (int run = 0; run < ReadRuns; ++run) {
            timer.restart();
            const QList<UsageGroupRow> groups = await(store.usage().usageGroups(query, grouping));
            keydeck << double(timer.nsecsElapsed()) / 1e6;
            rows = groups.size();
            const Sqlite3Run baseline =
                sqlite3(tool, {rawPath}, ".timer on\n" + sql.toUtf8() + ";\n");
            query3 << baseline.queryMs;
            wall << baseline.wallMs;
            if (run == 0 && baseline.output != asRows(groups))
                die(u"groups by %1: KeyDeck and sqlite3 disagree"_s.arg(column));
        }
        print({});
        report({u"(d) 30 days of cost by %1 (median of %2)"_s.arg(byKey ? u"key"_s : u"model"_s)
                    .arg(ReadRuns),
                median(keydeck), median(query3), median(wall), u"(%1 groups)"_s.arg(rows)});
    }
    return 0;
}
