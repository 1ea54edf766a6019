// keydeckctl --server against the real keydeck-server: the same commands as on a local store,
// the admin key from KEYDECK_ADMIN_KEY or from the keychain entry the Connections page writes,
// secrets saved in the keychain and exported from it, and clear failures.
#include "ApiKeyFormat.h"
#include "KeydeckctlRunner.h"
#include "SecretVault.h"
#include "ServerProcess.h"
#include "ServerProfile.h"
#include "TestSupport.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestKeydeckctlServer final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    KeydeckctlRunner m_runner{m_dir.filePath(u"xdg-data"_s)};
    ServerProcess m_server;
    QString m_adminKey;

    KeydeckctlRunner::Run ctl(const QStringList& arguments, const QString& adminKey) const
    {
        QProcessEnvironment environment;
        environment.insert(u"KEYDECK_ADMIN_KEY"_s, adminKey);
        return m_runner.run(QStringList{u"--server"_s, m_server.baseUrl()} + arguments,
                            environment);
    }
    KeydeckctlRunner::Run ctl(const QStringList& arguments) const
    {
        return ctl(arguments, m_adminKey);
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString store = m_dir.filePath(u"served.sqlite"_s);
        const ServerProcess::Run init = ServerProcess::run({u"init-admin"_s, u"--store"_s, store});
        QCOMPARE(init.exitCode, 0);
        m_adminKey = QString::fromLatin1(init.out.trimmed());
        QVERIFY2(m_server.start({u"--store"_s, store}), m_server.log().constData());
    }

    void cleanupTestCase()
    {
        m_server.stop();
        const QByteArray log = m_server.log();
        QVERIFY(!log.contains(m_adminKey.toLatin1()));
    }

    void keysWorkAsOnALocalStore()
    {
        KeydeckctlRunner::Run r =
            ctl({u"keys"_s, u"create"_s, u"--label"_s, u"prod-web-app"_s, u"--env"_s, u"prod"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QRegularExpression secretShape(u"sk-[0-9A-Za-z]{38}"_s);
        const QString secret = secretShape.match(r.out).captured(0);
        QVERIFY2(ApiKeyFormat::isWellFormed(secret), qPrintable(r.out));

        r = ctl({u"keys"_s, u"list"_s, u"--json"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(!r.out.contains(secret));
        const QJsonArray listed = KeydeckctlRunner::jsonArray(r.out);
        QCOMPARE(listed.size(), 2); // and the admin key
        QCOMPARE(listed.at(0)[u"label"_s].toString(), u"prod-web-app"_s);
        const QString id = listed.at(0)[u"id"_s].toString();

        // A pasted secret finds its key; only its digest goes to the server.
        r = ctl({u"keys"_s, u"show"_s, secret, u"--json"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(KeydeckctlRunner::jsonObject(r.out)[u"id"_s].toString(), id);

        // A bad value names its flag and changes nothing.
        r = ctl({u"keys"_s, u"update"_s, u"prod-web-app"_s, u"--rpm"_s, u"-5"_s});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains(u"rpm"_s), qPrintable(r.err));
        r = ctl({u"keys"_s, u"update"_s, u"prod-web-app"_s, u"--tier"_s, u"pro"_s, u"--json"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(KeydeckctlRunner::jsonObject(r.out)[u"tier"_s].toString(), u"pro"_s);

        r = ctl({u"keys"_s, u"revoke"_s, id});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = ctl({u"keys"_s, u"enable"_s, id});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains(u"revoked"_s), qPrintable(r.err));
        r = ctl({u"keys"_s, u"delete"_s, id});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = ctl({u"keys"_s, u"show"_s, id});
        QCOMPARE(r.exitCode, 3);
        QVERIFY(!m_server.log().contains(secret.toLatin1()));
    }

    void usageAndAlertsWorkAsOnALocalStore()
    {
        KeydeckctlRunner::Run r =
            ctl({u"keys"_s, u"create"_s, u"--label"_s, u"billing"_s, u"--no-keychain"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString usage = m_dir.filePath(u"usage.jsonl"_s);
        QFile file(usage);
        QVERIFY(file.open(QIODevice::WriteOnly));
        const QString now = QDateTime::currentDateTimeUtc().addSecs(-3600).toString(Qt::ISODate);
        for (int i = 0; i < 3; ++i)
            file.write(QJsonDocument(QJsonObject{{u"time"_s, now},
                                                 {u"key"_s, u"billing"_s},
                                                 {u"model"_s, u"gpt-4o"_s},
                                                 {u"status"_s, 200},
                                                 {u"prompt_tokens"_s, 100},
                                                 {u"completion_tokens"_s, 10},
                                                 {u"cost_usd"_s, u"0.25"_s},
                                                 {u"request_id"_s, u"r%1"_s.arg(i)}})
                           .toJson(QJsonDocument::Compact) +
                       '\n');
        file.close();
        r = ctl({u"usage"_s, u"import"_s, usage});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = ctl({u"usage"_s, u"summary"_s, u"--key"_s, u"billing"_s, u"--json"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject summary = KeydeckctlRunner::jsonObject(r.out);
        QCOMPARE(summary[u"requests"_s].toInt(), 3);
        QCOMPARE(summary[u"cost_usd"_s].toString(), u"0.75"_s);
        // Imported again: every line is a duplicate.
        r = ctl({u"usage"_s, u"import"_s, usage, u"--json"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(KeydeckctlRunner::jsonObject(r.out)[u"duplicates"_s].toInt(), 3);
        r = ctl({u"alerts"_s, u"rules"_s, u"--json"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(KeydeckctlRunner::jsonArray(r.out).size(), 4);
    }

    // The keychain: a key's secret saved under its server and id, exported from there; the
    // admin key read from the entry the Connections page writes when no variable gives one.
    void theKeychainHoldsTheSecretsAndTheAdminKey()
    {
        KeydeckctlRunner::Run r = ctl({u"keys"_s, u"create"_s, u"--label"_s, u"exported"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString secret = QRegularExpression(u"sk-[0-9A-Za-z]{38}"_s).match(r.out).captured(0);
        const QString env = m_dir.filePath(u"server.env"_s);
        r = ctl({u"export-env"_s, u"--out"_s, env, u"--key"_s, u"exported=EXPORTED_KEY"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(!r.out.contains(secret));
        QFile exported(env);
        QVERIFY(exported.open(QIODevice::ReadOnly));
        QVERIFY(exported.readAll().contains(secret.toLatin1()));

        SecretVault vault;
        const QUrl url(m_server.baseUrl());
        QVERIFY(
            waitForFuture(vault.storeSecret(ServerProfile::adminKeyEntry(url), m_adminKey), 20000));
        r = ctl({u"keys"_s, u"list"_s, u"--json"_s}, QString());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(!r.out.contains(m_adminKey));
    }

    void failuresSayWhy()
    {
        const QString unknown =
            ApiKeyFormat::generate(ApiKeyFormat::defaultPrefix(), *QRandomGenerator::system());
        KeydeckctlRunner::Run r = ctl({u"keys"_s, u"list"_s}, unknown);
        QCOMPARE(r.exitCode, 5);
        QVERIFY2(r.err.contains(u"not known"_s), qPrintable(r.err));
        QVERIFY(!r.err.contains(unknown));
        r = m_runner.run({u"--server"_s, u"http://127.0.0.1:1"_s, u"keys"_s, u"list"_s}, [this] {
            QProcessEnvironment e;
            e.insert(u"KEYDECK_ADMIN_KEY"_s, m_adminKey);
            return e;
        }());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"refused"_s), qPrintable(r.err));
        r = m_runner.run({u"--server"_s, u"https://user:pw@example.com"_s, u"keys"_s, u"list"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(u"--server"_s), qPrintable(r.err));
        r = m_runner.run(
            {u"--server"_s, m_server.baseUrl(), u"--store"_s, u"x.sqlite"_s, u"keys"_s, u"list"_s});
        QCOMPARE(r.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestKeydeckctlServer)
#include "tst_keydeckctl_server.moc"
