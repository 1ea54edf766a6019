// Spend caps and quotas on real traffic: keydeck-server on loopback with its mock upstream, one
// instance or two on the same store (a SQLite file, a PostgreSQL database), driven with curl -
// 200 requests at once on a capped key never leave recorded spend above its cap, a cap reached is
// 429 quota_exceeded with a Retry-After, an exhausted quota 402 insufficient_quota, and a key
// revoked through one instance is refused by the very next request on the other.
#include "GatewayServer.h"
#include "ScratchDatabases.h"
#include "UsdAmount.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <memory>

using namespace Qt::StringLiterals;

namespace {
QJsonObject hello(int maxTokens = 16)
{
    return {{u"model"_s, u"gpt-4o"_s},
            {u"max_tokens"_s, maxTokens},
            {u"messages"_s,
             QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"Say hello"_s}}}}};
}

QStringList bearer(const QString& key)
{
    return {u"Authorization: Bearer "_s + key};
}

// The config curl reads for one request of a burst: quoted as curl's config files quote.
QByteArray quoted(const QString& text)
{
    QByteArray out = text.toUtf8();
    out.replace('\\', "\\\\").replace('"', "\\\"");
    return '"' + out + '"';
}
} // namespace

class TestGatewaySpend final : public QObject
{
    Q_OBJECT

private:
    // Status code -> how many: `count` chat completions with the key all at once, spread over
    // the servers in turn (curl --parallel, one connection each).
    static QMap<int, int> burst(const QList<GatewayServer*>& servers, const QString& key, int count,
                                const QJsonObject& body)
    {
        QByteArray config;
        const QByteArray data = QJsonDocument(body).toJson(QJsonDocument::Compact);
        for (int i = 0; i < count; ++i) {
            config += "url = " +
                      quoted(servers[i % servers.size()]->baseUrl() + u"/v1/chat/completions"_s) +
                      "\n";
            config += "header = " + quoted(u"Authorization: Bearer "_s + key) + "\n";
            config += "header = \"Content-Type: application/json\"\n";
            config += "data-binary = " + quoted(QString::fromUtf8(data)) + "\n";
            config += "output = \"/dev/null\"\nwrite-out = \"%{http_code}\\n\"\n";
            config += "max-time = 60\n";
            if (i + 1 < count)
                config += "next\n";
        }
        // The key reaches curl on its standard input, never in a file or its arguments.
        QProcess curl;
        curl.start(u"curl"_s, {u"--silent"_s, u"--parallel"_s, u"--parallel-immediate"_s,
                               u"--parallel-max"_s, QString::number(count), u"--config"_s, u"-"_s});
        curl.waitForStarted();
        curl.write(config);
        curl.closeWriteChannel();
        curl.waitForFinished(120'000);
        QMap<int, int> statuses;
        for (const QByteArray& line : curl.readAllStandardOutput().split('\n')) {
            if (!line.isEmpty())
                ++statuses[line.toInt()];
        }
        return statuses;
    }

    // The key's usage events once all `count` of them are stored (the gateway writes batches).
    static qint64 meteredRequests(GatewayServer& server, const QString& keyId, qint64 count)
    {
        QElapsedTimer waited;
        waited.start();
        qint64 seen = 0;
        while (waited.elapsed() < 20'000) {
            seen = curl("GET",
                        server.baseUrl() +
                            u"/v1/admin/usage/logs/count?key=%1&from=2020-01-01T00:00:00Z"_s.arg(
                                keyId),
                        server.adminHeader())
                       .json()
                       .value(u"count"_s)
                       .toInteger();
            if (seen >= count)
                break;
            QThread::msleep(100);
        }
        return seen;
    }

    static qint64 spendToday(GatewayServer& server, const QString& keyId)
    {
        const CurlReply key =
            curl("GET", server.baseUrl() + u"/v1/admin/keys/%1"_s.arg(keyId), server.adminHeader());
        return UsdAmount::parse(key.json().value(u"spend_day_usd"_s).toString()).value_or(-1);
    }

    // A store for the row: a SQLite file of this run, or a fresh PostgreSQL database.
    QString storeFor(const QString& kind)
    {
        if (kind == u"sqlite")
            return m_dir.filePath(u"spend-%1.sqlite"_s.arg(++m_stores));
        const QString url = m_databases.create(u"gateway_spend"_s);
        if (url.isEmpty())
            qWarning("%s", qPrintable(m_databases.error()));
        return url;
    }

    // A server on a fresh SQLite file with one key of the spec: its secret (remembered for the
    // log check), its id in *id; empty when either did not start.
    QString serveKey(GatewayServer& server, const QJsonObject& spec, QString* id)
    {
        if (!server.start(storeFor(u"sqlite"_s))) {
            qWarning("%s", qPrintable(server.error()));
            return {};
        }
        m_secrets << server.adminKey();
        const QString key = server.createKey(spec, id);
        m_secrets << key;
        return key;
    }

    static CurlReply chat(GatewayServer& server, const QString& key, const QJsonObject& body)
    {
        return curl("POST", server.baseUrl() + u"/v1/chat/completions"_s, bearer(key),
                    QJsonDocument(body).toJson());
    }

    void checkLogs(GatewayServer& server)
    {
        const QByteArray log = server.process().log();
        for (const QString& secret : std::as_const(m_secrets))
            QVERIFY2(!log.contains(secret.toLatin1()), "a key's secret is in the server's log");
    }

    QTemporaryDir m_dir;
    ScratchDatabases m_databases;
    int m_stores = 0;
    QStringList m_secrets;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void aReachedCapIs429QuotaExceededUntilTheDayEnds()
    {
        GatewayServer server;
        QString id;
        // gpt-4o: $2.50 prompt and $10 completion a million tokens; the request's worst case
        // (its ~120 bytes and 16 tokens) is about $0.0005, its real cost about $0.0002.
        const QString key =
            serveKey(server, {{u"label"_s, u"capped"_s}, {u"spend_cap_day"_s, u"0.0006"_s}}, &id);
        QVERIFY(!key.isEmpty());
        QCOMPARE(chat(server, key, hello()).status, 200);
        QCOMPARE(meteredRequests(server, id, 1), qint64(1));
        const qint64 spent = spendToday(server, id);
        QVERIFY2(spent > 0 && spent < 600, qPrintable(QString::number(spent)));

        const CurlReply refused = chat(server, key, hello());
        QCOMPARE(refused.status, 429);
        QCOMPARE(refused.errorCode(), u"quota_exceeded"_s);
        const QString message = refused.errorMessage();
        QVERIFY2(message.contains(u"spend cap of $0.0006 per day"_s), qPrintable(message));
        const int retryAfter = refused.header("retry-after").toInt();
        QVERIFY2(retryAfter >= 1 && retryAfter <= 86'400,
                 refused.header("retry-after").constData());

        // The Anthropic route says it in Anthropic's envelope.
        const QJsonObject anthropicBody{
            {u"model"_s, u"gpt-4o"_s},
            {u"max_tokens"_s, 16},
            {u"messages"_s,
             QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"Say hello"_s}}}}};
        const CurlReply anthropic =
            curl("POST", server.baseUrl() + u"/v1/messages"_s, {u"x-api-key: "_s + key},
                 QJsonDocument(anthropicBody).toJson());
        QCOMPARE(anthropic.status, 429);
        QCOMPARE(anthropic.json().value(u"type"_s).toString(), u"error"_s);
        QCOMPARE(anthropic.json().value(u"error"_s).toObject().value(u"type"_s).toString(),
                 u"rate_limit_error"_s);
        // Refusals are metered, at no cost.
        QCOMPARE(meteredRequests(server, id, 3), qint64(3));
        QCOMPARE(spendToday(server, id), spent);
        checkLogs(server);
    }

    void anExhaustedQuotaIs402InsufficientQuota()
    {
        GatewayServer server;
        QString id;
        const QString key =
            serveKey(server, {{u"label"_s, u"prepaid"_s}, {u"quota_usd"_s, u"0.0004"_s}}, &id);
        QVERIFY(!key.isEmpty());
        // The worst case alone is more than the whole quota.
        const CurlReply refused = chat(server, key, hello());
        QCOMPARE(refused.status, 402);
        QCOMPARE(refused.errorCode(), u"insufficient_quota"_s);
        QVERIFY(refused.header("retry-after").isEmpty());
        // A smaller answer fits: the limit the client sets is what is reserved.
        QCOMPARE(chat(server, key, hello(1)).status, 200);
        QCOMPARE(meteredRequests(server, id, 2), qint64(2));
        checkLogs(server);
    }

    void aTiersRequestsAMonthAre429UntilTheMonthEnds()
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QDateTime monthEnd = QDateTime(
            QDate(now.date().year(), now.date().month(), 1).addMonths(1), QTime(0, 0), Qt::UTC);
        if (now.secsTo(monthEnd) < 120)
            QSKIP("the month ends within two minutes: its requests would count in the next one");
        GatewayServer server;
        QString id;
        const QString key =
            serveKey(server, {{u"label"_s, u"free"_s}, {u"tier"_s, u"free"_s}}, &id);
        QVERIFY(!key.isEmpty());
        // 499 answered earlier this month, and refusals, which use none of the 500.
        QJsonArray events;
        for (int i = 0; i < 503; ++i) {
            const int status = i < 499 ? 200 : 429;
            events.append(QJsonObject{{u"time"_s, now.addSecs(-60).toString(Qt::ISODateWithMs)},
                                      {u"key"_s, id},
                                      {u"model"_s, u"gpt-4o"_s},
                                      {u"endpoint"_s, u"/v1/chat/completions"_s},
                                      {u"status"_s, status},
                                      {u"prompt_tokens"_s, 10},
                                      {u"completion_tokens"_s, status == 200 ? 10 : 0},
                                      {u"cost_usd"_s, u"0.00"_s},
                                      {u"latency_ms"_s, 40},
                                      {u"request_id"_s, u"earlier-%1"_s.arg(i)}});
        }
        const CurlReply recorded =
            curl("POST", server.baseUrl() + u"/v1/admin/usage/events"_s, server.adminHeader(),
                 QJsonDocument(QJsonObject{{u"events"_s, events}}).toJson());
        QCOMPARE(recorded.status, 200);
        QCOMPARE(recorded.json().value(u"recorded"_s).toInt(), 503);

        QCOMPARE(chat(server, key, hello()).status, 200);
        const CurlReply refused = chat(server, key, hello());
        QCOMPARE(refused.status, 429);
        QCOMPARE(refused.errorCode(), u"rate_limit_exceeded"_s);
        const QString message = refused.errorMessage();
        QVERIFY2(message.contains(u"allows 500 requests a month"_s), qPrintable(message));
        QVERIFY2(message.contains(monthEnd.toString(Qt::ISODate)), qPrintable(message));
        const qint64 retryAfter = refused.header("retry-after").toLongLong();
        QVERIFY2(retryAfter >= 1 && retryAfter <= now.secsTo(monthEnd) + 1,
                 refused.header("retry-after").constData());
        QCOMPARE(meteredRequests(server, id, 505), qint64(505));
        checkLogs(server);
    }

    void twoHundredAtOnceNeverPassTheCap_data()
    {
        QTest::addColumn<QString>("store");
        QTest::addColumn<int>("instances");
        QTest::newRow("one instance, SQLite") << u"sqlite"_s << 1;
        QTest::newRow("two instances, one SQLite file") << u"sqlite"_s << 2;
        QTest::newRow("one instance, PostgreSQL") << u"postgres"_s << 1;
        QTest::newRow("two instances, one PostgreSQL database") << u"postgres"_s << 2;
    }

    void twoHundredAtOnceNeverPassTheCap()
    {
        QFETCH(QString, store);
        QFETCH(int, instances);
        const QString location = storeFor(store);
        QVERIFY(!location.isEmpty());
        std::vector<std::unique_ptr<GatewayServer>> servers;
        QList<GatewayServer*> targets;
        for (int i = 0; i < instances; ++i) {
            auto server = std::make_unique<GatewayServer>();
            QVERIFY2(i == 0 ? server->start(location) : server->startBeside(*servers.front()),
                     qPrintable(server->error()));
            targets << server.get();
            servers.push_back(std::move(server));
        }
        GatewayServer& first = *servers.front();
        m_secrets << first.adminKey();
        QString id;
        // Room for about 20 worst cases, or 50 real answers.
        const qint64 cap = 10'000;
        const QString key = first.createKey(
            {{u"label"_s, u"burst"_s}, {u"spend_cap_day"_s, UsdAmount::format(cap)}}, &id);
        m_secrets << key;
        QVERIFY(!key.isEmpty());

        const QMap<int, int> statuses = burst(targets, key, 200, hello());
        const QString seen = [&statuses] {
            QStringList parts;
            for (auto it = statuses.cbegin(); it != statuses.cend(); ++it)
                parts << u"%1 x%2"_s.arg(it.key()).arg(it.value());
            return parts.join(u", "_s);
        }();
        QCOMPARE(statuses.value(200) + statuses.value(429), 200);
        QVERIFY2(statuses.value(200) >= 10, qPrintable(seen));
        QVERIFY2(statuses.value(429) >= 1, qPrintable(seen));
        QCOMPARE(meteredRequests(first, id, 200), qint64(200));
        const qint64 spent = spendToday(first, id);
        QVERIFY2(spent > 0 && spent <= cap,
                 qPrintable(u"%1 micro-USD spent; %2"_s.arg(spent).arg(seen)));
        qInfo("%d instance(s) on %s: %s; %s of %s spent", instances, qPrintable(store),
              qPrintable(seen), qPrintable(UsdAmount::display(spent)),
              qPrintable(UsdAmount::display(cap)));
        for (const auto& server : servers)
            checkLogs(*server);
    }

    void aRevocationOnOneInstanceHoldsOnTheNextRequestOnTheOther_data()
    {
        QTest::addColumn<QString>("store");
        QTest::addColumn<bool>("capped");
        // A capped key's reservation reads its state in the store; any other key is dropped
        // from B's cache when B hears A's write (LISTEN/NOTIFY; the SQLite file's -wal).
        QTest::newRow("PostgreSQL, a capped key") << u"postgres"_s << true;
        QTest::newRow("PostgreSQL, a key without caps") << u"postgres"_s << false;
        QTest::newRow("SQLite, a capped key") << u"sqlite"_s << true;
        QTest::newRow("SQLite, a key without caps") << u"sqlite"_s << false;
    }

    void aRevocationOnOneInstanceHoldsOnTheNextRequestOnTheOther()
    {
        QFETCH(QString, store);
        QFETCH(bool, capped);
        GatewayServer a;
        QVERIFY2(a.start(storeFor(store)), qPrintable(a.error()));
        GatewayServer b;
        QVERIFY2(b.startBeside(a), qPrintable(b.error()));
        m_secrets << a.adminKey();
        QJsonObject spec{{u"label"_s, u"shared"_s}};
        if (capped)
            spec[u"spend_cap_month"_s] = u"100.00"_s;
        const QByteArray body = QJsonDocument(hello()).toJson();
        const auto onB = [&b, &body](const QString& key) {
            return curl("POST", b.baseUrl() + u"/v1/chat/completions"_s, bearer(key), body);
        };
        for (int round = 0; round < 5; ++round) {
            QString id;
            spec[u"label"_s] = u"shared-%1"_s.arg(round);
            const QString key = a.createKey(spec, &id);
            m_secrets << key;
            // B has the key in its cache.
            QCOMPARE(onB(key).status, 200);
            QCOMPARE(onB(key).status, 200);
            QVERIFY(a.adminPost(u"/v1/admin/keys/%1/revoke"_s.arg(id)));
            const CurlReply next = onB(key);
            QCOMPARE(next.status, 401);
            QCOMPARE(next.errorCode(), u"revoked_api_key"_s);
        }
        checkLogs(a);
        checkLogs(b);
    }

    // keydeckctl writing the file itself, as an admin at the server's console would.
    void aDisableByKeydeckctlOnTheFileHoldsOnTheNextRequest()
    {
        const QString file = storeFor(u"sqlite"_s);
        GatewayServer server;
        QVERIFY2(server.start(file), qPrintable(server.error()));
        m_secrets << server.adminKey();
        const QByteArray body = QJsonDocument(hello()).toJson();
        for (int round = 0; round < 5; ++round) {
            const QString label = u"console-%1"_s.arg(round);
            const QString key = server.createKey({{u"label"_s, label}});
            m_secrets << key;
            const auto send = [&server, &key, &body] {
                return curl("POST", server.baseUrl() + u"/v1/chat/completions"_s, bearer(key),
                            body);
            };
            QCOMPARE(send().status, 200);
            QProcess cli;
            cli.start(QStringLiteral(KEYDECKCTL_PATH),
                      {u"--store"_s, file, u"keys"_s, u"disable"_s, label});
            QVERIFY(cli.waitForFinished(30'000));
            QVERIFY2(cli.exitStatus() == QProcess::NormalExit && cli.exitCode() == 0,
                     qPrintable(u"keydeckctl: exit %1%2: %3"_s.arg(cli.exitCode())
                                    .arg(cli.exitStatus() == QProcess::CrashExit ? u" (crashed)"_s
                                                                                 : QString())
                                    .arg(QString::fromUtf8(cli.readAllStandardError()))));
            const CurlReply next = send();
            QCOMPARE(next.status, 401);
            QCOMPARE(next.errorCode(), u"disabled_api_key"_s);
        }
        checkLogs(server);
    }
};

QTEST_GUILESS_MAIN(TestGatewaySpend)
#include "tst_gateway_spend.moc"
