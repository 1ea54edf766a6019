// keydeck-server as the gateway, end to end: the real binary on a loopback port with its
// in-process mock upstream (and, for failures, a mock-upstream process or none at all), driven
// with curl as a client would. Every refusal of SPEC §5 in its order, both key headers, both
// error envelopes, streams relayed event by event, and the usage each request leaves behind.
#include "ApiKeyFormat.h"
#include "GatewayServer.h"
#include "MockUpstreamProcess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Qt::StringLiterals;

class TestGateway final : public QObject
{
    Q_OBJECT

private:
    QString url(const QString& path) { return m_gateway.baseUrl() + path; }
    QStringList admin() const { return m_gateway.adminHeader(); }
    static QStringList bearer(const QString& key) { return {u"Authorization: Bearer "_s + key}; }

    // A key made through the admin API (GatewayServer::createKey), remembered for the log check.
    QString createKey(const QJsonObject& spec, QString* id = nullptr)
    {
        const QString secret = m_gateway.createKey(spec, id);
        m_secrets << secret;
        return secret;
    }
    CurlReply chat(const QStringList& headers, const QJsonObject& body,
                   const QString& path = u"/v1/chat/completions"_s)
    {
        return curl("POST", url(path), headers + QStringList{u"Content-Type: application/json"_s},
                    QJsonDocument(body).toJson(QJsonDocument::Compact));
    }
    static QJsonObject hello(const QString& model = u"gpt-4o-mini"_s)
    {
        return {{u"model"_s, model},
                {u"messages"_s,
                 QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"Say hello"_s}}}}};
    }
    // The usage log of a key, newest first, once it holds at least `count` events (the
    // gateway writes its events in batches).
    QJsonArray usageOf(const QString& keyId, int count)
    {
        QElapsedTimer waited;
        waited.start();
        QJsonArray events;
        while (waited.elapsed() < 10'000) {
            const CurlReply logs =
                curl("GET",
                     url(u"/v1/admin/usage/logs?key=%1&from=2020-01-01T00:00:00Z&limit=100"_s.arg(
                         keyId)),
                     admin());
            events = logs.json().value(u"data"_s).toArray();
            if (events.size() >= count)
                break;
            QThread::msleep(100);
        }
        return events;
    }

    // Another server on the test's store, with one more environment variable.
    bool startWith(ServerProcess& server, const QString& variable, const QString& value,
                   const QStringList& arguments)
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(variable, value);
        server.setEnvironment(environment);
        return server.start(QStringList{u"--store"_s, m_dir.filePath(u"gateway.sqlite"_s)} +
                            arguments);
    }

    void verifyNoSecretInLog()
    {
        const QByteArray log = m_gateway.process().log();
        for (const QString& secret : std::as_const(m_secrets))
            QVERIFY2(!log.contains(secret.toLatin1()), "a key's secret is in the server's log");
    }

    QTemporaryDir m_dir;
    GatewayServer m_gateway;
    QString m_appKey;
    QString m_appId;
    QStringList m_secrets;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(m_gateway.start(m_dir.filePath(u"gateway.sqlite"_s)),
                 qPrintable(m_gateway.error()));
        m_secrets << m_gateway.adminKey();
        m_appKey = createKey({{u"label"_s, u"app"_s}}, &m_appId);
        QVERIFY(!m_appKey.isEmpty());
    }

    void cleanupTestCase() { verifyNoSecretInLog(); }

    void aCompletionComesBackWithItsUsage()
    {
        const CurlReply reply = chat(bearer(m_appKey), hello());
        QCOMPARE(reply.status, 200);
        const QJsonObject body = reply.json();
        QCOMPARE(body.value(u"object"_s).toString(), u"chat.completion"_s);
        QVERIFY(!body.value(u"choices"_s)
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(u"message"_s)
                     .toObject()
                     .value(u"content"_s)
                     .toString()
                     .isEmpty());
        QVERIFY(body.value(u"usage"_s).toObject().value(u"prompt_tokens"_s).toInt() > 0);
        QVERIFY(reply.header("x-request-id").startsWith("req_"));
    }

    void missingAndMalformedKeysAreRefusedBeforeAnyLookup_data()
    {
        QTest::addColumn<QStringList>("headers");
        QTest::addColumn<QString>("code");
        QTest::newRow("no key") << QStringList() << u"missing_api_key"_s;
        QTest::newRow("not a bearer token")
            << QStringList{u"Authorization: Basic dXNlcjpwYXNz"_s} << u"invalid_api_key"_s;
        QTest::newRow("too short") << bearer(u"sk-abc"_s) << u"invalid_api_key"_s;
        // One character changed: the checksum no longer fits.
        QString typo = ApiKeyFormat::generate(u"sk-"_s, *QRandomGenerator::global());
        typo[5] = typo[5] == u'a' ? u'b' : u'a';
        QTest::newRow("checksum") << bearer(typo) << u"invalid_api_key"_s;
        QTest::newRow("well formed, unknown")
            << bearer(ApiKeyFormat::generate(u"sk-"_s, *QRandomGenerator::global()))
            << u"invalid_api_key"_s;
    }

    void missingAndMalformedKeysAreRefusedBeforeAnyLookup()
    {
        QFETCH(QStringList, headers);
        QFETCH(QString, code);
        const CurlReply reply = chat(headers, hello());
        QCOMPARE(reply.status, 401);
        QCOMPARE(reply.errorCode(), code);
        QCOMPARE(reply.json().value(u"error"_s).toObject().value(u"type"_s).toString(),
                 u"authentication_error"_s);
        // The presented key is never echoed.
        for (const QString& header : headers)
            QVERIFY(!reply.body.contains(header.section(u' ', -1).toLatin1()));
    }

    void authorizationWinsOverXApiKey()
    {
        const QString unknown = ApiKeyFormat::generate(u"sk-"_s, *QRandomGenerator::global());
        QCOMPARE(chat(bearer(m_appKey) + QStringList{u"x-api-key: "_s + unknown}, hello()).status,
                 200);
        const CurlReply refused =
            chat(bearer(unknown) + QStringList{u"x-api-key: "_s + m_appKey}, hello());
        QCOMPARE(refused.status, 401);
        QCOMPARE(refused.errorCode(), u"invalid_api_key"_s);
        QCOMPARE(chat({u"x-api-key: "_s + m_appKey}, hello()).status, 200);
    }

    void aStreamIsRelayedEventByEvent()
    {
        QJsonObject body = hello();
        body[u"stream"_s] = true;
        const CurlReply plain = chat(bearer(m_appKey), body);
        QCOMPARE(plain.status, 200);
        QVERIFY(plain.header("content-type").startsWith("text/event-stream"));
        QVERIFY(plain.body.contains("chat.completion.chunk"));
        QVERIFY(plain.body.trimmed().endsWith("data: [DONE]"));
        // The gateway asked for usage to meter the stream; the client did not, so it is not
        // sent the extra chunk.
        QVERIFY2(!plain.body.contains("\"usage\":{"), plain.body.constData());

        body[u"stream_options"_s] = QJsonObject{{u"include_usage"_s, true}};
        const CurlReply withUsage = chat(bearer(m_appKey), body);
        QCOMPARE(withUsage.status, 200);
        QVERIFY2(withUsage.body.contains("\"usage\":{"), withUsage.body.constData());
    }

    void completionsAndEmbeddingsAndModels()
    {
        const CurlReply completion =
            chat(bearer(m_appKey), {{u"model"_s, u"gpt-4o-mini"_s}, {u"prompt"_s, u"Hi"_s}},
                 u"/v1/completions"_s);
        QCOMPARE(completion.status, 200);
        QCOMPARE(completion.json().value(u"object"_s).toString(), u"text_completion"_s);
        const CurlReply embedding =
            chat(bearer(m_appKey),
                 {{u"model"_s, u"text-embedding-3-small"_s}, {u"input"_s, u"KeyDeck"_s}},
                 u"/v1/embeddings"_s);
        QCOMPARE(embedding.status, 200);
        QCOMPARE(embedding.json().value(u"data"_s).toArray().size(), 1);
        const CurlReply models = curl("GET", url(u"/v1/models"_s), bearer(m_appKey));
        QCOMPARE(models.status, 200);
        QVERIFY(models.json().value(u"data"_s).toArray().size() > 2);
    }

    void anthropicMessagesSpeakAnthropic()
    {
        const QStringList headers{u"x-api-key: "_s + m_appKey, u"anthropic-version: 2023-06-01"_s};
        QJsonObject body{{u"model"_s, u"claude-3-5-haiku-latest"_s},
                         {u"max_tokens"_s, 64},
                         {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s},
                                                                {u"content"_s, u"Hello"_s}}}}};
        const CurlReply message = chat(headers, body, u"/v1/messages"_s);
        QCOMPARE(message.status, 200);
        QCOMPARE(message.json().value(u"type"_s).toString(), u"message"_s);
        body[u"stream"_s] = true;
        const CurlReply stream = chat(headers, body, u"/v1/messages"_s);
        QCOMPARE(stream.status, 200);
        QVERIFY(stream.body.contains("event: message_start"));
        QVERIFY(stream.body.contains("event: message_stop"));

        const CurlReply refused = chat({u"x-api-key: sk-nope"_s}, body, u"/v1/messages"_s);
        QCOMPARE(refused.status, 401);
        const QJsonObject envelope = refused.json();
        QCOMPARE(envelope.value(u"type"_s).toString(), u"error"_s);
        QCOMPARE(envelope.value(u"error"_s).toObject().value(u"type"_s).toString(),
                 u"authentication_error"_s);
    }

    void refusalsFollowTheSpecOrder()
    {
        QString revokedId;
        const QString revoked = createKey({{u"label"_s, u"revoked"_s}}, &revokedId);
        QCOMPARE(chat(bearer(revoked), hello()).status, 200);
        // Revoked now: the very next request is refused, though the key was just cached.
        QVERIFY(m_gateway.adminPost(u"/v1/admin/keys/%1/revoke"_s.arg(revokedId)));
        CurlReply reply = chat(bearer(revoked), hello());
        QCOMPARE(reply.status, 401);
        QCOMPARE(reply.errorCode(), u"revoked_api_key"_s);

        QString disabledId;
        const QString disabled = createKey({{u"label"_s, u"paused"_s}}, &disabledId);
        QCOMPARE(chat(bearer(disabled), hello()).status, 200);
        QVERIFY(m_gateway.adminPost(u"/v1/admin/keys/%1/disable"_s.arg(disabledId)));
        reply = chat(bearer(disabled), hello());
        QCOMPARE(reply.status, 401);
        QCOMPARE(reply.errorCode(), u"disabled_api_key"_s);
        QVERIFY(m_gateway.adminPost(u"/v1/admin/keys/%1/enable"_s.arg(disabledId)));
        QCOMPARE(chat(bearer(disabled), hello()).status, 200);

        const QString elsewhere =
            createKey({{u"label"_s, u"office"_s}, {u"ips"_s, QJsonArray{u"10.9.9.0/24"_s}}});
        reply = chat(bearer(elsewhere), hello());
        QCOMPARE(reply.status, 403);
        QCOMPARE(reply.errorCode(), u"ip_not_allowed"_s);

        const QString writer =
            createKey({{u"label"_s, u"writer"_s}, {u"permissions"_s, QJsonArray{u"write"_s}}});
        reply = chat(bearer(writer), hello());
        QCOMPARE(reply.status, 403);
        QCOMPARE(reply.errorCode(), u"insufficient_permissions"_s);

        const QString mini =
            createKey({{u"label"_s, u"mini-only"_s}, {u"models"_s, QJsonArray{u"gpt-4o-mini"_s}}});
        QCOMPARE(chat(bearer(mini), hello()).status, 200);
        reply = chat(bearer(mini), hello(u"gpt-4o"_s));
        QCOMPARE(reply.status, 403);
        QCOMPARE(reply.errorCode(), u"model_not_allowed"_s);
        QCOMPARE(reply.errorParam(), u"model"_s);
        const CurlReply models = curl("GET", url(u"/v1/models"_s), bearer(mini));
        QCOMPARE(models.status, 200);
        const QJsonArray listed = models.json().value(u"data"_s).toArray();
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.at(0).toObject().value(u"id"_s).toString(), u"gpt-4o-mini"_s);
    }

    void forwardedForIsBelievedOnlyFromTrustedProxies()
    {
        const QString office = createKey(
            {{u"label"_s, u"behind-proxy"_s}, {u"ips"_s, QJsonArray{u"198.51.100.0/24"_s}}});
        const QStringList forwarded =
            bearer(office) + QStringList{u"X-Forwarded-For: 198.51.100.7"_s};
        // Anyone can send the header: a server that trusts no proxy ignores it.
        CurlReply reply = chat(forwarded, hello());
        QCOMPARE(reply.status, 403);
        QCOMPARE(reply.errorCode(), u"ip_not_allowed"_s);

        ServerProcess behindProxy;
        QVERIFY2(
            behindProxy.start({u"--store"_s, m_dir.filePath(u"gateway.sqlite"_s), u"--upstream"_s,
                               u"mock"_s, u"--trusted-proxy"_s, u"127.0.0.1/32"_s}),
            behindProxy.log().constData());
        const auto send = [&](const QStringList& headers) {
            return curl("POST", behindProxy.baseUrl() + u"/v1/chat/completions"_s,
                        headers + QStringList{u"Content-Type: application/json"_s},
                        QJsonDocument(hello()).toJson(QJsonDocument::Compact));
        };
        QCOMPARE(send(forwarded).status, 200);
        // Read from the right: a client's own entry to the left of the proxy's changes nothing.
        QCOMPARE(send(bearer(office) + QStringList{u"X-Forwarded-For: 203.0.113.1, 198.51.100.7"_s})
                     .status,
                 200);
        QCOMPARE(send(bearer(office) + QStringList{u"X-Forwarded-For: 198.51.100.7, 203.0.113.1"_s})
                     .status,
                 403);
        QCOMPARE(send(bearer(office)).status, 403);
    }

    void aKeyPastItsRateIsToldWhenToComeBack()
    {
        // The free tier allows 5 requests a minute.
        const QString key = createKey({{u"label"_s, u"free"_s}, {u"tier"_s, u"free"_s}});
        for (int i = 0; i < 5; ++i) {
            const CurlReply reply = chat(bearer(key), hello());
            QCOMPARE(reply.status, 200);
            QCOMPARE(reply.header("x-ratelimit-limit-requests"), QByteArray("5"));
            QCOMPARE(reply.header("x-ratelimit-remaining-requests"), QByteArray::number(4 - i));
            QCOMPARE(reply.header("x-ratelimit-limit-tokens"), QByteArray("10000"));
        }
        const CurlReply refused = chat(bearer(key), hello());
        QCOMPARE(refused.status, 429);
        QCOMPARE(refused.errorCode(), u"rate_limit_exceeded"_s);
        const int retryAfter = refused.header("retry-after").toInt();
        QVERIFY2(retryAfter >= 1 && retryAfter <= 12, refused.header("retry-after").constData());
        QCOMPARE(refused.header("x-ratelimit-remaining-requests"), QByteArray("0"));
        QVERIFY(!refused.header("x-ratelimit-reset-requests").isEmpty());

        // A tokens-per-minute override below the request's estimate: refused by tokens.
        const QString small =
            createKey({{u"label"_s, u"few-tokens"_s}, {u"tier"_s, u"pro"_s}, {u"tpm"_s, 100}});
        QJsonObject large = hello();
        large[u"max_tokens"_s] = 500;
        const CurlReply tokens = chat(bearer(small), large);
        QCOMPARE(tokens.status, 429);
        QCOMPARE(tokens.errorCode(), u"rate_limit_exceeded"_s);
        QCOMPARE(tokens.header("x-ratelimit-limit-tokens"), QByteArray("100"));
        large[u"max_tokens"_s] = 5;
        QCOMPARE(chat(bearer(small), large).status, 200);
    }

    void badBodiesNameTheProblem()
    {
        CurlReply reply = curl("POST", url(u"/v1/chat/completions"_s), bearer(m_appKey), "{oops");
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.errorCode(), u"invalid_json"_s);
        reply = chat(bearer(m_appKey), {{u"messages"_s, QJsonArray()}});
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.errorParam(), u"model"_s);
        reply = chat(bearer(m_appKey), hello(u"gpt 4o\n"_s));
        QCOMPARE(reply.status, 400);
        QCOMPARE(reply.errorParam(), u"model"_s);
        // A body too deep for the parser is refused, and the server goes on.
        QByteArray deep =
            "{\"model\":\"gpt-4o\",\"x\":" + QByteArray(5000, '[') + QByteArray(5000, ']') + "}";
        reply = curl("POST", url(u"/v1/chat/completions"_s), bearer(m_appKey), deep);
        QCOMPARE(reply.status, 400);
        QCOMPARE(chat(bearer(m_appKey), hello()).status, 200);
    }

    void hostileBytesOnTheWireAreRefusedAndTheServerGoesOn_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QByteArray>("answer");
        const QByteArray auth = "Authorization: Bearer " + m_appKey.toLatin1() + "\r\n";
        const QByteArray json = R"({"model":"gpt-4o-mini","messages":[]})";
        // Content-Length and Transfer-Encoding together: the one way to smuggle a second request.
        QTest::newRow("smuggling") << "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth +
                                          "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                                          "0\r\n\r\nGET /v1/models HTTP/1.1\r\nHost: x\r\n" +
                                          auth + "\r\n"
                                   << QByteArray("HTTP/1.1 400");
        QTest::newRow("bad chunk size")
            << "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth +
                   "Transfer-Encoding: chunked\r\n\r\nZZ\r\n" + json + "\r\n0\r\n\r\n"
            << QByteArray("HTTP/1.1 400");
        QTest::newRow("absurd length")
            << "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth +
                   "Content-Length: 99999999999999999999999\r\n\r\n" + json
            << QByteArray("HTTP/1.1 4");
        QTest::newRow("body over the limit")
            << "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth +
                   "Content-Length: 2000000\r\n\r\n" + json
            << QByteArray("HTTP/1.1 413");
        QTest::newRow("oversized header")
            << "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth +
                   "X-Big: " + QByteArray(40'000, 'a') + "\r\nContent-Length: 2\r\n\r\n{}"
            << QByteArray("HTTP/1.1 431");
        QByteArray many;
        for (int i = 0; i < 2000; ++i)
            many += "X-H" + QByteArray::number(i) + ": v\r\n";
        QTest::newRow("too many headers") << "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" +
                                                 auth + many + "Content-Length: 2\r\n\r\n{}"
                                          << QByteArray("HTTP/1.1 431");
        const QByteArray badUtf8 = "{\"model\":\"gpt-4o-mini\",\"x\":\"\xff\xfe\"}";
        QTest::newRow("invalid UTF-8")
            << "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth +
                   "Content-Length: " + QByteArray::number(badUtf8.size()) + "\r\n\r\n" + badUtf8
            << QByteArray("HTTP/1.1 400");
    }

    void hostileBytesOnTheWireAreRefusedAndTheServerGoesOn()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QByteArray, answer);
        const QByteArray reply = m_gateway.process().exchange(bytes);
        QVERIFY2(reply.startsWith(answer), reply.left(300).constData());
        // One answer, to the one request: nothing smuggled behind it was served.
        QCOMPARE(reply.count("HTTP/1.1 "), 1);
        QVERIFY(!reply.contains(m_appKey.toLatin1()));
        QCOMPARE(chat(bearer(m_appKey), hello()).status, 200);
    }

    void aClientThatHangsUpOnAStreamCostsOthersNothing()
    {
        QJsonObject body = hello();
        body[u"stream"_s] = true;
        const QByteArray json = QJsonDocument(body).toJson(QJsonDocument::Compact);
        // Read the head and the first bytes of the stream, then hang up.
        for (int i = 0; i < 5; ++i) {
            const QByteArray partial = m_gateway.process().exchange(
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                    m_appKey.toLatin1() + "\r\nContent-Type: application/json\r\nContent-Length: " +
                    QByteArray::number(json.size()) + "\r\n\r\n" + json,
                100);
            QVERIFY2(partial.startsWith("HTTP/1.1 200"), partial.left(200).constData());
        }
        QCOMPARE(chat(bearer(m_appKey), hello()).status, 200);
    }

    void everyRequestIsMeteredRefusalsIncluded()
    {
        QString id;
        const QString key = createKey(
            {{u"label"_s, u"metered"_s}, {u"models"_s, QJsonArray{u"gpt-4o-mini"_s}}}, &id);
        const CurlReply ok = chat(bearer(key), hello());
        QCOMPARE(ok.status, 200);
        QJsonObject streamed = hello();
        streamed[u"stream"_s] = true;
        QCOMPARE(chat(bearer(key), streamed).status, 200);
        QCOMPARE(chat(bearer(key), hello(u"gpt-4o"_s)).status, 403);

        const QJsonArray events = usageOf(id, 3);
        QCOMPARE(events.size(), 3);
        const QJsonObject usage = ok.json().value(u"usage"_s).toObject();
        int refusals = 0;
        int withTokens = 0;
        for (const QJsonValue& value : events) {
            const QJsonObject event = value.toObject();
            QCOMPARE(event.value(u"endpoint"_s).toString(), u"/v1/chat/completions"_s);
            QVERIFY(event.value(u"request_id"_s).toString().startsWith(u"req_"_s));
            if (event.value(u"status"_s).toInt() == 403) {
                ++refusals;
                QCOMPARE(event.value(u"model"_s).toString(), u"gpt-4o"_s);
                QCOMPARE(event.value(u"completion_tokens"_s).toInt(), 0);
                continue;
            }
            // Both the plain answer and the stream report the mock's usage for the same prompt.
            QCOMPARE(event.value(u"prompt_tokens"_s).toInt(),
                     usage.value(u"prompt_tokens"_s).toInt());
            QCOMPARE(event.value(u"completion_tokens"_s).toInt(),
                     usage.value(u"completion_tokens"_s).toInt());
            ++withTokens;
        }
        QCOMPARE(refusals, 1);
        QCOMPARE(withTokens, 2);
        // Priced from the price table, and the key's last use follows.
        const CurlReply record = curl("GET", url(u"/v1/admin/keys/%1"_s.arg(id)), admin());
        QVERIFY(!record.json().value(u"last_used_at"_s).isNull());
    }

    void upstreamFailuresAreTheGatewaysOwnErrors()
    {
        // Nothing listens on the upstream's port: 502 at once.
        ServerProcess unreachable;
        QVERIFY2(unreachable.start({u"--store"_s, m_dir.filePath(u"gateway.sqlite"_s),
                                    u"--upstream"_s, u"http://127.0.0.1:1/v1"_s}),
                 unreachable.log().constData());
        QElapsedTimer timer;
        timer.start();
        CurlReply reply = curl("POST", unreachable.baseUrl() + u"/v1/chat/completions"_s,
                               bearer(m_appKey), QJsonDocument(hello()).toJson());
        QCOMPARE(reply.status, 502);
        QCOMPARE(reply.errorCode(), u"upstream_unavailable"_s);
        QVERIFY(timer.elapsed() < 5000);

        // An upstream slower than --upstream-timeout: 504.
        MockUpstreamProcess slow;
        QVERIFY(slow.start({u"--delay-ms"_s, u"4000"_s}));
        ServerProcess impatient;
        QVERIFY2(
            impatient.start({u"--store"_s, m_dir.filePath(u"gateway.sqlite"_s), u"--upstream"_s,
                             slow.baseUrl(), u"--upstream-timeout"_s, u"1"_s}),
            impatient.log().constData());
        reply = curl("POST", impatient.baseUrl() + u"/v1/chat/completions"_s, bearer(m_appKey),
                     QJsonDocument(hello()).toJson());
        QCOMPARE(reply.status, 504);
        QCOMPARE(reply.errorCode(), u"upstream_timeout"_s);
    }

    // [[upstreams]] in the config file: each request goes to the upstream of its dialect that
    // serves its model, with that upstream's own key; other models are nobody's.
    void configuredUpstreamsServeTheirModelsWithTheirKeys()
    {
        MockUpstreamProcess openai;
        QVERIFY(openai.start({}, u"sk-upstream-openai-0000"_s));
        MockUpstreamProcess anthropic;
        QVERIFY(anthropic.start({}, u"sk-ant-upstream-0000"_s));
        QFile config(m_dir.filePath(u"upstreams.toml"_s));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(u"[[upstreams]]\nname = \"oa\"\nbase_url = \"%1\"\nkind = \"openai\"\n"
                     "models = [\"gpt-4o-mini\", \"text-embedding-*\"]\n"
                     "api_key_env = \"TEST_OPENAI_KEY\"\n\n"
                     "[[upstreams]]\nname = \"an\"\nbase_url = \"%2\"\nkind = \"anthropic\"\n"
                     "models = [\"claude-*\"]\napi_key = \"sk-ant-upstream-0000\"\n"_s
                         .arg(openai.baseUrl(), anthropic.baseUrl())
                         .toUtf8());
        config.close();
        ServerProcess routed;
        QVERIFY2(startWith(routed, u"TEST_OPENAI_KEY"_s, u"sk-upstream-openai-0000"_s,
                           {u"--config"_s, config.fileName()}),
                 routed.log().constData());
        const auto post = [&](const QString& path, const QJsonObject& body,
                              const QStringList& headers) {
            return curl("POST", routed.baseUrl() + path,
                        headers + QStringList{u"Content-Type: application/json"_s},
                        QJsonDocument(body).toJson(QJsonDocument::Compact));
        };
        const QJsonObject message{
            {u"model"_s, u"claude-3-5-haiku-latest"_s},
            {u"max_tokens"_s, 8},
            {u"messages"_s,
             QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"Hi"_s}}}}};
        QCOMPARE(post(u"/v1/chat/completions"_s, hello(), bearer(m_appKey)).status, 200);
        QCOMPARE(post(u"/v1/embeddings"_s,
                      {{u"model"_s, u"text-embedding-3-small"_s}, {u"input"_s, u"KeyDeck"_s}},
                      bearer(m_appKey))
                     .status,
                 200);
        QCOMPARE(post(u"/v1/messages"_s, message, {u"x-api-key: "_s + m_appKey}).status, 200);
        // No OpenAI-dialect upstream serves Claude, and no Anthropic one serves GPT.
        const CurlReply claudeOnOpenAi =
            post(u"/v1/chat/completions"_s, hello(u"claude-3-5-haiku-latest"_s), bearer(m_appKey));
        QCOMPARE(claudeOnOpenAi.status, 404);
        QCOMPARE(claudeOnOpenAi.errorCode(), u"model_not_found"_s);
        QCOMPARE(claudeOnOpenAi.errorParam(), u"model"_s);
        QJsonObject gptMessage = message;
        gptMessage[u"model"_s] = u"gpt-4o-mini"_s;
        QCOMPARE(post(u"/v1/messages"_s, gptMessage, {u"x-api-key: "_s + m_appKey}).status, 404);
        // The list is what the configuration names exactly.
        const CurlReply models = curl("GET", routed.baseUrl() + u"/v1/models"_s, bearer(m_appKey));
        QCOMPARE(models.status, 200);
        QStringList ids;
        for (const QJsonValue& model : models.json().value(u"data"_s).toArray())
            ids << model.toObject().value(u"id"_s).toString();
        QCOMPARE(ids, QStringList{u"gpt-4o-mini"_s});
        // The OpenAI upstream gone: its models fail, the other upstream's go on.
        openai.stop();
        QCOMPARE(post(u"/v1/chat/completions"_s, hello(), bearer(m_appKey)).status, 502);
        QCOMPARE(post(u"/v1/messages"_s, message, {u"x-api-key: "_s + m_appKey}).status, 200);
        QVERIFY(!routed.log().contains("sk-ant-upstream-0000"));
    }

    // An upstream that refuses the gateway's own key: the client learns it is the gateway's
    // problem (502), the operator reads the upstream's words in the log - and not its key.
    void anUpstreamRefusingTheGatewaysKeyIs502()
    {
        MockUpstreamProcess strict;
        QVERIFY(strict.start({}, u"sk-upstream-expected-000"_s));
        ServerProcess wrongKey;
        QVERIFY2(startWith(wrongKey, u"KEYDECK_UPSTREAM_API_KEY"_s, u"sk-upstream-wrong-000"_s,
                           {u"--upstream"_s, strict.baseUrl()}),
                 wrongKey.log().constData());
        const CurlReply reply = curl("POST", wrongKey.baseUrl() + u"/v1/chat/completions"_s,
                                     bearer(m_appKey), QJsonDocument(hello()).toJson());
        QCOMPARE(reply.status, 502);
        QCOMPARE(reply.errorCode(), u"upstream_unavailable"_s);
        QVERIFY(!reply.body.contains("Incorrect API key"));
        QTRY_VERIFY(wrongKey.log().contains("the upstream refused the gateway's credentials"));
        QVERIFY(!wrongKey.log().contains("sk-upstream-wrong-000"));
    }
};

QTEST_GUILESS_MAIN(TestGateway)
#include "tst_gateway.moc"
