// The official SDKs as the gateway's clients: tests/npm/gateway-clients.mjs runs the openai (v6)
// and @anthropic-ai/sdk (v1 and v0) packages against a keydeck-server this test starts with keys
// in every state a refusal needs.
#include "ApiKeyFormat.h"
#include "GatewayServer.h"

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
    QTemporaryDir m_dir;
    GatewayServer m_gateway;

private Q_SLOTS:
    void theSdksMeetEveryAnswer()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(m_gateway.start(m_dir.filePath(u"sdks.sqlite"_s)), qPrintable(m_gateway.error()));

        QJsonObject keys;
        keys[u"app"_s] = m_gateway.createKey({{u"label"_s, u"app"_s}});
        QString revokedId, disabledId;
        keys[u"revoked"_s] = m_gateway.createKey({{u"label"_s, u"revoked"_s}}, &revokedId);
        keys[u"disabled"_s] = m_gateway.createKey({{u"label"_s, u"disabled"_s}}, &disabledId);
        QVERIFY(m_gateway.adminPost(u"/v1/admin/keys/%1/revoke"_s.arg(revokedId)));
        QVERIFY(m_gateway.adminPost(u"/v1/admin/keys/%1/disable"_s.arg(disabledId)));
        keys[u"office"_s] = m_gateway.createKey(
            {{u"label"_s, u"office"_s}, {u"ips"_s, QJsonArray{u"10.9.9.0/24"_s}}});
        keys[u"writer"_s] = m_gateway.createKey(
            {{u"label"_s, u"writer"_s}, {u"permissions"_s, QJsonArray{u"write"_s}}});
        keys[u"mini"_s] = m_gateway.createKey(
            {{u"label"_s, u"mini"_s}, {u"models"_s, QJsonArray{u"gpt-4o-mini"_s}}});
        keys[u"limited"_s] =
            m_gateway.createKey({{u"label"_s, u"limited"_s}, {u"tier"_s, u"pro"_s}, {u"rpm"_s, 1}});
        // A cap and a quota that no request's worst case fits.
        keys[u"spent"_s] =
            m_gateway.createKey({{u"label"_s, u"spent"_s}, {u"spend_cap_day"_s, u"0.000001"_s}});
        keys[u"prepaid"_s] =
            m_gateway.createKey({{u"label"_s, u"prepaid"_s}, {u"quota_usd"_s, u"0.000001"_s}});
        keys[u"unknown"_s] = ApiKeyFormat::generate(u"sk-"_s, *QRandomGenerator::system());
        for (const QJsonValue& secret : keys)
            QVERIFY(ApiKeyFormat::isWellFormed(secret.toString()));

        QProcess node;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"KEYDECK_GATEWAY"_s, m_gateway.baseUrl());
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

        const QByteArray log = m_gateway.process().log();
        for (const QJsonValue& secret : keys)
            QVERIFY2(!log.contains(secret.toString().toLatin1()), "a key is in the server's log");
    }
};

QTEST_GUILESS_MAIN(TestGatewaySdks)
#include "tst_gateway_sdks.moc"
