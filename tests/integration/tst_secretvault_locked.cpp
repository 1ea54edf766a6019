#include "SecretServiceTools.h"
#include "SecretVault.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QTest>

using namespace Qt::StringLiterals;
using Code = SecretVault::Error::Code;

// A Secret Service whose login collection is locked: writes fail while plain reads
// answer "not found". The vault must not call that "available", nor "not found". No prompter
// can show in the private session, so unlock prompts fail at once instead of waiting.
class TestSecretVaultLocked final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init() { m_clock.start(); }
    void cleanup() { QVERIFY2(m_clock.elapsed() < 10000, "must not wait for the timeout"); }
    void probeReportsTheLockedKeychain();
    void storeFailsAsAccessDenied();
    void readOfAStoredSecretIsNotNotFound();
    void readOfAnUnknownKeyIsNotNotFound();

private:
    SecretVault m_vault{u"KeyDeck"_s};
    QString m_storedSecret;
    QElapsedTimer m_clock;
};

void TestSecretVaultLocked::initTestCase()
{
    QVERIFY2(SecretServiceTools::insidePrivateKeyring(),
             "run through tests/support/with-keyring.sh (ctest does)");
    m_vault.setTimeout(std::chrono::seconds(15));

    const auto probed = m_vault.probe();
    QVERIFY(waitForFuture(probed));
    QVERIFY2(probed.result().available, qPrintable(probed.result().reason));
    m_storedSecret = SecretServiceTools::randomSecret();
    const auto stored = m_vault.storeSecret(u"key-before-lock"_s, m_storedSecret);
    QVERIFY(waitForFuture(stored));
    QVERIFY(!SecretServiceTools::errorOf(stored));

    QString error;
    QVERIFY2(SecretServiceTools::lockLoginCollection(&error), qPrintable(error));
    QCOMPARE(SecretServiceTools::loginCollectionLocked(&error), std::optional<bool>(true));
}

void TestSecretVaultLocked::probeReportsTheLockedKeychain()
{
    const auto future = m_vault.probe();
    QVERIFY(waitForFuture(future));
    const SecretVault::Probe probe = future.result();
    QVERIFY(!probe.available);
    QVERIFY2(probe.reason.contains(u"locked"_s), qPrintable(probe.reason));
    QVERIFY2(probe.reason.contains(u"Saving a keychain test entry failed"_s),
             qPrintable(probe.reason));
}

void TestSecretVaultLocked::storeFailsAsAccessDenied()
{
    const auto future =
        m_vault.storeSecret(u"key-while-locked"_s, SecretServiceTools::randomSecret());
    QVERIFY(waitForFuture(future));
    const auto error = SecretServiceTools::errorOf(future);
    QVERIFY(error);
    QCOMPARE(error->code(), Code::AccessDenied);
    QVERIFY2(error->message().contains(u"copy the key now"_s), qPrintable(error->message()));
}

void TestSecretVaultLocked::readOfAStoredSecretIsNotNotFound()
{
    const auto future = m_vault.readSecret(u"key-before-lock"_s, {});
    QVERIFY(waitForFuture(future));
    const auto error = SecretServiceTools::errorOf(future);
    QVERIFY2(error, "a locked keychain handed out the secret");
    QCOMPARE(error->code(), Code::AccessDenied);
    QVERIFY2(error->message().contains(u"locked"_s), qPrintable(error->message()));
}

void TestSecretVaultLocked::readOfAnUnknownKeyIsNotNotFound()
{
    const auto future = m_vault.readSecret(u"key-never-stored"_s, {});
    QVERIFY(waitForFuture(future));
    const auto error = SecretServiceTools::errorOf(future);
    QVERIFY(error);
    QCOMPARE(error->code(), Code::AccessDenied);
}

QTEST_GUILESS_MAIN(TestSecretVaultLocked)
#include "tst_secretvault_locked.moc"
