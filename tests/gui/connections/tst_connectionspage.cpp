// The Connections page and the store session, against a real keydeck-server on a loopback port
// and a real Secret Service: what a user meets testing a server, switching to it and back
// without a restart, having the choice remembered, and losing the connection for a while.
#include "ApiKeyFormat.h"
#include "ConnectionSettings.h"
#include "ConnectionsPage.h"
#include "DesktopStores.h"
#include "GuiTest.h"
#include "KeyStore.h"
#include "MainWindow.h"
#include "SecretVault.h"
#include "ServerProcess.h"
#include "StoreSession.h"
#include "SystemClock.h"
#include "TestSupport.h"
#include "UiSettings.h"

#include <QCheckBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestConnectionsPage final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_adminKey;
    QString m_readKey;
    std::unique_ptr<ServerProcess> m_server;
    SystemClock m_clock;
    SecretVault m_vault;

    QString settingsPath() const { return m_dir.filePath(u"keydeck.ini"_s); }
    QString servedStore() const { return m_dir.filePath(u"served.sqlite"_s); }

    static void screenshot(QWidget* widget, const QString& name)
    {
        const QString dir = qEnvironmentVariable("KEYDECK_SCREENSHOT_DIR");
        if (!dir.isEmpty())
            widget->grab().save(dir + u'/' + name + u".png"_s);
    }

    void fillServerForm(QWidget* page, const QString& name, const QString& url, const QString& key)
    {
        QTest::mouseClick(GuiTest::child<QPushButton>(page, u"addServerButton"_s), Qt::LeftButton);
        GuiTest::child<QLineEdit>(page, u"profileNameEdit"_s)->setText(name);
        GuiTest::child<QLineEdit>(page, u"serverUrlEdit"_s)->setText(url);
        GuiTest::child<QLineEdit>(page, u"adminKeyEdit"_s)->setText(key);
    }

    QString testResult(QWidget* page, const QString& name, const QString& url, const QString& key)
    {
        fillServerForm(page, name, url, key);
        auto* result = GuiTest::child<QLabel>(page, u"connectionResult"_s);
        result->clear();
        QTest::mouseClick(GuiTest::child<QPushButton>(page, u"testConnectionButton"_s),
                          Qt::LeftButton);
        if (!QTest::qWaitFor(
                [&] {
                    return result->text().startsWith(u"✓"_s) || result->text().startsWith(u"✗"_s);
                },
                10000))
            return u"no answer: "_s + result->text();
        return result->text();
    }

private Q_SLOTS:
    void initTestCase()
    {
        const ServerProcess::Run init =
            ServerProcess::run({u"init-admin"_s, u"--store"_s, servedStore()});
        QCOMPARE(init.exitCode, 0);
        m_adminKey = QString::fromLatin1(init.out.trimmed());
        m_server = std::make_unique<ServerProcess>();
        QVERIFY2(m_server->start({u"--store"_s, servedStore()}), m_server->log().constData());
        const CurlReply reader =
            curl("POST", m_server->baseUrl() + u"/v1/admin/keys"_s,
                 {u"Authorization: Bearer "_s + m_adminKey, u"Content-Type: application/json"_s},
                 R"({"label":"reader","permissions":["read"]})");
        QCOMPARE(reader.status, 201);
        m_readKey = reader.json().value(u"secret"_s).toString();
        for (const char* label : {"prod-web-app", "ci-tests", "billing-worker"}) {
            const CurlReply made = curl(
                "POST", m_server->baseUrl() + u"/v1/admin/keys"_s,
                {u"Authorization: Bearer "_s + m_adminKey, u"Content-Type: application/json"_s},
                QJsonDocument(QJsonObject{{u"label"_s, QString::fromLatin1(label)},
                                          {u"environment"_s, u"prod"_s}})
                    .toJson());
            QCOMPARE(made.status, 201);
        }
    }

    void testConnectionSaysWhatIsWrong()
    {
        QSettings settings(settingsPath(), QSettings::IniFormat);
        ConnectionSettings connections(settings);
        const DesktopStores stores(m_dir.filePath(u"local.sqlite"_s), m_clock, m_vault);
        ConnectionsPage page(
            connections, m_vault, [&stores](const ConnectionChoice& c) { return stores.make(c); },
            ConnectionChoice::local(), u"local: x"_s);
        page.resize(1000, 640);
        page.show();
        const QString url = m_server->baseUrl();
        const QString unknown =
            ApiKeyFormat::generate(ApiKeyFormat::defaultPrefix(), *QRandomGenerator::system());

        QString result = testResult(&page, u"Staging"_s, url, m_adminKey);
        QVERIFY2(result.startsWith(u"✓ Connected: keydeck-server "_s), qPrintable(result));
        screenshot(&page, u"connections-test-ok"_s);
        result = testResult(&page, u"Staging"_s, url, unknown);
        QVERIFY2(result.contains(u"did not accept the admin key"_s), qPrintable(result));
        result = testResult(&page, u"Staging"_s, url, m_readKey);
        QVERIFY2(result.contains(u"not an admin key"_s), qPrintable(result));
        result = testResult(&page, u"Staging"_s, u"http://127.0.0.1:1"_s, m_adminKey);
        QVERIFY2(result.contains(u"Cannot reach the server"_s), qPrintable(result));
        screenshot(&page, u"connections-test-unreachable"_s);
        QVERIFY(!result.contains(m_adminKey));

        // Form mistakes name their field and test nothing.
        auto* error = GuiTest::child<QLabel>(&page, u"connectionFormError"_s);
        fillServerForm(&page, u"Staging"_s, u"keys.example.com"_s, m_adminKey);
        QTest::mouseClick(GuiTest::child<QPushButton>(&page, u"testConnectionButton"_s),
                          Qt::LeftButton);
        QVERIFY2(error->text().startsWith(u"Server address:"_s), qPrintable(error->text()));
        fillServerForm(&page, u"Staging"_s, url, u"sk-typo"_s);
        QTest::mouseClick(GuiTest::child<QPushButton>(&page, u"saveProfileButton"_s),
                          Qt::LeftButton);
        QVERIFY2(error->text().startsWith(u"Admin key:"_s), qPrintable(error->text()));
        fillServerForm(&page, QString(), url, m_adminKey);
        QTest::mouseClick(GuiTest::child<QPushButton>(&page, u"saveProfileButton"_s),
                          Qt::LeftButton);
        QVERIFY2(error->text().startsWith(u"Name:"_s), qPrintable(error->text()));
        screenshot(&page, u"connections-form-error"_s);
        QVERIFY(connections.profiles().isEmpty());
    }

    void switchesWithoutRestartAndRemembers()
    {
        QFile::remove(settingsPath());
        QSettings settings(settingsPath(), QSettings::IniFormat);
        UiSettings uiSettings(settings);
        ConnectionSettings connections(settings);
        const QString local = m_dir.filePath(u"local.sqlite"_s);
        const DesktopStores stores(local, m_clock, m_vault);
        const auto factory = [&stores](const ConnectionChoice& c) {
            return stores.make(c);
        };
        {
            StoreSession session(factory, {m_vault, m_clock, uiSettings, connections, local});
            QSignalSpy switched(&session, &StoreSession::switched);
            session.start();
            QVERIFY(switched.wait(10000));
            MainWindow* first = session.window();
            QVERIFY(first->connectionsPage());
            QVERIFY(GuiTest::child<QLabel>(first, u"storeLocationLabel"_s)
                        ->text()
                        .startsWith(u"local: "_s));

            ConnectionsPage* page = first->connectionsPage();
            first->showPage(page);
            fillServerForm(page, u"Staging"_s, m_server->baseUrl(), m_adminKey);
            QTest::mouseClick(GuiTest::child<QPushButton>(page, u"connectButton"_s),
                              Qt::LeftButton);
            QVERIFY(switched.wait(10000));
            MainWindow* second = session.window();
            QVERIFY(second != first);
            QCOMPARE(GuiTest::child<QLabel>(second, u"storeLocationLabel"_s)->text(),
                     u"server: "_s + m_server->baseUrl());
            QCOMPARE(connections.lastChoice(), u"Staging"_s);
            auto* table = GuiTest::child<QTableView>(second, u"keysTable"_s);
            second->showPage(GuiTest::child<QWidget>(second, u"apiKeysPage"_s));
            QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 5, 10000);
            screenshot(second, u"connections-switched-keys"_s);
            second->showPage(second->connectionsPage());
            screenshot(second, u"connections-page-server"_s);

            // The admin key is in the keychain, not in the settings file.
            settings.sync();
            QFile file(settingsPath());
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY(!file.readAll().contains(m_adminKey.toLatin1()));
            const QFuture<QString> saved =
                m_vault.readCredential(ServerProfile::adminKeyEntry(QUrl(m_server->baseUrl())));
            QVERIFY(waitForFuture(saved));
            QCOMPARE(saved.result(), m_adminKey);

            // A switch that fails leaves the window and the choice as they were.
            ConnectionsPage* serverPage = second->connectionsPage();
            fillServerForm(serverPage, u"Nowhere"_s, u"http://127.0.0.1:1"_s, m_adminKey);
            QTest::mouseClick(GuiTest::child<QPushButton>(serverPage, u"connectButton"_s),
                              Qt::LeftButton);
            auto* result = GuiTest::child<QLabel>(serverPage, u"connectionResult"_s);
            QTRY_VERIFY_WITH_TIMEOUT(result->text().startsWith(u"✗ Could not switch"_s), 10000);
            QCOMPARE(session.window(), second);
            QCOMPARE(connections.lastChoice(), u"Staging"_s);
            screenshot(second, u"connections-switch-failed"_s);
        }
        // Started again: on the server chosen last, at once.
        StoreSession again(factory, {m_vault, m_clock, uiSettings, connections, local});
        QSignalSpy switched(&again, &StoreSession::switched);
        again.start();
        QVERIFY(switched.wait(10000));
        QVERIFY(!again.current().isLocal());
        QCOMPARE(again.current().server.name, u"Staging"_s);
    }

    void aLostConnectionShowsABannerUntilItIsBack()
    {
        QSettings settings(settingsPath(), QSettings::IniFormat);
        UiSettings uiSettings(settings);
        ConnectionSettings connections(settings);
        QCOMPARE(connections.lastChoice(), u"Staging"_s);
        const QString local = m_dir.filePath(u"local.sqlite"_s);
        const DesktopStores stores(local, m_clock, m_vault);
        StoreSession session([&stores](const ConnectionChoice& c) { return stores.make(c); },
                             {m_vault, m_clock, uiSettings, connections, local});
        QSignalSpy switched(&session, &StoreSession::switched);
        session.start();
        QVERIFY(switched.wait(10000));
        auto* banner = GuiTest::child<QLabel>(session.window(), u"connectionBanner"_s);
        QVERIFY(!banner->isVisible());
        const quint16 port = m_server->port();
        m_server->stop();
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10000);
        QVERIFY(banner->text().contains(u"lost"_s));
        screenshot(session.window(), u"connections-lost-banner"_s);
        m_server = std::make_unique<ServerProcess>();
        QVERIFY2(m_server->start({u"--store"_s, servedStore()}, port), m_server->log().constData());
        QTRY_VERIFY_WITH_TIMEOUT(!banner->isVisible(), 40000);
    }
};

QTEST_MAIN(TestConnectionsPage)
#include "tst_connectionspage.moc"
