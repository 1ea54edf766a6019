#include "KeydeckctlRunner.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <limits>

using namespace Qt::StringLiterals;

namespace {
using Run = KeydeckctlRunner::Run;

constexpr qint64 HourMs = 3'600'000;
constexpr qint64 DayMs = 24 * HourMs;

// The test range: three local days in Asia/Kolkata (UTC+05:30 all year), so local midnights and
// hours fall on the half hour in UTC and a UTC bucket would show.
const QString FromText = u"2026-03-01T00:00:00+05:30"_s;
const QString ToText = u"2026-03-04T00:00:00+05:30"_s;
const qint64 FromMs = QDateTime::fromString(FromText, Qt::ISODate).toMSecsSinceEpoch();
const qint64 ToMs = QDateTime::fromString(ToText, Qt::ISODate).toMSecsSinceEpoch();
const QStringList Range = {u"--from"_s, FromText, u"--to"_s, ToText};

struct Key
{
    QString id;
    QString label;
};

// One line of a usage file, as the test writes it.
struct Event
{
    qint64 timeMs = 0;
    Key key;
    bool byLabel = true; // the file names the key by label, else by id
    QString model;
    int status = 200;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 costMicros = 0;
    bool costAsNumber = false; // JSON Lines: a number instead of a decimal string
    QString requestId;
};

// The exact decimal the CLI must print: at least two decimals, more only when needed.
QString usd(qint64 micros)
{
    QString text = u"%1.%2"_s.arg(micros / 1'000'000).arg(micros % 1'000'000, 6, 10, QChar(u'0'));
    while (text.endsWith(u'0') && text.indexOf(u'.') < text.size() - 3)
        text.chop(1);
    return text;
}

struct Sums
{
    qint64 requests = 0;
    qint64 errors = 0;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 costMicros = 0;

    void add(const Event& e)
    {
        ++requests;
        errors += e.status >= 400 ? 1 : 0;
        promptTokens += e.promptTokens;
        completionTokens += e.completionTokens;
        costMicros += e.costMicros;
    }
    QString text() const
    {
        return u"requests=%1 errors=%2 prompt_tokens=%3 completion_tokens=%4 cost_usd=%5"_s
            .arg(requests)
            .arg(errors)
            .arg(promptTokens)
            .arg(completionTokens)
            .arg(usd(costMicros));
    }
};

Sums sumOf(const QList<Event>& events)
{
    Sums sums;
    for (const Event& e : events)
        sums.add(e);
    return sums;
}

// The totals members of a summary or a row, in Sums::text() form; cost_usd must be a string.
QString totalsText(const QJsonObject& o)
{
    auto integer = [&](const char* name) {
        const QJsonValue v = o.value(QLatin1StringView(name));
        return v.isDouble() ? QString::number(v.toInteger()) : u"<%1>"_s.arg(v.type());
    };
    const QJsonValue cost = o.value(u"cost_usd"_s);
    return u"requests=%1 errors=%2 prompt_tokens=%3 completion_tokens=%4 cost_usd=%5"_s.arg(
        integer("requests"), integer("errors"), integer("prompt_tokens"),
        integer("completion_tokens"), cost.isString() ? cost.toString() : u"<not a string>"_s);
}

// "1,234,567"
QString grouped(qint64 n)
{
    QString digits = QString::number(n);
    for (qsizetype i = digits.size() - 3; i > 0; i -= 3)
        digits.insert(i, u',');
    return digits;
}

QString compact(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QString jsonLine(const Event& e)
{
    QString cost = u"\"%1\""_s.arg(usd(e.costMicros));
    if (e.costAsNumber)
        cost = usd(e.costMicros);
    return uR"({"time":"%1","key":"%2","model":"%3","endpoint":"/v1/chat/completions","status":%4,)"
           uR"("prompt_tokens":%5,"completion_tokens":%6,"cost_usd":%7,"latency_ms":120,)"
           uR"("ip":"10.0.0.7","request_id":"%8"})"_s.arg(
               QDateTime::fromMSecsSinceEpoch(e.timeMs, Qt::UTC).toString(Qt::ISODateWithMs),
               e.byLabel ? e.key.label : e.key.id, e.model, QString::number(e.status),
               QString::number(e.promptTokens), QString::number(e.completionTokens), cost,
               e.requestId) +
           u'\n';
}

// Columns in an order of their own, and a quoted cell, to prove the header is what counts.
const QString CsvHeader = u"request_id,time,key,model,status,prompt_tokens,completion_tokens,"
                          u"cost_usd,endpoint,latency_ms,ip\n"_s;

QString csvLine(const Event& e)
{
    // An offset other than Z: the importer must honour it.
    const QString time =
        QDateTime::fromMSecsSinceEpoch(e.timeMs, QTimeZone(-5 * 3600)).toString(Qt::ISODateWithMs);
    return u"%1,%2,%3,\"%4\",%5,%6,%7,%8,/v1/embeddings,80,\n"_s.arg(
        e.requestId, time, e.byLabel ? e.key.label : e.key.id, e.model, QString::number(e.status),
        QString::number(e.promptTokens), QString::number(e.completionTokens), usd(e.costMicros));
}

bool writeFile(const QString& path, const QString& text)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(text.toUtf8()) == text.toUtf8().size();
}

QString jsonLines(const QList<Event>& events)
{
    QString text;
    for (const Event& e : events)
        text += jsonLine(e);
    return text;
}

QString csv(const QList<Event>& events)
{
    QString text = CsvHeader;
    for (const Event& e : events)
        text += csvLine(e);
    return text;
}

QProcessEnvironment zone(const QString& tz)
{
    QProcessEnvironment env;
    env.insert(u"TZ"_s, tz);
    return env;
}
} // namespace

class TestKeydeckctlUsage final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_store;
    int m_storeCount = 0;
    Key m_alpha;
    Key m_beta;
    QRandomGenerator m_rng;

    Run run(const QStringList& arguments, const QProcessEnvironment& env = zone(u"UTC"_s)) const
    {
        return KeydeckctlRunner(m_dir.filePath(u"xdg-data"_s)).run(arguments, env);
    }

    Run ctl(const QStringList& arguments, const QProcessEnvironment& env = zone(u"UTC"_s)) const
    {
        return run(QStringList{u"--store"_s, m_store} + arguments, env);
    }

    Key createKey(const QString& label) const
    {
        const Run r =
            ctl({u"keys"_s, u"create"_s, u"--label"_s, label, u"--no-keychain"_s, u"--json"_s});
        if (r.exitCode != 0)
            qWarning().noquote() << "create failed:" << r.err;
        return {KeydeckctlRunner::jsonObject(r.out).value(u"id"_s).toString(), label};
    }

    QString file(const QString& name) const
    {
        return m_dir.filePath(u"store-%1-%2"_s.arg(m_storeCount).arg(name));
    }

    // count events at distinct times in [FromMs, ToMs), over both keys and three models.
    QList<Event> events(int count, const QString& idPrefix)
    {
        static const QStringList models = {u"acme-small"_s, u"acme-large"_s, u"acme-embed"_s};
        static const QList<int> statuses = {200, 200, 200, 200, 201, 400, 401, 429, 500};
        QList<Event> list;
        QSet<qint64> times;
        for (int i = 0; i < count; ++i) {
            Event e;
            do {
                e.timeMs = FromMs + qint64(m_rng.bounded(quint64(ToMs - FromMs)));
            } while (times.contains(e.timeMs));
            times.insert(e.timeMs);
            e.key = i % 3 == 0 ? m_beta : m_alpha;
            e.byLabel = i % 2 == 0;
            e.model = models.at(int(m_rng.bounded(quint32(models.size()))));
            e.status = statuses.at(int(m_rng.bounded(quint32(statuses.size()))));
            e.promptTokens = m_rng.bounded(0, 50'000);
            e.completionTokens = m_rng.bounded(0, 20'000);
            e.costMicros = m_rng.bounded(0, 300'000) * 10;
            e.costAsNumber = i % 7 == 0;
            e.requestId = u"%1-%2"_s.arg(idPrefix).arg(i);
            list << e;
        }
        return list;
    }

    QJsonObject summaryJson(const QStringList& extra = {},
                            const QProcessEnvironment& env = zone(u"UTC"_s)) const
    {
        const Run r = ctl(QStringList{u"usage"_s, u"summary"_s, u"--json"_s} + Range + extra, env);
        if (r.exitCode != 0)
            qWarning().noquote() << "summary failed:" << r.err;
        return KeydeckctlRunner::jsonObject(r.out);
    }

    Run import(const QString& path, const QStringList& extra = {}) const
    {
        return ctl(QStringList{u"usage"_s, u"import"_s, path} + extra);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFileInfo(KeydeckctlRunner::program()).isExecutable(),
                 qPrintable(KeydeckctlRunner::program()));
        QVERIFY(QTimeZone(QByteArrayLiteral("Asia/Kolkata")).isValid());
        QVERIFY(QTimeZone(QByteArrayLiteral("America/New_York")).isValid());
        m_rng.seed(20260301);
    }

    void init()
    {
        m_store = m_dir.filePath(u"store-%1/keys.sqlite"_s.arg(++m_storeCount));
        m_alpha = createKey(u"alpha"_s);
        m_beta = createKey(u"beta"_s);
        QVERIFY(!m_alpha.id.isEmpty() && !m_beta.id.isEmpty());
    }

    void jsonLinesImportAddsUpToTheLines()
    {
        const QList<Event> list = events(300, u"jl"_s);
        // Just outside the range on both sides: [from, to) leaves them out.
        Event before = list.first();
        before.timeMs = FromMs - 1;
        before.requestId = u"before"_s;
        Event atEnd = list.first();
        atEnd.timeMs = ToMs;
        atEnd.requestId = u"at-end"_s;
        const QString path = file(u"usage.jsonl"_s);
        QVERIFY(writeFile(path, jsonLines(list) + jsonLine(before) + jsonLine(atEnd)));

        const Run r = import(path);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
        QCOMPARE(r.out,
                 u"Imported 302 events (0 duplicates skipped, 0 bad lines skipped) from %1\n"_s.arg(
                     path));

        const QJsonObject summary = summaryJson();
        QCOMPARE(totalsText(summary), sumOf(list).text());
        QCOMPARE(summary.value(u"from"_s).toString(), u"2026-02-28T18:30:00Z"_s);
        QCOMPARE(summary.value(u"to"_s).toString(), u"2026-03-03T18:30:00Z"_s);

        // Named by label or by id in the file, an event belongs to its key.
        for (const Key& key : {m_alpha, m_beta}) {
            QList<Event> own;
            for (const Event& e : list) {
                if (e.key.id == key.id)
                    own << e;
            }
            QCOMPARE(totalsText(summaryJson({u"--key"_s, key.label})), sumOf(own).text());
            QCOMPARE(totalsText(summaryJson({u"--key"_s, key.id})), sumOf(own).text());
        }
    }

    void csvImportAddsUpToTheLines()
    {
        const QList<Event> list = events(200, u"csv"_s);
        const QString path = file(u"usage.csv"_s);
        QVERIFY(writeFile(path, csv(list)));

        const Run r = import(path, {u"--json"_s});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject report = KeydeckctlRunner::jsonObject(r.out);
        QCOMPARE(report.value(u"lines_read"_s).toInteger(), 200);
        QCOMPARE(report.value(u"imported"_s).toInteger(), 200);
        QCOMPARE(report.value(u"duplicates"_s).toInteger(), 0);
        QCOMPARE(report.value(u"skipped"_s).toInteger(), 0);
        QCOMPARE(report.value(u"errors"_s).toArray().size(), 0);
        QCOMPARE(totalsText(summaryJson()), sumOf(list).text());

        // A CSV file without the .csv name needs --format.
        const QString renamed = file(u"usage.txt"_s);
        QVERIFY(QFile::copy(path, renamed));
        QCOMPARE(import(renamed).exitCode, 2);
        const Run asCsv = import(renamed, {u"--format"_s, u"csv"_s});
        QCOMPARE(asCsv.exitCode, 0);
        QVERIFY2(asCsv.out.startsWith(u"Imported 0 events (200 duplicates skipped"_s),
                 qPrintable(asCsv.out));
    }

    void humanSummaryIsAnAlignedBlock()
    {
        QList<Event> list = events(40, u"human"_s);
        list.first().costMicros = 7; // the others are multiples of 10: the sum needs six decimals
        const QString path = file(u"usage.jsonl"_s);
        QVERIFY(writeFile(path, jsonLines(list)));
        QCOMPARE(import(path).exitCode, 0);
        const Sums sums = sumOf(list);

        const Run r = ctl(QStringList{u"usage"_s, u"summary"_s} + Range, zone(u"Asia/Kolkata"_s));
        QCOMPARE(r.exitCode, 0);
        // Every value starts in the same column, times in the local zone, money exact.
        const QList<std::pair<QString, QString>> expected = {
            {u"Range:"_s, u"2026-03-01 00:00 to 2026-03-04 00:00 (local time)"_s},
            {u"Keys:"_s, u"all keys"_s},
            {u"Requests:"_s, grouped(sums.requests)},
            {u"Prompt tokens:"_s, grouped(sums.promptTokens)},
            {u"Completion tokens:"_s, grouped(sums.completionTokens)},
            {u"Cost:"_s, u"$"_s + usd(sums.costMicros)},
        };
        const QStringList lines = r.out.split(u'\n', Qt::SkipEmptyParts);
        for (const auto& [name, value] : expected)
            QVERIFY2(lines.contains(name.leftJustified(19) + value), qPrintable(r.out));
        QVERIFY(usd(sums.costMicros).endsWith(u'7'));
        QVERIFY(sums.promptTokens >= 1000);
    }

    void summaryByKeyAndModelGivesOneRowPerGroup()
    {
        const QList<Event> list = events(240, u"group"_s);
        const QString path = file(u"usage.jsonl"_s);
        QVERIFY(writeFile(path, jsonLines(list)));
        QCOMPARE(import(path).exitCode, 0);
        createKey(u"idle"_s);

        const QJsonObject byKey = summaryJson({u"--by"_s, u"key"_s});
        QCOMPARE(totalsText(byKey), sumOf(list).text());
        const QJsonArray keyRows = byKey.value(u"rows"_s).toArray();
        QCOMPARE(keyRows.size(), 2); // a key without usage has no row
        for (const QJsonValue& row : keyRows) {
            const QString id = row[u"group"_s].toString();
            QList<Event> own;
            for (const Event& e : list) {
                if (e.key.id == id)
                    own << e;
            }
            QVERIFY2(!own.isEmpty(), qPrintable(id));
            QCOMPARE(row[u"label"_s].toString(), own.first().key.label);
            QCOMPARE(totalsText(row.toObject()), sumOf(own).text());
        }

        const QJsonObject byModel = summaryJson({u"--by"_s, u"model"_s});
        QCOMPARE(totalsText(byModel), sumOf(list).text());
        const QJsonArray modelRows = byModel.value(u"rows"_s).toArray();
        QCOMPARE(modelRows.size(), 3);
        qint64 previousCost = std::numeric_limits<qint64>::max();
        for (const QJsonValue& row : modelRows) {
            QList<Event> own;
            for (const Event& e : list) {
                if (e.model == row[u"group"_s].toString())
                    own << e;
            }
            QCOMPARE(totalsText(row.toObject()), sumOf(own).text());
            // Highest cost first.
            QVERIFY(sumOf(own).costMicros <= previousCost);
            previousCost = sumOf(own).costMicros;
        }

        // The human table: a row per key, numbers right-aligned, a TOTAL line.
        const Run table = ctl(QStringList{u"usage"_s, u"summary"_s, u"--by"_s, u"key"_s} + Range);
        QCOMPARE(table.exitCode, 0);
        QStringList lines = table.out.split(u'\n', Qt::SkipEmptyParts);
        const qsizetype header = lines.indexOf(QRegularExpression(u"KEY +ID +REQUESTS .*"_s));
        QVERIFY2(header >= 0, qPrintable(table.out));
        lines = lines.mid(header);
        QCOMPARE(lines.size(), 4);
        QVERIFY(lines.at(3).startsWith(u"TOTAL "_s));
        const qsizetype requestsEnd = lines.first().indexOf(u"REQUESTS"_s) + 8;
        const QString total = QString::number(sumOf(list).requests);
        QCOMPARE(lines.at(3).mid(requestsEnd - total.size(), total.size()), total);
        QVERIFY(lines.at(3).endsWith(u"$"_s + usd(sumOf(list).costMicros)));
    }

    void summaryByDayAndHourUsesTheLocalZone()
    {
        const QList<Event> list = events(500, u"time"_s);
        const QString path = file(u"usage.jsonl"_s);
        QVERIFY(writeFile(path, jsonLines(list)));
        QCOMPARE(import(path).exitCode, 0);
        const QProcessEnvironment kolkata = zone(u"Asia/Kolkata"_s);

        const QJsonObject byDay = summaryJson({u"--by"_s, u"day"_s}, kolkata);
        QCOMPARE(totalsText(byDay), sumOf(list).text());
        const QJsonArray days = byDay.value(u"rows"_s).toArray();
        QCOMPARE(days.size(), 3);
        for (int d = 0; d < 3; ++d) {
            QList<Event> own;
            for (const Event& e : list) {
                if ((e.timeMs - FromMs) / DayMs == d)
                    own << e;
            }
            QCOMPARE(days.at(d)[u"group"_s].toString(), u"2026-03-0%1T00:00:00+05:30"_s.arg(d + 1));
            QCOMPARE(totalsText(days.at(d).toObject()), sumOf(own).text());
        }

        const QJsonObject byHour = summaryJson({u"--by"_s, u"hour"_s}, kolkata);
        QCOMPARE(totalsText(byHour), sumOf(list).text());
        const QJsonArray hours = byHour.value(u"rows"_s).toArray();
        QCOMPARE(hours.size(), 72); // empty hours included
        for (int h = 0; h < 72; ++h) {
            QList<Event> own;
            for (const Event& e : list) {
                if ((e.timeMs - FromMs) / HourMs == h)
                    own << e;
            }
            QCOMPARE(QDateTime::fromString(hours.at(h)[u"group"_s].toString(), Qt::ISODate)
                         .toMSecsSinceEpoch(),
                     FromMs + h * HourMs);
            QCOMPARE(totalsText(hours.at(h).toObject()), sumOf(own).text());
        }

        // In UTC the same range starts mid-day: four day rows, the first one partly outside.
        const QJsonArray utcDays = summaryJson({u"--by"_s, u"day"_s}).value(u"rows"_s).toArray();
        QCOMPARE(utcDays.size(), 4);
        QCOMPARE(utcDays.first()[u"group"_s].toString(), u"2026-02-28T00:00:00+00:00"_s);

        const Run table =
            ctl(QStringList{u"usage"_s, u"summary"_s, u"--by"_s, u"day"_s} + Range, kolkata);
        QCOMPARE(table.exitCode, 0);
        QVERIFY2(table.out.contains(QRegularExpression(u"\n2026-03-01 +[0-9]"_s)),
                 qPrintable(table.out));
        QVERIFY2(table.out.contains(QRegularExpression(u"\nTOTAL +[0-9]"_s)),
                 qPrintable(table.out));
    }

    void reimportDoesNotDoubleCount()
    {
        QList<Event> list = events(120, u"dup"_s);
        const QString path = file(u"usage.jsonl"_s);
        // The same request_id twice in one file counts once too.
        QVERIFY(writeFile(path, jsonLines(list) + jsonLine(list.at(5))));
        const Run first = import(path);
        QCOMPARE(first.exitCode, 0);
        QCOMPARE(first.out, u"Imported 120 events (1 duplicates skipped, 0 bad lines skipped) "
                            u"from %1\n"_s.arg(path));
        const QString before = totalsText(summaryJson());
        QCOMPARE(before, sumOf(list).text());

        const Run again = import(path, {u"--json"_s});
        QCOMPARE(again.exitCode, 0);
        const QJsonObject report = KeydeckctlRunner::jsonObject(again.out);
        QCOMPARE(report.value(u"imported"_s).toInteger(), 0);
        QCOMPARE(report.value(u"duplicates"_s).toInteger(), 121);
        QCOMPARE(totalsText(summaryJson()), before);
    }

    void badLineFailsTheWholeImport_data()
    {
        QTest::addColumn<QString>("badLine");
        QTest::addColumn<QString>("field");
        const QString good = jsonLine(Event{FromMs + 1000,
                                            {u"x"_s, u"alpha"_s},
                                            true,
                                            u"acme-small"_s,
                                            200,
                                            1,
                                            1,
                                            1,
                                            false,
                                            u"bad"_s})
                                 .trimmed();
        auto row = [&](const char* name, const QString& from, const QString& to,
                       const QString& field) {
            QVERIFY2(good.count(from) == 1, name);
            QTest::newRow(name) << QString(good).replace(from, to) << field;
        };
        row("negative cost", u"\"cost_usd\":\"0.000001\""_s, u"\"cost_usd\":\"-1.00\""_s,
            u"cost_usd"_s);
        row("seven decimals", u"\"cost_usd\":\"0.000001\""_s, u"\"cost_usd\":\"0.0000001\""_s,
            u"cost_usd"_s);
        row("zone-less time", u"Z\""_s, u"\""_s, u"time"_s);
        row("unknown key", u"\"key\":\"alpha\""_s, u"\"key\":\"nobody\""_s, u"key"_s);
        row("status", u"\"status\":200"_s, u"\"status\":999"_s, u"status"_s);
        row("tokens", u"\"prompt_tokens\":1"_s, u"\"prompt_tokens\":-1"_s, u"prompt_tokens"_s);
        row("not json", u"{"_s, u"["_s, u"line"_s);
    }

    // keydeckctl killed in the middle of an import: nothing of the file shows, and importing
    // it again at once stores all of it (the killed import's hidden events are not taken for
    // duplicates of it, nor left to vanish later).
    void aKilledImportLeavesNothingAndCanBeRepeated()
    {
        constexpr int Lines = 300'000;
        const QString path = file(u"big.jsonl"_s);
        {
            QFile out(path);
            QVERIFY(out.open(QIODevice::WriteOnly));
            for (int i = 0; i < Lines; ++i) {
                const qint64 t = FromMs + qint64(i) * ((ToMs - FromMs) / Lines);
                out.write(u"{\"time\":\"%1\",\"key\":\"alpha\",\"model\":\"acme-small\","
                          "\"status\":200,\"cost_usd\":\"0.000010\",\"request_id\":\"big-%2\"}\n"_s
                              .arg(QDateTime::fromMSecsSinceEpoch(t, QTimeZone::utc())
                                       .toString(Qt::ISODateWithMs))
                              .arg(i)
                              .toUtf8());
            }
        }
        QProcess importing;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"XDG_DATA_HOME"_s, m_dir.filePath(u"xdg-data"_s));
        env.insert(u"TZ"_s, u"UTC"_s);
        importing.setProcessEnvironment(env);
        importing.start(KeydeckctlRunner::program(),
                        {u"--store"_s, m_store, u"usage"_s, u"import"_s, path});
        QVERIFY(importing.waitForStarted(10000));
        // Kill it once it has stored some hidden chunks, before it publishes.
        const auto hiddenEvents = [this] {
            const QString name = u"peek-%1"_s.arg(m_storeCount);
            qint64 count = -1;
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
                db.setDatabaseName(m_store);
                db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
                QSqlQuery query(db);
                if (db.open() && query.exec(u"SELECT count(*) FROM usage_events"_s) && query.next())
                    count = query.value(0).toLongLong();
            }
            QSqlDatabase::removeDatabase(name);
            return count;
        };
        QTRY_VERIFY_WITH_TIMEOUT(hiddenEvents() > 0 || importing.state() != QProcess::Running,
                                 60000);
        QVERIFY2(importing.state() == QProcess::Running, "the import ended before the kill");
        importing.kill();
        QVERIFY(importing.waitForFinished(10000));
        qInfo("killed with %lld events stored but not published", hiddenEvents());

        QCOMPARE(summaryJson().value(u"requests"_s).toInteger(), 0);
        const Run again = import(path);
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(again.out.startsWith(u"Imported 300,000 events (0 duplicates skipped"_s),
                 qPrintable(again.out));
        QCOMPARE(summaryJson().value(u"requests"_s).toInteger(), Lines);
    }

    void badLineFailsTheWholeImport()
    {
        QFETCH(QString, badLine);
        QFETCH(QString, field);

        const QList<Event> earlier = events(30, u"earlier"_s);
        const QString earlierPath = file(u"earlier.jsonl"_s);
        QVERIFY(writeFile(earlierPath, jsonLines(earlier)));
        QCOMPARE(import(earlierPath).exitCode, 0);
        const QString before = totalsText(summaryJson());
        const QString logsBefore =
            ctl(QStringList{u"usage"_s, u"logs"_s, u"--format"_s, u"jsonl"_s} + Range).out;

        // Line 57 is bad; 99 good lines around it.
        const QList<Event> list = events(99, u"batch"_s);
        QString text = jsonLines(list.mid(0, 56)) + badLine + u'\n' + jsonLines(list.mid(56));
        const QString path = file(u"bad.jsonl"_s);
        QVERIFY(writeFile(path, text));

        const Run r = import(path);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.out.isEmpty(), qPrintable(r.out));
        QVERIFY2(r.err.startsWith(u"keydeckctl: line 57: %1: "_s.arg(field)), qPrintable(r.err));
        QVERIFY2(r.err.contains(u"nothing was imported"_s), qPrintable(r.err));
        QCOMPARE(totalsText(summaryJson()), before);
        QCOMPARE(ctl(QStringList{u"usage"_s, u"logs"_s, u"--format"_s, u"jsonl"_s} + Range).out,
                 logsBefore);

        // Explicitly asked, the good lines go in and the bad one is reported.
        const Run skipped = import(path, {u"--skip-bad-lines"_s});
        QCOMPARE(skipped.exitCode, 0);
        QCOMPARE(skipped.out, u"Imported 99 events (0 duplicates skipped, 1 bad lines skipped) "
                              u"from %1\n"_s.arg(path));
        QVERIFY2(skipped.err.startsWith(u"keydeckctl: line 57: %1: "_s.arg(field)),
                 qPrintable(skipped.err));
        QCOMPARE(totalsText(summaryJson()), sumOf(earlier + list).text());
    }

    void skippedLinesAreListedInTheJsonReport()
    {
        const QList<Event> list = events(10, u"skip"_s);
        QString text = jsonLines(list);
        text.replace(u"\"key\":\"alpha\""_s, u"\"key\":\"ghost\""_s);
        const qsizetype bad = text.count(u"\"ghost\""_s);
        QVERIFY(bad > 0);
        const QString path = file(u"skip.jsonl"_s);
        QVERIFY(writeFile(path, text + u"\nnot json\n"_s));

        const Run r = import(path, {u"--skip-bad-lines"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject report = KeydeckctlRunner::jsonObject(r.out);
        QCOMPARE(report.value(u"lines_read"_s).toInteger(), 11);
        QCOMPARE(report.value(u"imported"_s).toInteger(), 10 - bad);
        QCOMPARE(report.value(u"skipped"_s).toInteger(), bad + 1);
        const QJsonArray errors = report.value(u"errors"_s).toArray();
        QCOMPARE(errors.size(), bad + 1);
        QCOMPARE(errors.first()[u"field"_s].toString(), u"key"_s);
        QVERIFY(errors.first()[u"message"_s].toString().contains(u"ghost"_s));
        QCOMPARE(errors.last()[u"line"_s].toInteger(), 12); // the blank line 11 is not an event
        QCOMPARE(errors.last()[u"field"_s].toString(), u"line"_s);
    }

    void badFlagsAreRefusedByName_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("flag");
        QTest::addColumn<int>("exitCode");
        const QStringList summary = {u"usage"_s, u"summary"_s};
        const QStringList logs = {u"usage"_s, u"logs"_s};
        auto row = [](const char* name, const QStringList& arguments, const QString& flag,
                      int code = 2) {
            QTest::newRow(name) << arguments << flag << code;
        };
        row("zone-less from", summary + QStringList{u"--from"_s, u"2026-03-01T00:00:00"_s},
            u"--from"_s);
        row("bare date to", summary + QStringList{u"--to"_s, u"2026-03-04"_s}, u"--to"_s);
        row("words", logs + QStringList{u"--from"_s, u"yesterday"_s}, u"--from"_s);
        row("from after to", summary + QStringList{u"--from"_s, ToText, u"--to"_s, FromText},
            u"--from"_s);
        row("from in the future", summary + QStringList{u"--from"_s, u"2999-01-01T00:00:00Z"_s},
            u"--from"_s);
        row("by week", summary + QStringList{u"--by"_s, u"week"_s}, u"--by"_s);
        row("hours of years",
            summary + QStringList{u"--by"_s, u"hour"_s, u"--from"_s, u"2020-01-01T00:00:00Z"_s},
            u"--by"_s);
        row("by on logs", logs + QStringList{u"--by"_s, u"day"_s}, u"--by"_s);
        row("limit zero", logs + QStringList{u"--limit"_s, u"0"_s}, u"--limit"_s);
        row("limit too big", logs + QStringList{u"--limit"_s, u"10001"_s}, u"--limit"_s);
        row("limit word", logs + QStringList{u"--limit"_s, u"all"_s}, u"--limit"_s);
        row("json and format", logs + QStringList{u"--json"_s, u"--format"_s, u"csv"_s},
            u"--format"_s);
        row("format xml", logs + QStringList{u"--format"_s, u"xml"_s}, u"--format"_s);
        row("empty key", summary + QStringList{u"--key="_s}, u"--key"_s);
        row("unknown key", summary + QStringList{u"--key"_s, u"nobody"_s}, u"--key"_s, 3);
        row("unknown key on logs", logs + QStringList{u"--key"_s, u"nobody"_s}, u"--key"_s, 3);
        row("import without file", QStringList{u"usage"_s, u"import"_s}, u"usage import"_s);
        row("import missing file", QStringList{u"usage"_s, u"import"_s, u"/nonexistent.jsonl"_s},
            u"/nonexistent.jsonl"_s);
        row("import format",
            QStringList{u"usage"_s, u"import"_s, u"x.csv"_s, u"--format"_s, u"xls"_s},
            u"--format"_s);
        row("skip on summary", summary + QStringList{u"--skip-bad-lines"_s}, u"--skip-bad-lines"_s);
        row("usage alone", QStringList{u"usage"_s}, u"usage"_s);
        row("usage unknown", QStringList{u"usage"_s, u"export"_s}, u"usage export"_s);
    }

    void badFlagsAreRefusedByName()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, flag);
        QFETCH(int, exitCode);

        const Run r = ctl(arguments);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.startsWith(u"keydeckctl: "_s + flag + u": "_s), qPrintable(r.err));
        QVERIFY2(r.out.isEmpty(), qPrintable(r.out));
    }

    void logsShowTheNewestFirst()
    {
        const QList<Event> list = events(80, u"log"_s);
        const QString path = file(u"usage.jsonl"_s);
        QVERIFY(writeFile(path, jsonLines(list)));
        QCOMPARE(import(path).exitCode, 0);
        QList<Event> newest = list;
        std::sort(newest.begin(), newest.end(),
                  [](const Event& a, const Event& b) { return a.timeMs > b.timeMs; });

        const Run limited =
            ctl(QStringList{u"usage"_s, u"logs"_s, u"--json"_s, u"--limit"_s, u"10"_s} + Range);
        QCOMPARE(limited.exitCode, 0);
        const QJsonArray rows = KeydeckctlRunner::jsonArray(limited.out);
        QCOMPARE(rows.size(), 10);
        for (int i = 0; i < 10; ++i) {
            const Event& e = newest.at(i);
            const QJsonObject o = rows.at(i).toObject();
            QCOMPARE(QDateTime::fromString(o.value(u"time"_s).toString(), Qt::ISODateWithMs)
                         .toMSecsSinceEpoch(),
                     e.timeMs);
            QCOMPARE(o.value(u"key"_s).toString(), e.key.label); // labels, even when given by id
            QCOMPARE(o.value(u"model"_s).toString(), e.model);
            QCOMPARE(o.value(u"status"_s).toInt(), e.status);
            QCOMPARE(o.value(u"prompt_tokens"_s).toInteger(), e.promptTokens);
            QCOMPARE(o.value(u"cost_usd"_s).toString(), usd(e.costMicros));
            QCOMPARE(o.value(u"request_id"_s).toString(), e.requestId);
            QCOMPARE(o.value(u"ip"_s).toString(), u"10.0.0.7"_s);
        }

        const Run byDefault = ctl(QStringList{u"usage"_s, u"logs"_s, u"--json"_s} + Range);
        QCOMPARE(KeydeckctlRunner::jsonArray(byDefault.out).size(), 50);

        const Run beta = ctl(QStringList{u"usage"_s, u"logs"_s, u"--json"_s, u"--key"_s, m_beta.id,
                                         u"--limit"_s, u"10000"_s} +
                             Range);
        const QJsonArray betaRows = KeydeckctlRunner::jsonArray(beta.out);
        QCOMPARE(betaRows.size(), std::count_if(list.cbegin(), list.cend(), [&](const Event& e) {
                     return e.key.id == m_beta.id;
                 }));
        for (const QJsonValue& row : betaRows)
            QCOMPARE(row[u"key"_s].toString(), u"beta"_s);

        // The table shows local time (here New York's) and every column.
        const QTimeZone newYork(QByteArrayLiteral("America/New_York"));
        const Run table = ctl(QStringList{u"usage"_s, u"logs"_s, u"--limit"_s, u"5"_s} + Range,
                              zone(u"America/New_York"_s));
        QCOMPARE(table.exitCode, 0);
        const QStringList lines = table.out.split(u'\n', Qt::SkipEmptyParts);
        for (const QString& column :
             {u"TIME"_s, u"KEY"_s, u"MODEL"_s, u"ENDPOINT"_s, u"STATUS"_s, u"TOKENS"_s, u"COST"_s,
              u"LATENCY"_s, u"IP"_s, u"REQUEST_ID"_s})
            QVERIFY2(lines.first().contains(column), qPrintable(column));
        for (int i = 0; i < 5; ++i) {
            const Event& e = newest.at(i);
            const QString local = QDateTime::fromMSecsSinceEpoch(e.timeMs, newYork)
                                      .toString(u"yyyy-MM-dd HH:mm:ss"_s);
            QVERIFY2(lines.at(i + 1).startsWith(local + u"  "_s + e.key.label),
                     qPrintable(lines.at(i + 1)));
            QVERIFY2(lines.at(i + 1).endsWith(e.requestId), qPrintable(lines.at(i + 1)));
            QVERIFY2(lines.at(i + 1).contains(u"$"_s + usd(e.costMicros)),
                     qPrintable(lines.at(i + 1)));
        }
    }

    void exportedLogsReimportToTheSameTotals_data()
    {
        QTest::addColumn<QString>("format");
        QTest::newRow("jsonl") << u"jsonl"_s;
        QTest::newRow("csv") << u"csv"_s;
    }

    void exportedLogsReimportToTheSameTotals()
    {
        QFETCH(QString, format);
        // More events than one page of the export, some without an IP (the CSV ones), and some
        // without a cost or a request_id (priced by the store, never de-duplicated).
        const QList<Event> list = events(6000, u"trip"_s);
        const QString jsonPath = file(u"usage.jsonl"_s);
        QVERIFY(writeFile(jsonPath, jsonLines(list.mid(0, 4000))));
        QCOMPARE(import(jsonPath).exitCode, 0);
        const QString csvPath = file(u"usage.csv"_s);
        QVERIFY(writeFile(csvPath, csv(list.mid(4000))));
        QCOMPARE(import(csvPath).exitCode, 0);
        QString bare;
        for (int i = 0; i < 3; ++i) {
            bare += uR"({"time":"%1","key":"beta","model":"gpt-4o","prompt_tokens":%2,)"
                    uR"("completion_tokens":900})"_s
                        .arg(QDateTime::fromMSecsSinceEpoch(FromMs + i * HourMs + 1, Qt::UTC)
                                 .toString(Qt::ISODateWithMs))
                        .arg(1000 * (i + 1)) +
                    u'\n';
        }
        const QString barePath = file(u"bare.jsonl"_s);
        QVERIFY(writeFile(barePath, bare));
        QCOMPARE(import(barePath).exitCode, 0);
        const QStringList summaries[] = {{}, {u"--by"_s, u"model"_s}, {u"--by"_s, u"day"_s}};

        const Run exported = ctl(QStringList{u"usage"_s, u"logs"_s, u"--format"_s, format} + Range);
        QCOMPARE(exported.exitCode, 0);
        QCOMPARE(exported.out.count(u'\n'), 6003 + (format == u"csv" ? 1 : 0));
        const QString exportPath = file(u"export."_s + format);
        QVERIFY(writeFile(exportPath, exported.out));

        // Another store with keys of the same labels (and other ids).
        const QString firstStore = m_store;
        QList<QJsonObject> expected;
        for (const QStringList& by : summaries)
            expected << summaryJson(by);
        QJsonObject expectedByKey = summaryJson({u"--by"_s, u"key"_s});
        m_store = m_dir.filePath(u"store-%1/copy.sqlite"_s.arg(m_storeCount));
        const Key alpha = createKey(u"alpha"_s);
        const Key beta = createKey(u"beta"_s);
        QVERIFY(alpha.id != m_alpha.id);

        const Run imported = import(exportPath);
        QCOMPARE(imported.exitCode, 0);
        QVERIFY2(imported.out.startsWith(u"Imported 6,003 events (0 duplicates"_s),
                 qPrintable(imported.out));
        for (qsizetype i = 0; i < expected.size(); ++i)
            QCOMPARE(compact(summaryJson(summaries[i])), compact(expected.at(i)));
        QCOMPARE(expected.first().value(u"requests"_s).toInteger(), 6003);

        // By key: the same labels and totals, under the new ids.
        QJsonArray rows = expectedByKey.value(u"rows"_s).toArray();
        for (qsizetype i = 0; i < rows.size(); ++i) {
            QJsonObject row = rows.at(i).toObject();
            row[u"group"_s] = row.value(u"label"_s) == u"alpha"_s ? alpha.id : beta.id;
            rows[i] = row;
        }
        expectedByKey[u"rows"_s] = rows;
        QCOMPARE(compact(summaryJson({u"--by"_s, u"key"_s})), compact(expectedByKey));

        // The copy exports the same file again, byte for byte.
        QCOMPARE(ctl(QStringList{u"usage"_s, u"logs"_s, u"--format"_s, format} + Range).out,
                 exported.out);
        m_store = firstStore;
    }

    void defaultRangeIsTheLast30Days()
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QList<Event> list = events(4, u"recent"_s);
        const qint64 ages[] = {HourMs, 29 * DayMs, 31 * DayMs, -HourMs};
        for (int i = 0; i < 4; ++i)
            list[i].timeMs = now - ages[i];
        const QString path = file(u"recent.jsonl"_s);
        QVERIFY(writeFile(path, jsonLines(list)));
        QCOMPARE(import(path).exitCode, 0);

        const Run r = ctl({u"usage"_s, u"summary"_s, u"--json"_s});
        const qint64 after = QDateTime::currentMSecsSinceEpoch();
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = KeydeckctlRunner::jsonObject(r.out);
        QCOMPARE(totalsText(o), sumOf(list.mid(0, 2)).text());
        const qint64 to = QDateTime::fromString(o.value(u"to"_s).toString(), Qt::ISODateWithMs)
                              .toMSecsSinceEpoch();
        const qint64 from = QDateTime::fromString(o.value(u"from"_s).toString(), Qt::ISODateWithMs)
                                .toMSecsSinceEpoch();
        QVERIFY(to >= now && to <= after + 15 * 60'000);
        QCOMPARE(to - from, 30 * DayMs);

        const Run logs = ctl({u"usage"_s, u"logs"_s, u"--json"_s});
        QCOMPARE(KeydeckctlRunner::jsonArray(logs.out).size(), 2);
    }

    void rangeInsideASlotIsWidenedToItsEdges()
    {
        constexpr qint64 Minute = 60'000;
        QList<Event> list = events(5, u"edge"_s);
        const qint64 times[] = {FromMs - 1, FromMs + 3 * Minute, FromMs + 20 * Minute,
                                FromMs + 29 * Minute, FromMs + 30 * Minute};
        for (int i = 0; i < 5; ++i)
            list[i].timeMs = times[i];
        const QString path = file(u"edge.jsonl"_s);
        QVERIFY(writeFile(path, jsonLines(list)));
        QCOMPARE(import(path).exitCode, 0);
        auto utc = [](qint64 ms) {
            return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
        };
        const QStringList range = {u"--from"_s, utc(FromMs + 7 * Minute), u"--to"_s,
                                   utc(FromMs + 25 * Minute)};

        // Summary and logs both cover the quarter hours the range touches, and say so.
        const Run summary = ctl(QStringList{u"usage"_s, u"summary"_s, u"--json"_s} + range);
        QCOMPARE(summary.exitCode, 0);
        const QJsonObject o = KeydeckctlRunner::jsonObject(summary.out);
        QCOMPARE(o.value(u"from"_s).toString(), utc(FromMs));
        QCOMPARE(o.value(u"to"_s).toString(), utc(FromMs + 30 * Minute));
        QCOMPARE(totalsText(o), sumOf(list.mid(1, 3)).text());
        const Run logs = ctl(QStringList{u"usage"_s, u"logs"_s, u"--json"_s} + range);
        QCOMPARE(KeydeckctlRunner::jsonArray(logs.out).size(), 3);
    }

    void usageNeedsAnExistingStore()
    {
        m_store = m_dir.filePath(u"store-%1/missing.sqlite"_s.arg(m_storeCount));
        const Run r = ctl({u"usage"_s, u"summary"_s});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.startsWith(u"keydeckctl: store: there is no store"_s), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(m_store));
    }

    void helpDescribesTheUsageCommands()
    {
        const Run general = run({u"--help"_s});
        QCOMPARE(general.exitCode, 0);
        QVERIFY(general.out.contains(u"usage import FILE"_s));
        const Run usage = run({u"usage"_s, u"--help"_s});
        QCOMPARE(usage.exitCode, 0);
        for (const QString& text : {u"--skip-bad-lines"_s, u"--by hour|day"_s, u"LOCAL time zone"_s,
                                    u"--format jsonl|csv"_s, u"request_id"_s, u"30 days"_s})
            QVERIFY2(usage.out.contains(text), qPrintable(text));
    }
};

QTEST_GUILESS_MAIN(TestKeydeckctlUsage)
#include "tst_keydeckctl_usage.moc"
