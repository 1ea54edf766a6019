// RestStore against the real keydeck-server program on a loopback port: what a KeyDeck user
// connecting to a server meets - another admin's change heard at once, a clear answer for
// each way the connection can fail, a server restart ridden out, and HTTPS with a private CA.
#include "ApiKeyFormat.h"
#include "KeyStore.h"
#include "RestEventStream.h"
#include "RestStore.h"
#include "ServerProcess.h"
#include "StoreOutcome.h"
#include "TestCertificate.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestRestStoreServer final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_adminKey;

    QString storePath() const { return m_dir.filePath(u"served.sqlite"_s); }

    std::unique_ptr<RestStore> storeFor(const QString& url, const QString& key)
    {
        RestSettings settings;
        settings.serverUrl = QUrl(url);
        settings.adminKey = key;
        settings.transferTimeoutMs = 5000;
        return std::make_unique<RestStore>(settings);
    }

    QString makeKey(ServerProcess& server, const QString& label, const QString& permission)
    {
        const CurlReply reply =
            curl("POST", server.baseUrl() + u"/v1/admin/keys"_s,
                 {u"Authorization: Bearer "_s + m_adminKey, u"Content-Type: application/json"_s},
                 QJsonDocument(
                     QJsonObject{{u"label"_s, label}, {u"permissions"_s, QJsonArray{permission}}})
                     .toJson());
        return reply.status == 201 ? reply.json().value(u"secret"_s).toString() : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        const ServerProcess::Run init =
            ServerProcess::run({u"init-admin"_s, u"--store"_s, storePath()});
        QCOMPARE(init.exitCode, 0);
        m_adminKey = QString::fromLatin1(init.out.trimmed());
        QVERIFY(ApiKeyFormat::isWellFormed(m_adminKey));
    }

    void hearsAnotherAdminsChangeAtOnce()
    {
        ServerProcess server;
        QVERIFY2(server.start({u"--store"_s, storePath()}), server.log().constData());
        const auto store = storeFor(server.baseUrl(), m_adminKey);
        const auto opened = outcomeOf(store->open());
        QVERIFY2(opened.ok(), qPrintable(opened.describe()));
        QVERIFY(store->isLive());
        QCOMPARE(store->keys().location(), u"server: "_s + server.baseUrl());

        QSignalSpy changed(&store->keys(), &KeyStore::keysChanged);
        const QString other = makeKey(server, u"made-with-curl"_s, u"read"_s);
        QVERIFY(!other.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, 2000);
        const auto found = outcomeOf(store->keys().findKey(u"made-with-curl"_s));
        QVERIFY2(found.ok(), qPrintable(found.describe()));
        QCOMPARE(found.value().digestHex, ApiKeyFormat::digestHex(other));

        // A key made here: its secret comes back once and is in no line the server logged.
        KeySpec spec;
        spec.label = u"made-in-keydeck"_s;
        const auto created = outcomeOf(store->keys().createKey(spec));
        QVERIFY2(created.ok(), qPrintable(created.describe()));
        QVERIFY(ApiKeyFormat::isWellFormed(created.value().secret));
        // The event may come before or after the answer to the request that caused it.
        QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 2, 2000);
        server.stop();
        const QByteArray log = server.log();
        QVERIFY(!log.contains(created.value().secret.toLatin1()));
        QVERIFY(!log.contains(m_adminKey.toLatin1()));
        QVERIFY(!log.contains(other.toLatin1()));
    }

    void saysWhyItCannotConnect()
    {
        ServerProcess server;
        QVERIFY2(server.start({u"--store"_s, storePath()}), server.log().constData());
        const QString unknown =
            ApiKeyFormat::generate(ApiKeyFormat::defaultPrefix(), *QRandomGenerator::system());
        const QString reader =
            makeKey(server, u"reader-%1"_s.arg(QDateTime::currentMSecsSinceEpoch()), u"read"_s);
        QVERIFY(!reader.isEmpty());
        struct Case
        {
            QString key;
            StoreError::Code code;
        };
        for (const Case& attempt : {Case{unknown, StoreError::Code::Unauthorized},
                                    Case{u"sk-typo"_s, StoreError::Code::Unauthorized},
                                    Case{QString(), StoreError::Code::Unauthorized},
                                    Case{reader, StoreError::Code::Forbidden}}) {
            const auto opened = outcomeOf(storeFor(server.baseUrl(), attempt.key)->open());
            QVERIFY2(opened.failedWith(attempt.code), qPrintable(opened.describe()));
            QVERIFY(
                !opened.error()->message().contains(attempt.key.isEmpty() ? u"\n"_s : attempt.key));
        }

        // Nothing listening there: a port that was free a moment ago.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 freePort = probe.serverPort();
        probe.close();
        const auto refused =
            outcomeOf(storeFor(u"http://127.0.0.1:%1"_s.arg(freePort), m_adminKey)->open());
        QVERIFY2(refused.failedWith(StoreError::Code::Unavailable), qPrintable(refused.describe()));
        QVERIFY2(refused.error()->message().contains(u"refused"_s), qPrintable(refused.describe()));

        // Something that is not a keydeck-server (here: its own health route as the base).
        const auto wrong =
            outcomeOf(storeFor(server.baseUrl() + u"/healthz"_s, m_adminKey)->open());
        QVERIFY2(wrong.failedWith(StoreError::Code::Unavailable), qPrintable(wrong.describe()));
    }

    void ridesOutAServerRestart()
    {
        ServerProcess server;
        QVERIFY2(server.start({u"--store"_s, storePath()}), server.log().constData());
        const quint16 port = server.port();
        const auto store = storeFor(server.baseUrl(), m_adminKey);
        QVERIFY(outcomeOf(store->open()).ok());
        QSignalSpy lost(store.get(), &RestStore::lost);
        QSignalSpy live(store.get(), &RestStore::live);
        QSignalSpy changed(&store->keys(), &KeyStore::keysChanged);
        server.stop();
        QVERIFY(lost.wait(5000));
        QVERIFY(!store->isLive());
        const auto down = outcomeOf(store->keys().listKeys());
        QVERIFY2(down.failedWith(StoreError::Code::Unavailable), qPrintable(down.describe()));

        // Back on the same port: the stream comes back by itself, and since anything may have
        // changed meanwhile, everything is announced as changed.
        ServerProcess again;
        QVERIFY2(again.start({u"--store"_s, storePath()}, port), again.log().constData());
        QVERIFY(live.wait(RestEventStream::LongestRetryMs + 5000));
        QCOMPARE(live.last().at(0).toBool(), true);
        QVERIFY(store->isLive());
        QVERIFY(changed.count() >= 1);
        QVERIFY(outcomeOf(store->keys().listKeys()).ok());
    }

    void speaksHttpsWithAPrivateCa()
    {
        QString error;
        QVERIFY2(TestCertificate::make(m_dir.filePath(u"tls"_s), &error), qPrintable(error));
        const TestCertificate tlsFiles(m_dir.filePath(u"tls"_s));
        const QString cert = tlsFiles.certificatePath();
        const QString key = tlsFiles.keyPath();
        ServerProcess server;
        QVERIFY2(
            server.start({u"--store"_s, storePath(), u"--tls-cert"_s, cert, u"--tls-key"_s, key}),
            server.log().constData());
        const QString url = server.baseUrl(u"https"_s);

        const auto untrusted = outcomeOf(storeFor(url, m_adminKey)->open());
        QVERIFY2(untrusted.failedWith(StoreError::Code::Unavailable),
                 qPrintable(untrusted.describe()));
        QVERIFY2(untrusted.error()->message().contains(u"TLS"_s), qPrintable(untrusted.describe()));

        RestSettings trusted;
        trusted.serverUrl = QUrl(url);
        trusted.adminKey = m_adminKey;
        trusted.caFile = cert;
        RestStore withCa(trusted);
        const auto opened = outcomeOf(withCa.open());
        QVERIFY2(opened.ok(), qPrintable(opened.describe()));
        QVERIFY(withCa.isLive());
        QVERIFY(outcomeOf(withCa.keys().listKeys()).ok());

        RestSettings unchecked = trusted;
        unchecked.caFile.clear();
        unchecked.verifyTls = false;
        RestStore blind(unchecked);
        QVERIFY(outcomeOf(blind.open()).ok());
        QVERIFY(blind.keys().location().endsWith(u"(certificate not checked)"_s));

        RestSettings badCa = trusted;
        badCa.caFile = key;
        const auto noCa = outcomeOf(RestStore(badCa).open());
        QVERIFY2(noCa.failedWith(StoreError::Code::Unavailable), qPrintable(noCa.describe()));
        QVERIFY2(noCa.error()->message().contains(u"CA file"_s), qPrintable(noCa.describe()));
    }
};

QTEST_GUILESS_MAIN(TestRestStoreServer)
#include "tst_reststore_server.moc"
