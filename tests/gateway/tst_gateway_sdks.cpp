// The official SDKs as the gateway's clients: tests/npm/gateway-clients.mjs runs the openai (v6)
// and @anthropic-ai/sdk (v1 and v0) packages against a keydeck-server this test starts with keys
// in every state a refusal needs.
#include "ApiKeyFormat.h"
#include "ServerProcess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestGatewaySdks final : public QObject
{
    Q_OBJECT

private:
    // Enterprise unless the spec says otherwise: only the rate test meets a limit.
    QString createKey(QJsonObject spec, QString* id = nullptr)
    {
        if (!spec.contains(u"tier"_s))
            spec[u"tier"_s] = u"enterprise"_s;
        const CurlReply created = curl("POST", m_server.baseUrl() + u"/v1/admin/keys"_s,
                                       {u"Authorization: Bearer "_s + m_adminKey},
                                       QJsonDocument(spec).toJson(QJsonDocument::Compact));
        if (id)
            *id = created.json().value(u"id"_s).toString();
        return created.json().value(u"secret"_s).toString();
    }
    bool post(const QString& path)
    {
        return curl("POST", m_server.baseUrl() + path, {u"Authorization: Bearer "_s + m_adminKey})
                   .status == 200;
    }

    QTemporaryDir m_dir;
    ServerProcess m_server;
    QString m_adminKey;

private Q_SLOTS:
    void theSdksMeetEveryAnswer()
    {
        QVERIFY(m_dir.isValid());
        const QString store = m_dir.filePath(u"sdks.sqlite"_s);
        const ServerProcess::Run init = ServerProcess::run({u"init-admin"_s, u"--store"_s, store});
        QVERIFY2(init.exitCode == 0, init.err.constData());
        m_adminKey = QString::fromLatin1(init.out.trimmed());
        QVERIFY2(m_server.start({u"--store"_s, store, u"--upstream"_s, u"mock"_s}),
                 m_server.log().constData());

        QJsonObject keys;
        keys[u"app"_s] = createKey({{u"label"_s, u"app"_s}});
        QString revokedId, disabledId;
        keys[u"revoked"_s] = createKey({{u"label"_s, u"revoked"_s}}, &revokedId);
        keys[u"disabled"_s] = createKey({{u"label"_s, u"disabled"_s}}, &disabledId);
        QVERIFY(post(u"/v1/admin/keys/%1/revoke"_s.arg(revokedId)));
        QVERIFY(post(u"/v1/admin/keys/%1/disable"_s.arg(disabledId)));
        keys[u"office"_s] =
            createKey({{u"label"_s, u"office"_s}, {u"ips"_s, QJsonArray{u"10.9.9.0/24"_s}}});
        keys[u"writer"_s] =
            createKey({{u"label"_s, u"writer"_s}, {u"permissions"_s, QJsonArray{u"write"_s}}});
        keys[u"mini"_s] =
            createKey({{u"label"_s, u"mini"_s}, {u"models"_s, QJsonArray{u"gpt-4o-mini"_s}}});
        keys[u"limited"_s] =
            createKey({{u"label"_s, u"limited"_s}, {u"tier"_s, u"pro"_s}, {u"rpm"_s, 1}});
        keys[u"unknown"_s] = ApiKeyFormat::generate(u"sk-"_s, *QRandomGenerator::system());
        for (const QJsonValue& secret : keys)
            QVERIFY(ApiKeyFormat::isWellFormed(secret.toString()));

        QProcess node;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"KEYDECK_GATEWAY"_s, m_server.baseUrl());
        environment.insert(u"KEYDECK_KEYS"_s,
                           QString::fromUtf8(QJsonDocument(keys).toJson(QJsonDocument::Compact)));
        node.setProcessEnvironment(environment);
        node.setProcessChannelMode(QProcess::MergedChannels);
        node.start(QStringLiteral(KEYDECK_NODE), {QStringLiteral(KEYDECK_SDK_SCRIPT)});
        QVERIFY2(node.waitForFinished(120'000), "the SDK clients did not finish");
        const QByteArray output = node.readAll();
        QVERIFY2(node.exitStatus() == QProcess::NormalExit && node.exitCode() == 0,
                 output.constData());
        QVERIFY(output.contains("ok anthropic v0: Anthropic's error envelope"));

        const QByteArray log = m_server.log();
        for (const QJsonValue& secret : keys)
            QVERIFY2(!log.contains(secret.toString().toLatin1()), "a key is in the server's log");
    }
};

QTEST_GUILESS_MAIN(TestGatewaySdks)
#include "tst_gateway_sdks.moc"
