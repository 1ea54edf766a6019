#include "SecretServiceTools.h"
#include "SecretVault.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QScopeGuard>
#include <QTest>
#include <signal.h>

using namespace Qt::StringLiterals;
using Code = SecretVault::Error::Code;

// A Secret Service that stops answering (a hung daemon, an unlock prompt nobody answers): the
// real gnome-keyring-daemon, frozen with SIGSTOP. Calls must fail after the vault's timeout, not
// hang, and the vault must work again once the daemon does.
class TestSecretVaultUnresponsive final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void callsTimeOutWhileTheKeychainHangsAndWorkAfterwards();

private:
    qint64 m_daemon = 0;
};

void TestSecretVaultUnresponsive::initTestCase()
{
    QVERIFY2(SecretServiceTools::insidePrivateKeyring(),
             "run through tests/support/with-keyring.sh (ctest does)");
    m_daemon = SecretServiceTools::secretServicePid();
    QVERIFY(m_daemon > 0);
}

void TestSecretVaultUnresponsive::callsTimeOutWhileTheKeychainHangsAndWorkAfterwards()
{
    SecretVault vault(u"KeyDeck"_s);
    vault.setTimeout(std::chrono::milliseconds(1500));
    QCOMPARE(::kill(pid_t(m_daemon), SIGSTOP), 0);
    auto resume = qScopeGuard([this] { ::kill(pid_t(m_daemon), SIGCONT); });

    QElapsedTimer clock;
    clock.start();
    const auto probed = vault.probe();
    const auto stored = vault.storeSecret(u"key-hung"_s, SecretServiceTools::randomSecret());
    QVERIFY(waitForFuture(probed, 10000));
    QVERIFY(waitForFuture(stored, 10000));
    QVERIFY(clock.elapsed() >= 1000);
    QVERIFY(!probed.result().available);
    QVERIFY2(probed.result().reason.contains(u"did not answer within 1.5 s"_s),
             qPrintable(probed.result().reason));
    const auto error = SecretServiceTools::errorOf(stored);
    QVERIFY(error);
    QCOMPARE(error->code(), Code::Unavailable);

    resume.dismiss();
    ::kill(pid_t(m_daemon), SIGCONT);
    SecretVault recovered(u"KeyDeck"_s);
    const auto again = recovered.probe();
    QVERIFY(waitForFuture(again, 40000));
    QVERIFY2(again.result().available, qPrintable(again.result().reason));
    // The probe that timed out cleans up its entry once the keychain gets to it.
    QString toolError;
    QCOMPARE(SecretServiceTools::itemsOf(u"KeyDeck"_s, &toolError).filter(u"__keydeck_probe__"_s),
             QStringList());
    QVERIFY2(toolError.isEmpty(), qPrintable(toolError));
}

QTEST_GUILESS_MAIN(TestSecretVaultUnresponsive)
#include "tst_secretvault_unresponsive.moc"
