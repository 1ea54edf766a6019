// keydeck-server's usage and alerts admin API end to end: the real binary on a loopback port,
// driven with curl and raw sockets, over a SQLite store in a temporary folder - or, with
// KEYDECK_TEST_POSTGRES set (tst_server_usage_postgres), over a fresh database of the cluster
// the PG* variables name. Uploads are spooled into a TMPDIR of the test's own, so what they
// leave behind can be checked.
#include "ScratchDatabases.h"
#include "ServerProcess.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QScopeGuard>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimeZone>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

QString rfc3339(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(Qt::ISODateWithMs);
}

QJsonObject usageEvent(qint64 timeMs, const QString& key, const QString& model, int status,
                       const QString& requestId, int promptTokens = 100)
{
    return {{u"time"_s, rfc3339(timeMs)}, {u"key"_s, key},
            {u"model"_s, model},          {u"endpoint"_s, u"/v1/chat/completions"_s},
            {u"status"_s, status},        {u"prompt_tokens"_s, promptTokens},
            {u"completion_tokens"_s, 10}, {u"cost_usd"_s, u"0.25"_s},
            {u"latency_ms"_s, 40},        {u"request_id"_s, requestId}};
}

} // namespace

class TestServerUsage final : public QObject
{
    Q_OBJECT

private:
    QString url(const QString& path) const { return m_server->baseUrl() + path; }
    QStringList admin() const { return {u"Authorization: Bearer "_s + m_adminKey}; }
    CurlReply get(const QString& path) { return curl("GET", url(path), admin()); }
    CurlReply send(const QByteArray& method, const QString& path, const QJsonObject& body)
    {
        return curl(method, url(path), admin(), QJsonDocument(body).toJson());
    }
    CurlReply upload(const QString& path, const QByteArray& bytes, const QStringList& headers = {})
    {
        QFile file(m_dir.filePath(u"upload.data"_s));
        file.open(QIODevice::WriteOnly | QIODevice::Truncate);
        file.write(bytes);
        file.close();
        return curl("POST", url(path), admin() + headers, {},
                    {u"--data-binary"_s, u"@"_s + file.fileName()});
    }
    qint64 logCount()
    {
        const CurlReply reply = get(u"/v1/admin/usage/logs/count?from=2020-01-01T00:00:00Z"_s);
        return reply.status == 200 ? qint64(reply.json().value(u"count"_s).toDouble()) : -1;
    }
    QByteArray importLines(int count, const QString& prefix, qint64 timeMs) const
    {
        QByteArray lines;
        for (int i = 0; i < count; ++i) {
            lines += QJsonDocument(usageEvent(timeMs + i, u"batch"_s, u"gpt-4o-mini"_s, 200,
                                              u"%1-%2"_s.arg(prefix).arg(i)))
                         .toJson(QJsonDocument::Compact) +
                     '\n';
        }
        return lines;
    }
    QByteArray raw(const QByteArray& bytes, int quietMs = 2500)
    {
        return m_server->exchange(bytes, quietMs);
    }
    // Sends a refused upload's header and part of its body, reads the answer, then goes on
    // sending for half a second: true when every send succeeds.
    bool keepsSendingAfterTheAnswer() const
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(m_server->port());
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
            return false;
        const auto closeSocket = qScopeGuard([fd] { ::close(fd); });
        const QByteArray head = "POST /v1/admin/usage/import HTTP/1.1\r\nHost: x\r\n"
                                "Content-Length: 1000000\r\n\r\n" +
                                QByteArray(100'000, 'x');
        if (::send(fd, head.constData(), size_t(head.size()), MSG_NOSIGNAL) != head.size())
            return false;
        QByteArray answer;
        char buffer[4096];
        while (!answer.contains("missing_api_key")) {
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0)
                return false;
            answer.append(buffer, qsizetype(n));
        }
        const QByteArray more(10'000, 'y');
        for (int i = 0; i < 10; ++i) {
            if (::send(fd, more.constData(), size_t(more.size()), MSG_NOSIGNAL) < 0)
                return false;
            QThread::msleep(50);
        }
        return true;
    }

    QStringList spooled() const
    {
        return QDir(m_spoolDir.path()).entryList(QDir::Files | QDir::Hidden);
    }

    // The store the server is given: a file, or a database made for this run.
    QString makeStore()
    {
        if (!qEnvironmentVariableIsSet("KEYDECK_TEST_POSTGRES"))
            return m_dir.filePath(u"server.sqlite"_s);
        const QString url = m_databases.create(u"server_usage"_s);
        if (url.isEmpty())
            qWarning("%s", qPrintable(m_databases.error()));
        m_database = ScratchDatabases::nameOf(url);
        return url;
    }

    QTemporaryDir m_dir;
    QTemporaryDir m_spoolDir;
    ScratchDatabases m_databases;
    QString m_database;
    QString m_store;
    QStringList m_secrets;
    std::unique_ptr<ServerProcess> m_server;
    QString m_adminKey;
    QString m_webId;
    QString m_batchId;
    // A fixed day in the past: no test depends on what time it is now.
    const qint64 m_day =
        QDateTime(QDate(2026, 3, 10), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid() && m_spoolDir.isValid());
        m_store = makeStore();
        const QString store = m_store;
        QVERIFY(!store.isEmpty());
        const ServerProcess::Run init = ServerProcess::run({u"init-admin"_s, u"--store"_s, store});
        QVERIFY2(init.exitCode == 0, init.err.constData());
        m_adminKey = QString::fromLatin1(init.out.trimmed());
        m_secrets << m_adminKey;
        // A database URL's password is for the connection only: never in what the server says.
        if (!m_database.isEmpty())
            QVERIFY(!init.err.contains(qgetenv("PGPASSWORD")));
        m_server = std::make_unique<ServerProcess>();
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"TMPDIR"_s, m_spoolDir.path());
        m_server->setEnvironment(environment);
        QVERIFY2(m_server->start({u"--store"_s, store, u"--max-body-bytes"_s, u"16384"_s,
                                  u"--max-upload-bytes"_s, u"1048576"_s, u"--request-timeout-ms"_s,
                                  u"1500"_s}),
                 m_server->log().constData());
        for (const QString& label : {u"web"_s, u"batch"_s}) {
            const CurlReply created = send("POST", u"/v1/admin/keys"_s, {{u"label"_s, label}});
            QCOMPARE(created.status, 201);
            (label == u"web"_s ? m_webId : m_batchId) = created.json().value(u"id"_s).toString();
        }
    }

    void cleanupTestCase()
    {
        // initTestCase failed before the server started: it said why already.
        if (!m_server)
            return;
        QCOMPARE(m_server->stop(), 0);
        const QByteArray log = m_server->log();
        for (const QString& secret : std::as_const(m_secrets))
            QVERIFY2(!log.contains(secret.toLatin1()), "a key is in the log");
        QVERIFY2(spooled().isEmpty(), qPrintable(spooled().join(u", ")));
        if (m_database.isEmpty())
            return;
        QVERIFY(!log.contains(qgetenv("PGPASSWORD")));
        // Every row of the database, as a dump has it: digests and hints, never a key.
        QProcess dump;
        dump.start(u"pg_dump"_s, {u"--data-only"_s, u"--dbname"_s, m_database});
        QVERIFY(dump.waitForFinished(60'000));
        const QByteArray rows = dump.readAllStandardOutput();
        QVERIFY2(rows.contains(m_webId.toLatin1()), dump.readAllStandardError().constData());
        for (const QString& secret : std::as_const(m_secrets))
            QVERIFY2(!rows.contains(secret.toLatin1()), "a key is in the database");
    }

    void recordedUsageReadsBackEveryWay()
    {
        const QJsonArray events{
            usageEvent(m_day + 60'000, m_webId, u"gpt-4o"_s, 200, u"w1"_s),
            usageEvent(m_day + 120'000, m_webId, u"gpt-4o"_s, 500, u"w2"_s),
            usageEvent(m_day + 3'600'000, m_webId, u"gpt-4o-mini"_s, 429, u"w3"_s),
            usageEvent(m_day + 7'200'000, m_batchId, u"gpt-4o-mini"_s, 200, u"b1"_s),
        };
        CurlReply recorded = send("POST", u"/v1/admin/usage/events"_s, {{u"events"_s, events}});
        QCOMPARE(recorded.status, 200);
        QCOMPARE(recorded.json().value(u"recorded"_s).toInt(), 4);
        // Request ids make a retry harmless.
        recorded = send("POST", u"/v1/admin/usage/events"_s, {{u"events"_s, events}});
        QCOMPARE(recorded.json().value(u"recorded"_s).toInt(), 0);

        const QString range =
            u"from=%1&to=%2"_s.arg(rfc3339(m_day), rfc3339(m_day + 24 * 3'600'000));
        const QJsonObject summary = get(u"/v1/admin/usage/summary?"_s + range).json();
        QCOMPARE(summary.value(u"requests"_s).toInt(), 4);
        QCOMPARE(summary.value(u"errors"_s).toInt(), 2);
        QCOMPARE(summary.value(u"cost_usd"_s).toString(), u"1.00"_s);
        QCOMPARE(summary.value(u"from"_s).toString(), u"2026-03-10T00:00:00Z"_s);

        // A key is named by label as well as by id.
        const QJsonObject web = get(u"/v1/admin/usage/summary?key=web&"_s + range).json();
        QCOMPARE(web.value(u"requests"_s).toInt(), 3);
        const QJsonObject errors =
            get(u"/v1/admin/usage/summary?status=server_error&key=%1&"_s.arg(m_webId) + range)
                .json();
        QCOMPARE(errors.value(u"requests"_s).toInt(), 1);

        const QJsonArray byKey =
            get(u"/v1/admin/usage/summary?by=key&"_s + range).json().value(u"rows"_s).toArray();
        QCOMPARE(byKey.size(), 2);
        QCOMPARE(byKey.at(0)[u"label"_s].toString(), u"web"_s);
        QCOMPARE(byKey.at(0)[u"group"_s].toString(), m_webId);
        const QJsonArray byModel =
            get(u"/v1/admin/usage/summary?by=model&"_s + range).json().value(u"rows"_s).toArray();
        QCOMPARE(byModel.size(), 2);
        const QJsonArray byHour =
            get(u"/v1/admin/usage/summary?by=hour&tz=Europe/Berlin&"_s + range)
                .json()
                .value(u"rows"_s)
                .toArray();
        // Named by their start in the zone asked for.
        QCOMPARE(byHour.size(), 24);
        QCOMPARE(byHour.at(0)[u"group"_s].toString(), u"2026-03-10T01:00:00+01:00"_s);
        QCOMPARE(byHour.at(0)[u"requests"_s].toInt(), 2);
        QCOMPARE(byHour.at(1)[u"requests"_s].toInt(), 1);

        const QJsonArray slots =
            get(u"/v1/admin/usage/series?"_s + range).json().value(u"data"_s).toArray();
        QCOMPARE(slots.size(), 3);
        QCOMPARE(slots.at(0)[u"start"_s].toString(), u"2026-03-10T00:00:00Z"_s);
        QCOMPARE(slots.at(0)[u"requests"_s].toInt(), 2);

        // Paged one at a time, oldest first: every event once.
        QStringList seen;
        QString cursor;
        for (int page = 0; page < 10; ++page) {
            const QJsonObject body = get(u"/v1/admin/usage/logs?sort=time&order=asc&limit=1&"_s +
                                         range + u"&cursor="_s + cursor)
                                         .json();
            for (const QJsonValue& e : body.value(u"data"_s).toArray())
                seen << e[u"request_id"_s].toString();
            if (!body.value(u"has_more"_s).toBool())
                break;
            cursor = QString::fromLatin1(
                QUrl::toPercentEncoding(body.value(u"next_cursor"_s).toString()));
        }
        QCOMPARE(seen, (QStringList{u"w1"_s, u"w2"_s, u"w3"_s, u"b1"_s}));
        const QJsonObject count =
            get(u"/v1/admin/usage/logs/count?status=errors&"_s + range).json();
        QCOMPARE(count.value(u"count"_s).toInt(), 2);

        const QJsonArray models = get(u"/v1/admin/usage/models"_s).json()[u"data"_s].toArray();
        QCOMPARE(models.toVariantList(), (QVariantList{u"gpt-4o"_s, u"gpt-4o-mini"_s}));
        bool found = false;
        for (const QJsonValue& key : get(u"/v1/admin/usage/keys"_s).json()[u"data"_s].toArray()) {
            if (key[u"key_id"_s].toString() == m_webId) {
                found = true;
                QCOMPARE(key[u"last_used_at"_s].toString(), u"2026-03-10T01:00:00Z"_s);
            }
        }
        QVERIFY(found);
    }

    // Two servers on one store (behind a load balancer): what one writes, the other serves and
    // announces on its events stream within a second or two.
    void aSecondServerOnTheSameStoreSeesEveryChange()
    {
        ServerProcess second;
        QVERIFY2(second.start({u"--store"_s, m_store}), second.log().constData());
        QProcess events;
        events.start(u"curl"_s,
                     {u"--silent"_s, u"--no-buffer"_s, u"--max-time"_s, u"20"_s, u"--header"_s,
                      admin().first(), second.baseUrl() + u"/v1/admin/events"_s});
        QByteArray seen;
        QTRY_VERIFY2_WITH_TIMEOUT((seen += events.readAllStandardOutput()).contains("event: ready"),
                                  (seen + events.readAllStandardError()).constData(), 10'000);
        const CurlReply created = send("POST", u"/v1/admin/keys"_s, {{u"label"_s, u"shared"_s}});
        QCOMPARE(created.status, 201);
        m_secrets << created.json().value(u"secret"_s).toString();
        const QString id = created.json().value(u"id"_s).toString();
        QTRY_VERIFY_WITH_TIMEOUT((seen += events.readAllStandardOutput()).contains("event: keys"),
                                 10'000);
        const CurlReply shown = curl("GET", second.baseUrl() + u"/v1/admin/keys/"_s + id, admin());
        QCOMPARE(shown.status, 200);
        QCOMPARE(shown.json().value(u"label"_s).toString(), u"shared"_s);
        // And the other way round: usage recorded through the second counts on the first.
        const CurlReply recorded = curl(
            "POST", second.baseUrl() + u"/v1/admin/usage/events"_s, admin(),
            QJsonDocument(QJsonObject{{u"events"_s, QJsonArray{usageEvent(m_day, id, u"gpt-4o"_s,
                                                                          200, u"shared-1"_s)}}})
                .toJson());
        QCOMPARE(recorded.status, 200);
        const QJsonObject summary =
            get(u"/v1/admin/usage/summary?key=shared&from=2026-03-01T00:00:00Z"_s).json();
        QCOMPARE(summary.value(u"requests"_s).toInt(), 1);
        events.kill();
        events.waitForFinished();
        QCOMPARE(second.stop(), 0);
    }

    // The database server drops every connection (a restart, an administrator's
    // pg_terminate_backend): the server reconnects by itself and goes on, nothing lost.
    void aLostDatabaseConnectionIsMadeAgain()
    {
        if (m_database.isEmpty())
            QSKIP("a SQLite file has no connection to lose (tst_server_usage_postgres runs this)");
        const qint64 before = logCount();
        QVERIFY(before > 0);
        QSqlQuery terminate(m_databases.admin());
        QVERIFY2(terminate.exec(u"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                "WHERE datname = '%1'"_s.arg(m_database)),
                 qPrintable(terminate.lastError().text()));
        QVERIFY(terminate.next() && terminate.value(0).toInt() >= 1);
        // At most the calls caught in the act fail (503); within a few seconds all succeed.
        QTRY_COMPARE_WITH_TIMEOUT(logCount(), before, 10'000);
        const CurlReply created = send("POST", u"/v1/admin/keys"_s, {{u"label"_s, u"after"_s}});
        QCOMPARE(created.status, 201);
        m_secrets << created.json().value(u"secret"_s).toString();
        QCOMPARE(get(u"/healthz"_s).status, 200);
    }

    void badQueriesNameTheParameter_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("param");
        QTest::newRow("from") << u"/v1/admin/usage/summary?from=yesterday"_s << 400 << u"from"_s;
        QTest::newRow("backwards") << u"/v1/admin/usage/summary?from=2026-03-11T00:00:00Z&"
                                      "to=2026-03-10T00:00:00Z"_s
                                   << 400 << u"to"_s;
        QTest::newRow("status") << u"/v1/admin/usage/logs?status=bad"_s << 400 << u"status"_s;
        QTest::newRow("by") << u"/v1/admin/usage/summary?by=week"_s << 400 << u"by"_s;
        QTest::newRow("tz") << u"/v1/admin/usage/summary?by=day&tz=Mars/Base"_s << 400 << u"tz"_s;
        QTest::newRow("sort") << u"/v1/admin/usage/logs?sort=secret"_s << 400 << u"sort"_s;
        QTest::newRow("order") << u"/v1/admin/usage/logs?order=up"_s << 400 << u"order"_s;
        QTest::newRow("limit") << u"/v1/admin/usage/logs?limit=100000"_s << 400 << u"limit"_s;
        QTest::newRow("cursor") << u"/v1/admin/usage/logs?cursor=nonsense"_s << 400 << u"cursor"_s;
        QTest::newRow("unknown") << u"/v1/admin/usage/summary?keys=web"_s << 400 << u"keys"_s;
        QTest::newRow("no key") << u"/v1/admin/usage/summary?key=nobody"_s << 404 << u"key"_s;
        QTest::newRow("twice") << u"/v1/admin/usage/summary?from=2026-03-10T00:00:00Z&"
                                  "from=2026-03-09T00:00:00Z"_s
                               << 400 << u"from"_s;
        // Dense buckets are built in memory: millennia by the hour are refused, not attempted.
        QTest::newRow("too many hours") << u"/v1/admin/usage/summary?by=hour&from=0001-01-01T"
                                           "00:00:00Z&to=9999-12-31T00:00:00Z"_s
                                        << 400 << u"from"_s;
        QTest::newRow("too many days") << u"/v1/admin/usage/series?by=day&from=0001-01-01T"
                                          "00:00:00Z&to=9999-12-31T00:00:00Z"_s
                                       << 400 << u"from"_s;
        QTest::newRow("prices query") << u"/v1/admin/usage/prices?all=1"_s << 400 << u"all"_s;
    }

    void badQueriesNameTheParameter()
    {
        QFETCH(QString, path);
        QFETCH(int, status);
        QFETCH(QString, param);
        const CurlReply reply = get(path);
        QCOMPARE(reply.status, status);
        QCOMPARE(reply.errorParam(), param);
    }

    void aDeletedKeysUsageIsStillSelectedByItsId()
    {
        const CurlReply created = send("POST", u"/v1/admin/keys"_s, {{u"label"_s, u"gone"_s}});
        QCOMPARE(created.status, 201);
        m_secrets << created.json().value(u"secret"_s).toString();
        const QString id = created.json().value(u"id"_s).toString();
        QCOMPARE(send("POST", u"/v1/admin/usage/events"_s,
                      {{u"events"_s,
                        QJsonArray{usageEvent(m_day + 5000, id, u"gpt-4o"_s, 200, u"gone-1"_s)}}})
                     .status,
                 200);
        QCOMPARE(curl("DELETE", url(u"/v1/admin/keys/"_s + id), admin()).status, 200);
        const QString range = u"&from=2026-03-01T00:00:00Z"_s;
        const CurlReply byId = get(u"/v1/admin/usage/summary?key="_s + id + range);
        QCOMPARE(byId.status, 200);
        QCOMPARE(byId.json().value(u"requests"_s).toInt(), 1);
        // Its label is free again, and names nothing.
        const CurlReply byLabel = get(u"/v1/admin/usage/summary?key=gone"_s + range);
        QCOMPARE(byLabel.status, 404);
        QCOMPARE(byLabel.errorParam(), u"key"_s);
    }

    void badEventsRecordNothing()
    {
        const qint64 before = logCount();
        const QJsonArray mixed{usageEvent(m_day + 10, m_webId, u"m"_s, 200, u"x1"_s),
                               usageEvent(m_day + 20, u"key_nobody"_s, u"m"_s, 200, u"x2"_s)};
        CurlReply reply = send("POST", u"/v1/admin/usage/events"_s, {{u"events"_s, mixed}});
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.errorParam(), u"key"_s);
        QJsonObject broken = usageEvent(m_day, m_webId, u"m"_s, 200, u"x3"_s);
        broken[u"status"_s] = u"ok"_s;
        reply = send(
            "POST", u"/v1/admin/usage/events"_s,
            {{u"events"_s, QJsonArray{usageEvent(m_day, m_webId, u"m"_s, 200, u"x4"_s), broken}}});
        QCOMPARE(reply.status, 400);
        QVERIFY2(reply.errorParam().startsWith(u"events[1]"_s), reply.body.constData());
        reply = send("POST", u"/v1/admin/usage/events"_s, {{u"events"_s, u"many"_s}});
        QCOMPARE(reply.errorParam(), u"events"_s);
        QCOMPARE(logCount(), before);
    }

    void importsAStreamedUploadAllOrNothing()
    {
        const qint64 before = logCount();
        // Larger than --max-body-bytes: only an upload route takes it, and only to disk.
        const QByteArray good = importLines(2000, u"up"_s, m_day + 5 * 3'600'000);
        QVERIFY(good.size() > 16384);
        CurlReply reply =
            upload(u"/v1/admin/usage/import?name=batch.jsonl"_s, good, {u"Expect: 100-continue"_s});
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(u"imported"_s).toInt(), 2000);
        QCOMPARE(reply.json().value(u"file"_s).toString(), u"batch.jsonl"_s);
        QCOMPARE(logCount(), before + 2000);

        // One bad line at the very end: nothing of the file is kept.
        const QByteArray bad = importLines(1500, u"bad"_s, m_day + 6 * 3'600'000) + "{oops\n";
        reply = upload(u"/v1/admin/usage/import"_s, bad);
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.errorParam(), u"line 1501: line"_s);
        QCOMPARE(logCount(), before + 2000);
        reply = upload(u"/v1/admin/usage/import?skip_bad_lines=true"_s, bad);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(u"skipped"_s).toInt(), 1);
        QCOMPARE(logCount(), before + 3500);

        const QByteArray csv = "time,key,model,endpoint,status,prompt_tokens,completion_tokens,"
                               "request_id\n2026-03-10T08:00:00Z,web,gpt-4o,/v1/x,200,5,5,c1\n";
        reply = upload(u"/v1/admin/usage/import?format=csv"_s, csv);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(u"imported"_s).toInt(), 1);
        reply = upload(u"/v1/admin/usage/import?format=xml"_s, csv);
        QCOMPARE(reply.errorParam(), u"format"_s);
        // An empty file (Content-Length: 0) is an import of nothing, answered at once.
        reply = upload(u"/v1/admin/usage/import"_s, {});
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(u"imported"_s).toInt(), 0);
        QVERIFY(spooled().isEmpty());
    }

    void uploadsAreReadOnlyFromAnAdminAndWithinTheLimit()
    {
        // No key: refused at once, before a byte of the body is asked for.
        QByteArray answer = raw("POST /v1/admin/usage/import HTTP/1.1\r\nHost: x\r\n"
                                "Content-Length: 900000\r\nExpect: 100-continue\r\n\r\n");
        QVERIFY2(answer.startsWith("HTTP/1.1 401"), answer.constData());
        QVERIFY(!answer.contains("100 Continue"));
        QVERIFY(answer.toLower().contains("connection: close"));

        // The same with the body sent straight after the header, as most clients do: the answer
        // still arrives whole (the server reads and drops the rest before it closes, rather
        // than reset the connection under it).
        answer = raw("POST /v1/admin/usage/import HTTP/1.1\r\nHost: x\r\n"
                     "Content-Length: 1000000\r\n\r\n" +
                     QByteArray(1'000'000, 'x'));
        QVERIFY2(answer.startsWith("HTTP/1.1 401"), answer.left(200).constData());
        QVERIFY(answer.contains("missing_api_key"));
        // A client still sending when the answer comes is not reset: what it sends in the next
        // moments is taken (and dropped) before the server closes. A plain socket, since Qt's
        // would give up at the server's half-close.
        QVERIFY2(keepsSendingAfterTheAnswer(), "the server reset a client still sending");

        const QByteArray auth = "Authorization: Bearer " + m_adminKey.toLatin1() + "\r\n";
        answer = raw("POST /v1/admin/usage/import HTTP/1.1\r\nHost: x\r\n" + auth +
                     "Content-Length: 5000000\r\nExpect: 100-continue\r\n\r\n");
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.constData());
        QVERIFY(answer.contains("payload_too_large"));

        // Over the limit, and sent regardless of what the length said.
        answer = raw("POST /v1/admin/usage/import HTTP/1.1\r\nHost: x\r\n" + auth +
                     "Content-Length: 5000000\r\n\r\n" + QByteArray(2'000'000, 'x'));
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.left(200).constData());

        // Chunked, so the size shows only as it arrives.
        const CurlReply chunked =
            upload(u"/v1/admin/usage/import"_s, importLines(9000, u"huge"_s, m_day),
                   {u"Transfer-Encoding: chunked"_s});
        QCOMPARE(chunked.status, 413);

        // Half a body, then silence: cut off after --request-timeout-ms, nothing imported.
        const qint64 before = logCount();
        QElapsedTimer timer;
        timer.start();
        answer = raw("POST /v1/admin/usage/import HTTP/1.1\r\nHost: x\r\n" + auth +
                         "Content-Length: 100000\r\n\r\n" + importLines(10, u"stall"_s, m_day),
                     6000);
        QVERIFY2(timer.elapsed() < 12'000, "a stalled upload was waited for too long");
        QVERIFY(!answer.startsWith("HTTP/1.1 200"));
        QCOMPARE(logCount(), before);
        // The spool of a failed upload goes with it.
        QTRY_VERIFY2(spooled().isEmpty(), qPrintable(spooled().join(u", ")));
        QCOMPARE(get(u"/healthz"_s).status, 200);
    }

    void pricesRefuseBadEntriesAndKeepTheTable()
    {
        const QJsonObject before = get(u"/v1/admin/usage/prices"_s).json();
        QVERIFY(!before.isEmpty());
        CurlReply reply =
            send("PUT", u"/v1/admin/usage/prices"_s,
                 {{u"gpt-x"_s, QJsonObject{{u"prompt_usd_per_million"_s, u"1.00"_s},
                                           {u"completion_usd_per_million"_s, u"lots"_s}}}});
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.errorParam(), u"price"_s);
        QCOMPARE(get(u"/v1/admin/usage/prices"_s).json(), before);
        const QJsonObject table{
            {u"gpt-x"_s, QJsonObject{{u"prompt_usd_per_million"_s, u"1.00"_s},
                                     {u"completion_usd_per_million"_s, u"2.00"_s}}}};
        reply = send("PUT", u"/v1/admin/usage/prices"_s, table);
        QCOMPARE(reply.status, 200);
        QCOMPARE(get(u"/v1/admin/usage/prices"_s).json(), reply.json());
        QVERIFY(reply.json().contains(u"gpt-x"_s));
    }

    void alertRulesCrudAndTheServerEvaluatesByItself()
    {
        QJsonArray rules = get(u"/v1/admin/alert-rules"_s).json()[u"data"_s].toArray();
        QCOMPARE(rules.size(), 4); // a new store's four rules

        CurlReply reply = send("POST", u"/v1/admin/alert-rules"_s, {{u"threshold"_s, 5}});
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.errorParam(), u"kind"_s);
        reply = send("POST", u"/v1/admin/alert-rules"_s,
                     {{u"kind"_s, u"quota_remaining_below_percent"_s}, {u"threshold"_s, 250}});
        QCOMPARE(reply.errorParam(), u"threshold"_s);
        reply = send("POST", u"/v1/admin/alert-rules"_s,
                     {{u"kind"_s, u"spend_per_day_above"_s},
                      {u"threshold"_s, u"1.00"_s},
                      {u"key_id"_s, u"key_nobody"_s}});
        QCOMPARE(reply.status, 404);
        QCOMPARE(reply.errorParam(), u"key_id"_s);
        QCOMPARE(get(u"/v1/admin/alert-rules"_s).json()[u"data"_s].toArray().size(), 4);
        // A key named by its label is kept by its id; a new kind needs a threshold of its own.
        reply = send("POST", u"/v1/admin/alert-rules"_s,
                     {{u"kind"_s, u"expiring_within_days"_s},
                      {u"threshold"_s, 7},
                      {u"key_id"_s, u"batch"_s}});
        QCOMPARE(reply.status, 201);
        QCOMPARE(reply.json().value(u"key_id"_s).toString(), m_batchId);
        const QString labelledRule =
            u"/v1/admin/alert-rules/%1"_s.arg(reply.json()[u"id"_s].toInt());
        reply = send("PATCH", labelledRule, {{u"kind"_s, u"spend_per_day_above"_s}});
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.errorParam(), u"threshold"_s);
        QCOMPARE(get(labelledRule).json().value(u"kind"_s).toString(), u"expiring_within_days"_s);
        QCOMPARE(curl("DELETE", url(labelledRule), admin()).status, 200);

        // Spend today over a cent: usage recorded now trips it without anyone asking.
        reply = send("POST", u"/v1/admin/alert-rules"_s,
                     {{u"kind"_s, u"spend_per_day_above"_s},
                      {u"threshold"_s, u"0.01"_s},
                      {u"key_id"_s, m_webId}});
        QCOMPARE(reply.status, 201);
        const int ruleId = reply.json().value(u"id"_s).toInt();
        QCOMPARE(reply.json().value(u"description"_s).toString(), u"Spend over $0.01 per day"_s);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        reply =
            send("POST", u"/v1/admin/usage/events"_s,
                 {{u"events"_s,
                   QJsonArray{usageEvent(now - 1000, m_webId, u"gpt-4o"_s, 200, u"today-1"_s)}}});
        QCOMPARE(reply.status, 200);
        QJsonObject raised;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const QJsonValue& a : get(u"/v1/admin/alerts"_s).json()[u"data"_s].toArray()) {
                    if (a[u"rule_id"_s].toInt() == ruleId)
                        raised = a.toObject();
                }
                return !raised.isEmpty();
            }(),
            10'000);
        QCOMPARE(raised.value(u"key_label"_s).toString(), u"web"_s);
        QCOMPARE(raised.value(u"status"_s).toString(), u"open"_s);

        const QString alertPath =
            u"/v1/admin/alerts/%1/acknowledge"_s.arg(raised.value(u"id"_s).toInt());
        reply = send("POST", alertPath, {});
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(u"status"_s).toString(), u"acknowledged"_s);
        QCOMPARE(send("POST", u"/v1/admin/alerts/999999/acknowledge"_s, {}).status, 404);

        // Raising the threshold clears the condition; the alert stays, as cleared.
        const QString rulePath = u"/v1/admin/alert-rules/%1"_s.arg(ruleId);
        reply = send("PATCH", rulePath, {{u"threshold"_s, u"nope"_s}});
        QCOMPARE(reply.errorParam(), u"threshold"_s);
        QCOMPARE(get(rulePath).json().value(u"threshold"_s).toString(), u"0.01"_s);
        reply = send("PATCH", rulePath, {{u"threshold"_s, u"1000.00"_s}});
        QCOMPARE(reply.status, 200);
        QCOMPARE(send("POST", u"/v1/admin/alerts/evaluate"_s, {}).status, 200);
        QVERIFY(get(u"/v1/admin/alerts"_s).json()[u"data"_s].toArray().isEmpty());
        bool cleared = false;
        for (const QJsonValue& a : get(u"/v1/admin/alerts?all=true"_s).json()[u"data"_s].toArray())
            cleared = cleared || a[u"status"_s].toString() == u"cleared"_s;
        QVERIFY(cleared);

        QCOMPARE(curl("DELETE", url(rulePath), admin()).status, 200);
        QCOMPARE(get(rulePath).status, 404);
        QCOMPARE(get(u"/v1/admin/alert-rules/..%2F1"_s).status, 404);
        QCOMPARE(get(u"/v1/admin/alert-rules/abc"_s).status, 404);
    }
};

QTEST_GUILESS_MAIN(TestServerUsage)
#include "tst_server_usage.moc"
