#include "SecretServiceTools.h"
#include "SecretVault.h"
#include "TestSupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using Code = SecretVault::Error::Code;

// No D-Bus session at all (a server, a bare root shell): QtKeychain then only says OtherError.
// The vault must say why, fail every call fast, and never fall back to a plaintext file.
class TestSecretVaultNoBus final : public QObject
{
    Q_OBJECT

public:
    explicit TestSecretVaultNoBus(QString configHome, QObject* parent = nullptr)
        : QObject(parent)
        , m_configHome(std::move(configHome))
    {}

private Q_SLOTS:
    void init() { m_clock.start(); }
    void cleanup() { QVERIFY2(m_clock.elapsed() < 10000, "a call without bus must fail fast"); }
    void probeSaysNoKeychainService();
    void storeFailsAsUnavailableAndWritesNoFile();
    void readIsUnavailableNotNotFound();
    void removeIsUnavailable();

private:
    QString m_configHome;
    SecretVault m_vault{u"KeyDeck"_s};
    QElapsedTimer m_clock;
};

void TestSecretVaultNoBus::probeSaysNoKeychainService()
{
    const auto future = m_vault.probe();
    QVERIFY(waitForFuture(future));
    const SecretVault::Probe probe = future.result();
    QVERIFY(!probe.available);
    QVERIFY2(probe.reason.contains(u"No keychain service is running"_s), qPrintable(probe.reason));
    QVERIFY2(probe.reason.contains(u"Saving a keychain test entry failed"_s),
             qPrintable(probe.reason));
}

void TestSecretVaultNoBus::storeFailsAsUnavailableAndWritesNoFile()
{
    const auto future = m_vault.storeSecret(u"key-nobus"_s, SecretServiceTools::randomSecret());
    QVERIFY(waitForFuture(future));
    const auto error = SecretServiceTools::errorOf(future);
    QVERIFY(error);
    QCOMPARE(error->code(), Code::Unavailable);
    QVERIFY2(error->message().startsWith(
                 u"No keychain service is running (no D-Bus session / Secret Service). Start "
                 "your desktop keyring, or copy the key now: it will not be shown again."_s),
             qPrintable(error->message()));
    // QtKeychain's insecure fallback (of its KWallet backends) would write a QSettings file here.
    QCOMPARE(QDir(m_configHome).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList());
}

void TestSecretVaultNoBus::readIsUnavailableNotNotFound()
{
    const auto future = m_vault.readSecret(u"key-nobus"_s, {});
    QVERIFY(waitForFuture(future));
    const auto error = SecretServiceTools::errorOf(future);
    QVERIFY(error);
    QCOMPARE(error->code(), Code::Unavailable);
    QVERIFY2(error->message().contains(u"No keychain service is running"_s),
             qPrintable(error->message()));
}

void TestSecretVaultNoBus::removeIsUnavailable()
{
    const auto future = m_vault.removeSecret(u"key-nobus"_s);
    QVERIFY(waitForFuture(future));
    const auto error = SecretServiceTools::errorOf(future);
    QVERIFY(error);
    QCOMPARE(error->code(), Code::Unavailable);
}

int main(int argc, char** argv)
{
    // Before anything connects: GLib (libsecret) and QtDBus both read it on first use.
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/keydeck-no-bus");
    QTemporaryDir configHome;
    if (!configHome.isValid())
        return 1;
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(configHome.path()));
    QCoreApplication app(argc, argv);
    TestSecretVaultNoBus test(configHome.path());
    return QTest::qExec(&test, argc, argv);
}

#include "tst_secretvault_nobus.moc"
