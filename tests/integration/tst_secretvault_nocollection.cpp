#include "SecretServiceTools.h"
#include "SecretVault.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QTest>

using namespace Qt::StringLiterals;
using Code = SecretVault::Error::Code;

// A Secret Service without a default collection (a fresh account whose keyring was never set
// up): reads answer "not found" for everything, writes fail.
class TestSecretVaultNoCollection final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init() { m_clock.start(); }
    void cleanup() { QVERIFY2(m_clock.elapsed() < 10000, "must not wait for the timeout"); }
    void probeReportsTheMissingCollection();
    void storeFailsAsUnavailable();
    void readIsUnavailableNotNotFound();

private:
    SecretVault m_vault{u"KeyDeck"_s};
    QElapsedTimer m_clock;
};

void TestSecretVaultNoCollection::initTestCase()
{
    QVERIFY2(SecretServiceTools::insidePrivateKeyring(),
             "run through tests/support/with-keyring.sh (ctest does)");
    m_vault.setTimeout(std::chrono::seconds(15));
    const auto stored =
        m_vault.storeSecret(u"key-in-deleted-collection"_s, SecretServiceTools::randomSecret());
    QVERIFY(waitForFuture(stored));
    QVERIFY(!SecretServiceTools::errorOf(stored));

    QString error;
    QVERIFY2(SecretServiceTools::deleteLoginCollection(&error), qPrintable(error));
    QCOMPARE(SecretServiceTools::loginCollectionLocked(&error), std::nullopt);
}

void TestSecretVaultNoCollection::probeReportsTheMissingCollection()
{
    const auto future = m_vault.probe();
    QVERIFY(waitForFuture(future));
    const SecretVault::Probe probe = future.result();
    QVERIFY(!probe.available);
    QVERIFY2(probe.reason.contains(u"default collection"_s), qPrintable(probe.reason));
}

void TestSecretVaultNoCollection::storeFailsAsUnavailable()
{
    const auto future =
        m_vault.storeSecret(u"key-no-collection"_s, SecretServiceTools::randomSecret());
    QVERIFY(waitForFuture(future));
    const auto error = SecretServiceTools::errorOf(future);
    QVERIFY(error);
    QCOMPARE(error->code(), Code::Unavailable);
}

void TestSecretVaultNoCollection::readIsUnavailableNotNotFound()
{
    const auto future = m_vault.readSecret(u"key-in-deleted-collection"_s, {});
    QVERIFY(waitForFuture(future));
    const auto error = SecretServiceTools::errorOf(future);
    QVERIFY(error);
    QCOMPARE(error->code(), Code::Unavailable);
    QVERIFY2(error->message().contains(u"default collection"_s), qPrintable(error->message()));
}

QTEST_GUILESS_MAIN(TestSecretVaultNoCollection)
#include "tst_secretvault_nocollection.moc"
