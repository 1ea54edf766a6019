// keydeck-server's admin API end to end: the real binary on a loopback port, driven with curl
// and raw sockets as clients and attackers would, over a SQLite store in a temporary folder.
#include "ApiKeyFormat.h"
#include "ServerProcess.h"
#include "TestCertificate.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestServerAdmin final : public QObject
{
    Q_OBJECT

private:
    QString storePath() const { return m_dir.filePath(u"server.sqlite"_s); }
    QString url(const QString& path) const { return m_server->baseUrl() + path; }
    QStringList admin() const { return {u"Authorization: Bearer "_s + m_adminKey}; }

    QJsonObject createKey(const QJsonObject& spec)
    {
        const CurlReply reply =
            curl("POST", url(u"/v1/admin/keys"_s), admin(), QJsonDocument(spec).toJson());
        if (reply.status != 201)
            qWarning("create failed: %d %s", reply.status, reply.body.constData());
        const QJsonObject created = reply.json();
        m_secrets << created.value(u"secret"_s).toString();
        return created;
    }

    QByteArray raw(const QByteArray& bytes, int quietMs = 1500)
    {
        return m_server->exchange(bytes, quietMs);
    }

    void verifyStillServing()
    {
        const CurlReply health = curl("GET", url(u"/healthz"_s));
        QCOMPARE(health.status, 200);
    }

    // Every byte the server left on disk: the store, its WAL and anything beside them.
    QByteArray everythingOnDisk() const
    {
        QByteArray all;
        QDirIterator it(m_dir.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            if (file.open(QIODevice::ReadOnly))
                all += file.readAll();
        }
        return all;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<ServerProcess> m_server;
    QString m_adminKey;
    QStringList m_secrets;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const ServerProcess::Run init =
            ServerProcess::run({u"init-admin"_s, u"--store"_s, storePath()});
        QCOMPARE(init.exitCode, 0);
        // Standard output is the key alone, so scripts can capture it.
        m_adminKey = QString::fromLatin1(init.out.trimmed());
        QVERIFY2(ApiKeyFormat::isWellFormed(m_adminKey), init.out.constData());
        QVERIFY(init.err.contains("save it now"));
        QVERIFY(!init.err.contains(m_adminKey.toLatin1()));
        m_secrets << m_adminKey;

        m_server = std::make_unique<ServerProcess>();
        QVERIFY2(m_server->start({u"--store"_s, storePath(), u"--max-body-bytes"_s, u"65536"_s,
                                  u"--max-header-bytes"_s, u"8192"_s, u"--request-timeout-ms"_s,
                                  u"1500"_s}),
                 m_server->log().constData());
    }

    void cleanupTestCase()
    {
        const int stopped = m_server->stop();
        QVERIFY2(stopped == 0, m_server->log().right(6000).constData());
        // Not in any log line, and not in any file: the store keeps digests and hints only.
        const QByteArray log = m_server->log();
        const QByteArray disk = everythingOnDisk();
        QVERIFY(m_secrets.size() > 3);
        for (const QString& secret : std::as_const(m_secrets)) {
            if (secret.isEmpty())
                continue;
            QVERIFY2(!log.contains(secret.toLatin1()), "a key is in the server log");
            QVERIFY2(!disk.contains(secret.toLatin1()), "a key is in a file");
            QVERIFY(!disk.contains(secret.mid(3, 20).toLatin1()));
        }
        QVERIFY(log.contains("\"msg\":\"request\""));
    }

    void healthAndMetricsNeedNoKey()
    {
        const CurlReply health = curl("GET", url(u"/healthz"_s));
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json().value(u"status"_s).toString(), u"ok"_s);
        curl("GET", url(u"/v1/admin/keys"_s), admin());
        const CurlReply metrics = curl("GET", url(u"/metrics"_s));
        QCOMPARE(metrics.status, 200);
        QVERIFY(metrics.header("content-type").startsWith("text/plain; version=0.0.4"));
        QVERIFY2(metrics.body.contains(
                     "keydeck_http_requests_total{method=\"GET\",route=\"/v1/admin/keys\","
                     "status=\"200\"}"),
                 metrics.body.constData());
        QVERIFY(metrics.body.contains("keydeck_http_request_duration_seconds_bucket"));
    }

    void authenticationErrorsFollowTheErrorModel()
    {
        const QString keys = url(u"/v1/admin/keys"_s);
        const CurlReply missing = curl("GET", keys);
        QCOMPARE(missing.status, 401);
        QCOMPARE(missing.errorCode(), u"missing_api_key"_s);
        QCOMPARE(missing.json().value(u"error"_s).toObject().value(u"type"_s).toString(),
                 u"authentication_error"_s);

        const CurlReply malformed = curl("GET", keys, {u"Authorization: Bearer sk-nope"_s});
        QCOMPARE(malformed.status, 401);
        QCOMPARE(malformed.errorCode(), u"invalid_api_key"_s);

        const QString stranger = ApiKeyFormat::generate(u"sk-", *QRandomGenerator::system());
        const CurlReply unknown = curl("GET", keys, {u"x-api-key: "_s + stranger});
        QCOMPARE(unknown.status, 401);
        QCOMPARE(unknown.errorCode(), u"invalid_api_key"_s);

        // Authorization wins over x-api-key when both are sent.
        const CurlReply both = curl(
            "GET", keys, {u"Authorization: Bearer "_s + stranger, u"x-api-key: "_s + m_adminKey});
        QCOMPARE(both.errorCode(), u"invalid_api_key"_s);
        QCOMPARE(curl("GET", keys, {u"x-api-key: "_s + m_adminKey}).status, 200);

        const QJsonObject reader = createKey({{u"label"_s, u"reader"_s},
                                              {u"environment"_s, u"prod"_s},
                                              {u"permissions"_s, QJsonArray{u"read"_s}}});
        const QString readerKey = reader.value(u"secret"_s).toString();
        const CurlReply forbidden = curl("GET", keys, {u"Authorization: Bearer "_s + readerKey});
        QCOMPARE(forbidden.status, 403);
        QCOMPARE(forbidden.errorCode(), u"insufficient_permissions"_s);

        const QJsonObject fenced = createKey({{u"label"_s, u"fenced-admin"_s},
                                              {u"environment"_s, u"ops"_s},
                                              {u"permissions"_s, QJsonArray{u"admin"_s}},
                                              {u"ips"_s, QJsonArray{u"10.0.0.0/8"_s}}});
        const CurlReply fromHere =
            curl("GET", keys, {u"Authorization: Bearer "_s + fenced.value(u"secret"_s).toString()});
        QCOMPARE(fromHere.status, 403);
        QCOMPARE(fromHere.errorCode(), u"ip_not_allowed"_s);

        const QJsonObject other = createKey({{u"label"_s, u"second-admin"_s},
                                             {u"environment"_s, u"ops"_s},
                                             {u"permissions"_s, QJsonArray{u"admin"_s}}});
        const QStringList asOther{u"Authorization: Bearer "_s +
                                  other.value(u"secret"_s).toString()};
        const QString id = other.value(u"id"_s).toString();
        QCOMPARE(curl("GET", keys, asOther).status, 200);
        QCOMPARE(curl("POST", url(u"/v1/admin/keys/%1/disable"_s.arg(id)), admin()).status, 200);
        QCOMPARE(curl("GET", keys, asOther).errorCode(), u"disabled_api_key"_s);
        QCOMPARE(curl("POST", url(u"/v1/admin/keys/%1/revoke"_s.arg(id)), admin()).status, 200);
        // Revocation is immediate: the very next request.
        const CurlReply revoked = curl("GET", keys, asOther);
        QCOMPARE(revoked.status, 401);
        QCOMPARE(revoked.errorCode(), u"revoked_api_key"_s);
    }

    void createShowsTheSecretOnce()
    {
        const CurlReply created = curl("POST", url(u"/v1/admin/keys"_s), admin(),
                                       R"({"label":"prod-web-app","environment":"prod",
                                           "quota_usd":"25.00","models":["gpt-4o-mini"]})");
        QCOMPARE(created.status, 201);
        QCOMPARE(created.header("cache-control"), QByteArray("no-store"));
        const QJsonObject record = created.json();
        const QString secret = record.value(u"secret"_s).toString();
        m_secrets << secret;
        QVERIFY(ApiKeyFormat::isWellFormed(secret));
        QCOMPARE(record.value(u"hint"_s).toString(), ApiKeyFormat::displayHint(secret));
        QCOMPARE(record.value(u"quota_usd"_s).toString(), u"25.00"_s);

        const QString id = record.value(u"id"_s).toString();
        for (const QString& path :
             {u"/v1/admin/keys/"_s + id, u"/v1/admin/keys/prod-web-app"_s, u"/v1/admin/keys"_s}) {
            const CurlReply shown = curl("GET", url(path), admin());
            QCOMPARE(shown.status, 200);
            QVERIFY(shown.body.contains(id.toLatin1()));
            QVERIFY2(!shown.body.contains(secret.toLatin1()), qPrintable(path));
            QVERIFY(!shown.body.contains("\"secret\""));
            QVERIFY(shown.header("cache-control").isEmpty());
        }
    }

    void badUpdatesNameTheFieldAndChangeNothing_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("param");
        QTest::newRow("unknown field")
            << QByteArray(R"({"lable":"x"})") << u"invalid_value"_s << u"lable"_s;
        QTest::newRow("bad environment") << QByteArray(R"({"environment":"Prod Env"})")
                                         << u"invalid_value"_s << u"environment"_s;
        QTest::newRow("negative quota")
            << QByteArray(R"({"quota_usd":"-5"})") << u"invalid_value"_s << u"quota_usd"_s;
        QTest::newRow("host bits in CIDR")
            << QByteArray(R"({"ips":["10.0.0.1/8"]})") << u"invalid_value"_s << u"ips"_s;
        QTest::newRow("label taken")
            << QByteArray(R"({"label":"reader"})") << u"conflict"_s << u"label"_s;
        QTest::newRow("malformed JSON")
            << QByteArray(R"({"label": )") << u"invalid_json"_s << QString();
        QTest::newRow("not an object")
            << QByteArray(R"(["label"])") << u"invalid_json"_s << QString();
    }

    void badUpdatesNameTheFieldAndChangeNothing()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, code);
        QFETCH(QString, param);
        const QString path = url(u"/v1/admin/keys/prod-web-app"_s);
        const QByteArray before = curl("GET", path, admin()).body;
        const CurlReply reply = curl("PATCH", path, admin(), body);
        QCOMPARE(reply.status, code == u"conflict"_s ? 409 : 400);
        QCOMPARE(reply.errorCode(), code);
        QCOMPARE(reply.errorParam(), param);
        if (!param.isEmpty())
            QVERIFY2(reply.json()
                         .value(u"error"_s)
                         .toObject()
                         .value(u"message"_s)
                         .toString()
                         .contains(param),
                     reply.body.constData());
        QCOMPARE(curl("GET", path, admin()).body, before);
        verifyStillServing();
    }

    void goodUpdateChangesOnlyWhatItNames()
    {
        const QString path = url(u"/v1/admin/keys/prod-web-app"_s);
        const CurlReply reply = curl("PATCH", path, admin(), R"({"rpm": 3})");
        QCOMPARE(reply.status, 200);
        const QJsonObject record = reply.json();
        QCOMPARE(record.value(u"rpm"_s).toInt(), 3);
        QCOMPARE(record.value(u"quota_usd"_s).toString(), u"25.00"_s);
        QCOMPARE(record.value(u"models"_s).toArray(), QJsonArray{u"gpt-4o-mini"_s});
    }

    void findsAKeyByTheDigestOfItsSecret()
    {
        const QString digest = QString::fromLatin1(ApiKeyFormat::digestHex(m_adminKey));
        const CurlReply found = curl("GET", url(u"/v1/admin/key-digests/"_s + digest), admin());
        QCOMPARE(found.status, 200);
        QCOMPARE(found.json().value(u"label"_s).toString(), u"admin"_s);
        QVERIFY(!found.json().contains(u"digest"_s));
        QCOMPARE(found.json().value(u"state"_s).toString(), u"active"_s);
        QVERIFY(!found.body.contains(m_adminKey.toLatin1()));
        const QString other = QString::fromLatin1(
            ApiKeyFormat::digestHex(ApiKeyFormat::generate(u"sk-"_s, *QRandomGenerator::system())));
        QCOMPARE(curl("GET", url(u"/v1/admin/key-digests/"_s + other), admin()).status, 404);
        // The key itself is not a digest, and is never looked up as one.
        const CurlReply key = curl("GET", url(u"/v1/admin/key-digests/"_s + m_adminKey), admin());
        QCOMPARE(key.status, 400);
        QCOMPARE(key.errorParam(), u"digest"_s);
        QVERIFY(!m_server->log().contains(m_adminKey.toLatin1()));
    }

    void workspaceSettingsOverRest()
    {
        const QString path = url(u"/v1/admin/workspace"_s);
        const CurlReply shown = curl("GET", path, admin());
        QCOMPARE(shown.status, 200);
        QCOMPARE(shown.json().value(u"standard_prefix"_s).toString(), u"sk-"_s);
        for (const auto& [body, param] :
             {std::pair{QByteArray(R"({"standard_prefix":"SK-"})"), u"standard_prefix"_s},
              std::pair{QByteArray(R"({"expiry_warning_days":0})"), u"expiry_warning_days"_s},
              std::pair{QByteArray(R"({"rotation_period_days":1e300})"), u"rotation_period_days"_s},
              std::pair{QByteArray(R"({"rotation_period_days":"90"})"), u"rotation_period_days"_s},
              std::pair{QByteArray(R"({"prefix":"sk-"})"), u"prefix"_s}}) {
            const CurlReply bad = curl("PATCH", path, admin(), body);
            QCOMPARE(bad.status, 400);
            QCOMPARE(bad.errorParam(), param);
        }
        QCOMPARE(curl("GET", path, admin()).body, shown.body);
        const CurlReply branded = curl("PATCH", path, admin(), R"({"standard_prefix":"sk-aisa-"})");
        QCOMPARE(branded.status, 200);
        QCOMPARE(branded.json().value(u"subscription_prefix"_s).toString(), u"sk-sub-"_s);
        const QJsonObject key =
            createKey({{u"label"_s, u"branded"_s}, {u"environment"_s, u"dev"_s}});
        QVERIFY(key.value(u"secret"_s).toString().startsWith(u"sk-aisa-"_s));
        QCOMPARE(curl("PATCH", path, admin(), R"({"standard_prefix":"sk-"})").status, 200);
    }

    void lifecycleOverRest()
    {
        const QJsonObject key = createKey({{u"label"_s, u"batch"_s}, {u"environment"_s, u"dev"_s}});
        const QString id = key.value(u"id"_s).toString();
        const QString base = url(u"/v1/admin/keys/"_s + id);
        QCOMPARE(curl("POST", base + u"/disable"_s, admin()).json().value(u"status"_s).toString(),
                 u"disabled"_s);
        QCOMPARE(curl("POST", base + u"/enable"_s, admin()).json().value(u"status"_s).toString(),
                 u"active"_s);

        const CurlReply rotated = curl("POST", base + u"/rotate"_s, admin());
        QCOMPARE(rotated.status, 201);
        QCOMPARE(rotated.header("cache-control"), QByteArray("no-store"));
        const QString newSecret = rotated.json().value(u"secret"_s).toString();
        m_secrets << newSecret;
        QVERIFY(ApiKeyFormat::isWellFormed(newSecret));
        QCOMPARE(rotated.json().value(u"rotated_from_id"_s).toString(), id);
        const QString newId = rotated.json().value(u"id"_s).toString();
        QCOMPARE(curl("GET", base, admin()).json().value(u"rotated_to_id"_s).toString(), newId);

        const CurlReply events = curl("GET", base + u"/events"_s, admin());
        QCOMPARE(events.status, 200);
        QStringList kinds;
        for (const QJsonValue& event : events.json().value(u"data"_s).toArray())
            kinds << event.toObject().value(u"kind"_s).toString();
        QVERIFY2(kinds.contains(u"rotated"_s), qPrintable(kinds.join(u',')));

        QCOMPARE(curl("POST", base + u"/revoke"_s, admin()).status, 200);
        const CurlReply final = curl("PATCH", base, admin(), R"({"rpm": 1})");
        QCOMPARE(final.status, 409);
        QCOMPARE(final.errorCode(), u"key_revoked"_s);
        QCOMPARE(curl("POST", base + u"/enable"_s, admin()).status, 409);

        const CurlReply deleted = curl("DELETE", base, admin());
        QCOMPARE(deleted.status, 200);
        QVERIFY(deleted.json().value(u"deleted"_s).toBool());
        const CurlReply gone = curl("GET", base, admin());
        QCOMPARE(gone.status, 404);
        QCOMPARE(gone.errorCode(), u"not_found"_s);
    }

    void pendingKeysAreUnusableUntilActivated()
    {
        const CurlReply pending = curl("POST", url(u"/v1/admin/keys"_s), admin(),
                                       R"({"label":"two-step","environment":"ops",
                                           "permissions":["admin"],"pending":true})");
        QCOMPARE(pending.status, 201);
        const QString secret = pending.json().value(u"secret"_s).toString();
        m_secrets << secret;
        const QStringList asIt{u"Authorization: Bearer "_s + secret};
        QCOMPARE(curl("GET", url(u"/v1/admin/keys"_s), asIt).errorCode(), u"invalid_api_key"_s);
        const QString id = pending.json().value(u"id"_s).toString();
        QCOMPARE(curl("POST", url(u"/v1/admin/keys/%1/activate"_s.arg(id)), admin()).status, 200);
        QCOMPARE(curl("GET", url(u"/v1/admin/keys"_s), asIt).status, 200);
        QCOMPARE(
            curl("POST", url(u"/v1/admin/keys"_s), admin(), R"({"pending":"yes"})").errorParam(),
            u"pending"_s);
    }

    void listPagesWithoutRepeatsOrGaps()
    {
        for (int i = 0; i < 23; ++i)
            createKey({{u"label"_s, u"page-%1"_s.arg(i, 2, 10, QChar(u'0'))},
                       {u"environment"_s, u"paging"_s}});
        QStringList seen;
        QString cursor;
        int pages = 0;
        do {
            QString path = u"/v1/admin/keys?environment=paging&limit=10"_s;
            if (!cursor.isEmpty())
                path += u"&cursor="_s + cursor;
            const CurlReply page = curl("GET", url(path), admin());
            QCOMPARE(page.status, 200);
            const QJsonObject body = page.json();
            // The count comes with the first page only.
            QCOMPARE(body.value(u"total"_s).toInt(-1), cursor.isEmpty() ? 23 : -1);
            for (const QJsonValue& key : body.value(u"data"_s).toArray())
                seen << key.toObject().value(u"label"_s).toString();
            cursor = body.value(u"next_cursor"_s).toString();
            QCOMPARE(body.value(u"has_more"_s).toBool(), !cursor.isEmpty());
            ++pages;
        } while (!cursor.isEmpty() && pages < 10);
        QCOMPARE(pages, 3);
        QCOMPARE(seen.size(), 23);
        QCOMPARE(QSet<QString>(seen.cbegin(), seen.cend()).size(), 23);
        // Newest first.
        QCOMPARE(seen.constFirst(), u"page-22"_s);
        QCOMPARE(seen.constLast(), u"page-00"_s);

        const CurlReply search = curl("GET", url(u"/v1/admin/keys?search=PAGE-1"_s), admin());
        QCOMPARE(search.json().value(u"total"_s).toInt(), 10);
        for (const auto& [query, param] :
             {std::pair{u"limit=0"_s, u"limit"_s}, std::pair{u"limit=1001"_s, u"limit"_s},
              std::pair{u"cursor=bm9wZQ"_s, u"cursor"_s}, std::pair{u"status=gone"_s, u"status"_s},
              std::pair{u"colour=red"_s, u"colour"_s}}) {
            const CurlReply bad = curl("GET", url(u"/v1/admin/keys?"_s + query), admin());
            QCOMPARE(bad.status, 400);
            QCOMPARE(bad.errorParam(), param);
        }
    }

    void hostileRequestsGetJsonErrorsAndTheServerGoesOn_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("unknown route")
            << QByteArray("GET") << u"/v1/admin/nothing"_s << 404 << u"unknown_route"_s;
        QTest::newRow("wrong method")
            << QByteArray("PUT") << u"/v1/admin/keys"_s << 405 << u"method_not_allowed"_s;
        QTest::newRow("dot-dot id")
            << QByteArray("GET") << u"/v1/admin/keys/..%2F..%2Fetc"_s << 404 << u"unknown_route"_s;
        QTest::newRow("encoded slash")
            << QByteArray("GET") << u"/v1/admin/keys/a%2Fb"_s << 404 << u"unknown_route"_s;
        QTest::newRow("dot-dot segment")
            << QByteArray("GET") << u"/v1/admin/keys/%2E%2E"_s << 404 << u"unknown_route"_s;
        QTest::newRow("NUL in id")
            << QByteArray("GET") << u"/v1/admin/keys/a%00b"_s << 404 << u"unknown_route"_s;
        QTest::newRow("trailing slash")
            << QByteArray("GET") << u"/v1/admin/keys/"_s << 404 << u"unknown_route"_s;
        QTest::newRow("unknown id")
            << QByteArray("GET") << u"/v1/admin/keys/key_nope"_s << 404 << u"not_found"_s;
    }

    void hostileRequestsGetJsonErrorsAndTheServerGoesOn()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(int, status);
        QFETCH(QString, code);
        const CurlReply reply = curl(method, url(path), admin(), {}, {u"--path-as-is"_s});
        QCOMPARE(reply.status, status);
        QCOMPARE(reply.header("content-type"), QByteArray("application/json"));
        QCOMPARE(reply.errorCode(), code);
        if (status == 405)
            QCOMPARE(reply.header("allow"), QByteArray("GET, POST"));
        verifyStillServing();
    }

    void limitsAndSmugglingOnTheWire()
    {
        const CurlReply huge =
            curl("POST", url(u"/v1/admin/keys"_s), admin(), QByteArray(200'000, 'x'));
        QCOMPARE(huge.status, 413);
        QCOMPARE(huge.errorCode(), u"payload_too_large"_s);
        const CurlReply headers =
            curl("GET", url(u"/healthz"_s), {u"X-Filler: "_s + QString(20'000, u'a')});
        QCOMPARE(headers.status, 431);
        QCOMPARE(headers.errorCode(), u"headers_too_large"_s);

        // Content-Length and chunked together, two lengths, or a proxy-style target: refused,
        // and nothing behind them is read as a second request.
        const QByteArray smuggled = raw("POST /v1/admin/keys HTTP/1.1\r\nHost: x\r\n"
                                        "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                                        "0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY2(smuggled.startsWith("HTTP/1.1 400"), smuggled.constData());
        QCOMPARE(smuggled.count("HTTP/1.1"), 1);
        const QByteArray twoLengths =
            raw("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                "Content-Length: 2\r\n\r\nab");
        QVERIFY2(twoLengths.startsWith("HTTP/1.1 400"), twoLengths.constData());
        const QByteArray absolute =
            raw("GET http://evil.example/healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY2(absolute.startsWith("HTTP/1.1 400"), absolute.constData());
        const QByteArray garbage =
            raw("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http\r\n\r\n");
        QVERIFY2(garbage.startsWith("HTTP/1.1 400"), garbage.constData());
        // Pipelined requests are answered in order.
        const QByteArray pipelined =
            raw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QCOMPARE(pipelined.count("HTTP/1.1 "), 2);
        QVERIFY(pipelined.indexOf("HTTP/1.1 200") < pipelined.indexOf("HTTP/1.1 404"));
        verifyStillServing();
    }

    void aSlowClientIsCutOff()
    {
        // Headers trickle in for longer than --request-timeout-ms (1500 here) allows.
        QTcpSocket socket;
        socket.connectToHost(u"127.0.0.1"_s, m_server->port());
        QVERIFY(socket.waitForConnected(5000));
        QElapsedTimer timer;
        timer.start();
        socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n");
        while (timer.elapsed() < 10'000 && socket.state() == QAbstractSocket::ConnectedState) {
            socket.write("X-Slow: 1\r\n");
            socket.waitForBytesWritten(1000);
            socket.waitForReadyRead(300);
        }
        QCOMPARE(socket.state(), QAbstractSocket::UnconnectedState);
        QVERIFY2(timer.elapsed() < 10'000, "the server kept listening to a client too slow");
        QVERIFY(socket.readAll().isEmpty());
        // An idle connection that never sends a byte is closed without a word.
        QTcpSocket idle;
        idle.connectToHost(u"127.0.0.1"_s, m_server->port());
        QVERIFY(idle.waitForConnected(5000));
        QVERIFY(idle.waitForDisconnected(10'000));
        QVERIFY(idle.readAll().isEmpty());
        verifyStillServing();
    }

    // After the tests above: what they did is on record, with who, from where and how it ended.
    void theAuditLogRecordsWhatChangedAndWhatWasRefused()
    {
        const QJsonObject doomed =
            createKey({{u"label"_s, u"audited"_s}, {u"environment"_s, u"dev"_s}});
        const QString id = doomed.value(u"id"_s).toString();
        QCOMPARE(
            curl("PATCH", url(u"/v1/admin/keys/"_s + id), admin(), R"({"tier":"gold"})").status,
            400);
        QCOMPARE(curl("DELETE", url(u"/v1/admin/keys/"_s + id), admin()).status, 200);
        const QString stranger = ApiKeyFormat::generate(u"sk-", *QRandomGenerator::system());
        QCOMPARE(curl("GET", url(u"/v1/admin/keys"_s), {u"x-api-key: "_s + stranger}).status, 401);

        QList<QJsonObject> entries;
        QString cursor;
        do {
            const CurlReply page =
                curl("GET",
                     url(u"/v1/admin/audit?limit=50"_s +
                         (cursor.isEmpty() ? QString() : u"&cursor="_s + cursor)),
                     admin());
            QCOMPARE(page.status, 200);
            QVERIFY2(!page.body.contains(stranger.toLatin1()), "a key is in the audit log");
            for (const QJsonValue& entry : page.json().value(u"data"_s).toArray())
                entries << entry.toObject();
            cursor = page.json().value(u"next_cursor"_s).toString();
        } while (!cursor.isEmpty());

        const auto find = [&](const QString& action, const QString& target) {
            for (const QJsonObject& entry : entries) {
                if (entry.value(u"action"_s).toString() == action &&
                    entry.value(u"target"_s).toString() == target)
                    return entry;
            }
            return QJsonObject();
        };
        // Newest first: the refused request came last.
        const QJsonObject refused = entries.value(0);
        QCOMPARE(refused.value(u"action"_s).toString(), u"key.list"_s);
        QCOMPARE(refused.value(u"outcome"_s).toString(), u"invalid_api_key"_s);
        QCOMPARE(refused.value(u"status"_s).toInt(), 401);
        QVERIFY(refused.value(u"actor"_s).isNull());
        QCOMPARE(refused.value(u"client"_s).toString(), u"127.0.0.1"_s);

        const QJsonObject created = find(u"key.create"_s, id);
        QCOMPARE(created.value(u"outcome"_s).toString(), u"ok"_s);
        QCOMPARE(created.value(u"status"_s).toInt(), 201);
        const QJsonObject actor = created.value(u"actor"_s).toObject();
        QCOMPARE(actor.value(u"label"_s).toString(), u"admin"_s);
        QCOMPARE(actor.value(u"hint"_s).toString(), ApiKeyFormat::displayHint(m_adminKey));
        const QJsonObject badUpdate = find(u"key.update"_s, id);
        QCOMPARE(badUpdate.value(u"outcome"_s).toString(), u"invalid_value"_s);
        // The key is gone; what was done to it is not.
        QCOMPARE(find(u"key.delete"_s, id).value(u"outcome"_s).toString(), u"ok"_s);
        QCOMPARE(curl("GET", url(u"/v1/admin/keys/"_s + id), admin()).status, 404);
        // A read-only key turned away is recorded with who it was.
        bool forbiddenRecorded = false;
        for (const QJsonObject& entry : entries)
            forbiddenRecorded =
                forbiddenRecorded ||
                (entry.value(u"outcome"_s).toString() == u"insufficient_permissions"_s &&
                 entry.value(u"actor"_s).toObject().value(u"label"_s).toString() == u"reader"_s);
        QVERIFY(forbiddenRecorded);
        // Reads that succeeded are not actions.
        for (const QJsonObject& entry : entries)
            QVERIFY(!(entry.value(u"action"_s).toString() == u"key.show"_s &&
                      entry.value(u"outcome"_s).toString() == u"ok"_s));
        QCOMPARE(curl("GET", url(u"/v1/admin/audit?cursor=abc"_s), admin()).errorParam(),
                 u"cursor"_s);
        QCOMPARE(curl("GET", url(u"/v1/admin/audit?limit=0"_s), admin()).errorParam(), u"limit"_s);
    }

    // Another admin's change reaches every follower of /v1/admin/events: made through this
    // server, or by another program writing the same store (keydeckctl here).
    void eventsReachEveryFollower()
    {
        QProcess follower;
        follower.start(u"curl"_s,
                       {u"--silent"_s, u"--no-buffer"_s, u"--include"_s, u"--header"_s,
                        u"Authorization: Bearer "_s + m_adminKey, url(u"/v1/admin/events"_s)});
        QVERIFY(follower.waitForStarted());
        QByteArray stream;
        const auto waitFor = [&](const QByteArray& text) {
            QElapsedTimer timer;
            timer.start();
            while (!stream.contains(text) && timer.elapsed() < 10'000) {
                follower.waitForReadyRead(100);
                stream += follower.readAllStandardOutput();
            }
            return stream.contains(text);
        };
        QVERIFY2(waitFor("event: ready"), stream.constData());
        QVERIFY(stream.startsWith("HTTP/1.1 200"));
        QVERIFY(stream.contains("Content-Type: text/event-stream"));

        QElapsedTimer sinceChange;
        sinceChange.start();
        createKey({{u"label"_s, u"seen-by-followers"_s}, {u"environment"_s, u"dev"_s}});
        QVERIFY2(waitFor("event: keys"), stream.constData());
        qInfo("a change through the server reached a follower after %lld ms",
              sinceChange.elapsed());

        stream.clear();
        sinceChange.restart();
        QProcess cli;
        cli.start(QStringLiteral(KEYDECKCTL_PATH),
                  {u"--store"_s, storePath(), u"keys"_s, u"disable"_s, u"seen-by-followers"_s});
        QVERIFY(cli.waitForFinished(30'000));
        QCOMPARE(cli.exitCode(), 0);
        QVERIFY2(waitFor("event: keys"), stream.constData());
        qInfo("a change by keydeckctl on the same file reached a follower after %lld ms",
              sinceChange.elapsed());
        // No key ever travels on the stream.
        QVERIFY(!stream.contains("secret"));

        follower.terminate();
        QVERIFY(follower.waitForFinished(5000));
        verifyStillServing();
    }

    void servesHttpsWithTheGivenCertificate()
    {
        QString error;
        QVERIFY2(TestCertificate::make(m_dir.filePath(u"tls"_s), &error), qPrintable(error));
        const TestCertificate tlsFiles(m_dir.filePath(u"tls"_s));
        const QString cert = tlsFiles.certificatePath();
        const QString key = tlsFiles.keyPath();

        ServerProcess tls;
        QVERIFY2(tls.start({u"--store"_s, storePath(), u"--tls-cert"_s, cert, u"--tls-key"_s, key}),
                 tls.log().constData());
        const CurlReply health =
            curl("GET", tls.baseUrl(u"https"_s) + u"/healthz"_s, {}, {}, {u"--cacert"_s, cert});
        QCOMPARE(health.status, 200);
        const CurlReply keys = curl("GET", tls.baseUrl(u"https"_s) + u"/v1/admin/keys"_s, admin(),
                                    {}, {u"--cacert"_s, cert});
        QCOMPARE(keys.status, 200);
        // A stream over TLS: the connection's read (watching for the client to go) and its
        // writes run side by side.
        const CurlReply events = curl("GET", tls.baseUrl(u"https"_s) + u"/v1/admin/events"_s,
                                      admin(), {}, {u"--cacert"_s, cert, u"--max-time"_s, u"2"_s});
        QCOMPARE(events.status, 200);
        QVERIFY2(events.body.contains("event: ready"), events.body.constData());
        // Plain HTTP to the TLS port gets no answer, and the server goes on.
        const CurlReply plain = curl("GET", tls.baseUrl() + u"/healthz"_s);
        QCOMPARE(plain.status, 0);
        QVERIFY(plain.curlExit != 0);
        QCOMPARE(curl("GET", tls.baseUrl(u"https"_s) + u"/healthz"_s, {}, {}, {u"--cacert"_s, cert})
                     .status,
                 200);
        const int stopped = tls.stop();
        QVERIFY2(stopped == 0, tls.log().right(6000).constData());
        QVERIFY(!tls.log().contains(m_adminKey.toLatin1()));
    }

    // Runs last: it leaves this address slowed down.
    // A master key, made by the server and configured by its digest, opens the admin API with no
    // key in the store; its actions are on record as the master key's, never with its secret.
    void aMasterKeyKeptOutsideTheStoreIsAnAdmin()
    {
        const ServerProcess::Run made = ServerProcess::run({u"master-key"_s});
        QCOMPARE(made.exitCode, 0);
        const QString master = QString::fromLatin1(made.out.trimmed());
        QVERIFY(ApiKeyFormat::isWellFormed(master));
        const QByteArray digest = ApiKeyFormat::digestHex(master);
        QVERIFY2(made.err.contains(digest), made.err.constData());
        QVERIFY(!made.err.contains(master.toLatin1()));

        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"KEYDECK_ADMIN_KEY_SHA256"_s, QString::fromLatin1(digest));
        ServerProcess server;
        server.setEnvironment(environment);
        QVERIFY2(server.start({u"--store"_s, m_dir.filePath(u"mastered.sqlite"_s)}),
                 server.log().constData());
        const QStringList asMaster{u"Authorization: Bearer "_s + master};
        const CurlReply created =
            curl("POST", server.baseUrl() + u"/v1/admin/keys"_s, asMaster, R"({"label":"first"})");
        QCOMPARE(created.status, 201);
        // Only the master key: the store holds no admin key, and another key is refused.
        const QString other =
            ApiKeyFormat::generate(ApiKeyFormat::defaultPrefix(), *QRandomGenerator::system());
        const CurlReply refused = curl("GET", server.baseUrl() + u"/v1/admin/keys"_s,
                                       {u"Authorization: Bearer "_s + other});
        QCOMPARE(refused.status, 401);
        const CurlReply audit = curl("GET", server.baseUrl() + u"/v1/admin/audit"_s, asMaster);
        QCOMPARE(audit.status, 200);
        const QJsonObject creation = audit.json().value(u"data"_s).toArray().last().toObject();
        QCOMPARE(creation.value(u"action"_s).toString(), u"key.create"_s);
        QCOMPARE(creation.value(u"actor"_s)[u"id"_s].toString(), u"master"_s);
        QCOMPARE(creation.value(u"actor"_s)[u"hint"_s].toString(),
                 ApiKeyFormat::displayHint(master));
        QVERIFY(!audit.body.contains(master.toLatin1()));
        server.stop();
        QVERIFY(!server.log().contains(master.toLatin1()));
    }

    void zzRepeatedFailuresAreSlowedDown()
    {
        const QString stranger = ApiKeyFormat::generate(u"sk-", *QRandomGenerator::system());
        for (int i = 0; i < 8; ++i)
            curl("GET", url(u"/v1/admin/keys"_s), {u"Authorization: Bearer "_s + stranger});
        QElapsedTimer timer;
        timer.start();
        const CurlReply slowed =
            curl("GET", url(u"/v1/admin/keys"_s), {u"Authorization: Bearer "_s + stranger});
        QCOMPARE(slowed.errorCode(), u"invalid_api_key"_s);
        // A lower bound only: the throttle holds the answer at least this long.
        QVERIFY2(timer.elapsed() >= 250, qPrintable(QString::number(timer.elapsed())));
        // Health checks are not slowed: they need no key.
        timer.restart();
        verifyStillServing();
    }
};

QTEST_GUILESS_MAIN(TestServerAdmin)
#include "tst_server_admin.moc"
