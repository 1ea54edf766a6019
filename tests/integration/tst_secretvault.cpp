#include "ApiKeyFormat.h"
#include "ManualClock.h"
#include "SecretServiceTools.h"
#include "SecretVault.h"
#include "TestSupport.h"

#include <QDir>
#include <QFileInfo>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <thread>

using namespace Qt::StringLiterals;
using Code = SecretVault::Error::Code;

// SecretVault against a real Secret Service (gnome-keyring in a private D-Bus session).
class TestSecretVault final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void probeReportsAvailableAndLeavesNoEntry();
    void storeReadRemoveRoundTrip();
    void storingAgainReplacesTheSecret();
    void readingAnUnknownKeyIsNotFound();
    void removedSecretIsNotFound();
    void removingAnAbsentSecretSucceeds();
    void secretsOver2000BytesAreRefused();
    void emptyAndReservedKeyIdsAreRefused();
    void secretLivesInTheSecretServiceAndInNoPlainFile();
    void callsFromAnotherThreadRunOnTheVaultThread();
    void aTamperedEntryIsNeverHandedOn();
    void theIndexNotesWhatIsSavedFoundAndMissing();

private:
    void store(const QString& keyId, const QString& secret);
    // The secret under keyId, which must be expected.
    QString read(const QString& keyId, const QString& expected);

    SecretVault m_vault{u"KeyDeck"_s};
};

void TestSecretVault::initTestCase()
{
    QVERIFY2(SecretServiceTools::insidePrivateKeyring(),
             "run through tests/support/with-keyring.sh (ctest does)");
    m_vault.setTimeout(std::chrono::seconds(15));
}

void TestSecretVault::store(const QString& keyId, const QString& secret)
{
    const auto future = m_vault.storeSecret(keyId, secret);
    QVERIFY(waitForFuture(future));
    const auto error = SecretServiceTools::errorOf(future);
    QVERIFY2(!error, error ? qPrintable(error->message()) : "");
}

QString TestSecretVault::read(const QString& keyId, const QString& expected)
{
    const auto future = m_vault.readSecret(keyId, ApiKeyFormat::digestHex(expected));
    if (!waitForFuture(future))
        return u"<timed out>"_s;
    if (const auto error = SecretServiceTools::errorOf(future))
        return u"<error: %1>"_s.arg(error->message());
    return future.result();
}

void TestSecretVault::probeReportsAvailableAndLeavesNoEntry()
{
    const auto future = m_vault.probe();
    QVERIFY(waitForFuture(future));
    QVERIFY2(future.result().available, qPrintable(future.result().reason));
    QVERIFY(future.result().reason.isEmpty());

    QString error;
    QCOMPARE(SecretServiceTools::itemsOf(m_vault.service(), &error), QStringList());
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestSecretVault::storeReadRemoveRoundTrip()
{
    const QString secret = SecretServiceTools::randomSecret();
    store(u"key-roundtrip"_s, secret);
    QCOMPARE(read(u"key-roundtrip"_s, secret), secret);

    const auto removed = m_vault.removeSecret(u"key-roundtrip"_s);
    QVERIFY(waitForFuture(removed));
    QVERIFY(!SecretServiceTools::errorOf(removed));
    QString error;
    QCOMPARE(SecretServiceTools::lookup(m_vault.service(), u"key-roundtrip"_s, &error),
             std::nullopt);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestSecretVault::storingAgainReplacesTheSecret()
{
    store(u"key-overwrite"_s, SecretServiceTools::randomSecret());
    const QString second = SecretServiceTools::randomSecret();
    store(u"key-overwrite"_s, second);
    QCOMPARE(read(u"key-overwrite"_s, second), second);

    QString error;
    const QStringList items = SecretServiceTools::itemsOf(m_vault.service(), &error);
    QCOMPARE(items.count(u"key-overwrite"_s), 1);
}

void TestSecretVault::readingAnUnknownKeyIsNotFound()
{
    const auto future = m_vault.readSecret(u"key-never-stored"_s, {});
    QVERIFY(waitForFuture(future));
    const auto error = SecretServiceTools::errorOf(future);
    QVERIFY(error);
    QCOMPARE(error->code(), Code::NotFound);
}

void TestSecretVault::removedSecretIsNotFound()
{
    store(u"key-removed"_s, SecretServiceTools::randomSecret());
    const auto removed = m_vault.removeSecret(u"key-removed"_s);
    QVERIFY(waitForFuture(removed));
    QVERIFY(!SecretServiceTools::errorOf(removed));

    const auto future = m_vault.readSecret(u"key-removed"_s, {});
    QVERIFY(waitForFuture(future));
    const auto error = SecretServiceTools::errorOf(future);
    QVERIFY(error);
    QCOMPARE(error->code(), Code::NotFound);
}

void TestSecretVault::removingAnAbsentSecretSucceeds()
{
    const auto removed = m_vault.removeSecret(u"key-absent"_s);
    QVERIFY(waitForFuture(removed));
    const auto error = SecretServiceTools::errorOf(removed);
    QVERIFY2(!error, error ? qPrintable(error->message()) : "");
}

void TestSecretVault::secretsOver2000BytesAreRefused()
{
    const QString atLimit = SecretServiceTools::randomSecret().leftJustified(2000, u'x');
    store(u"key-2000"_s, atLimit);
    // Not a key (SecretVault would refuse to hand it on): read it with secret-tool.
    QString lookupError;
    QCOMPARE(SecretServiceTools::lookup(m_vault.service(), u"key-2000"_s, &lookupError),
             std::optional<QString>(atLimit));

    const QString overLimit = atLimit + u'y';
    const auto refused = m_vault.storeSecret(u"key-2001"_s, overLimit);
    QVERIFY(waitForFuture(refused));
    const auto error = SecretServiceTools::errorOf(refused);
    QVERIFY(error);
    QVERIFY2(error->message().contains(u"2000"_s), qPrintable(error->message()));
    QString toolError;
    QCOMPARE(SecretServiceTools::lookup(m_vault.service(), u"key-2001"_s, &toolError),
             std::nullopt);
    QVERIFY2(toolError.isEmpty(), qPrintable(toolError));

    // Bytes count, not characters: 1000 two-byte characters plus one more byte are too many.
    const auto wide = m_vault.storeSecret(u"key-wide"_s, QString(1000, QChar(0xe9)) + u'a');
    QVERIFY(waitForFuture(wide));
    QVERIFY(SecretServiceTools::errorOf(wide));
}

void TestSecretVault::emptyAndReservedKeyIdsAreRefused()
{
    const QString secret = SecretServiceTools::randomSecret();
    for (const QString& keyId : {QString(), u"__keydeck_probe__-1-1"_s}) {
        const auto stored = m_vault.storeSecret(keyId, secret);
        QVERIFY(waitForFuture(stored));
        const auto error = SecretServiceTools::errorOf(stored);
        QVERIFY2(error, qPrintable(keyId));
        QCOMPARE(error->code(), Code::Other);
    }
    QString toolError;
    QCOMPARE(SecretServiceTools::itemsOf(m_vault.service(), &toolError).filter(u"probe"_s),
             QStringList());
}

void TestSecretVault::secretLivesInTheSecretServiceAndInNoPlainFile()
{
    const QString secret = SecretServiceTools::randomSecret();
    store(u"key-where"_s, secret);

    QString error;
    QCOMPARE(SecretServiceTools::lookup(m_vault.service(), u"key-where"_s, &error), secret);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    // The wrapper keeps the keyring's files under the throwaway HOME, so scanning HOME covers
    // the keyring file, QtKeychain's would-be plaintext fallback (~/.config) and everything else.
    const QString home = QDir::homePath();
    const QString keyringFile =
        QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
        u"/keyrings/login.keyring"_s;
    QVERIFY2(QFileInfo::exists(keyringFile), qPrintable(keyringFile));
    QVERIFY2(keyringFile.startsWith(home + u'/'), qPrintable(keyringFile));
    for (const QString& dir : {home, qEnvironmentVariable("XDG_RUNTIME_DIR")}) {
        int scanned = 0;
        QCOMPARE(SecretServiceTools::filesContaining(dir, secret.toUtf8(), &scanned),
                 QStringList());
        if (dir == home)
            QVERIFY(scanned > 0);
    }
}

void TestSecretVault::callsFromAnotherThreadRunOnTheVaultThread()
{
    const QString secret = SecretServiceTools::randomSecret();
    QFuture<void> stored;
    QFuture<QString> readBack;
    // The worker has no event loop and is gone when the jobs run: they must run on ours.
    std::thread worker([&] { stored = m_vault.storeSecret(u"key-thread"_s, secret); });
    worker.join();
    QVERIFY(waitForFuture(stored));
    QVERIFY(!SecretServiceTools::errorOf(stored));
    std::thread reader(
        [&] { readBack = m_vault.readSecret(u"key-thread"_s, ApiKeyFormat::digestHex(secret)); });
    reader.join();
    QVERIFY(waitForFuture(readBack));
    QVERIFY(!SecretServiceTools::errorOf(readBack));
    QCOMPARE(readBack.result(), secret);
}

// Something else wrote the entry: another key's secret, or text shaped like a key with a bad
// checksum. Neither may be exported or copied as if it were this key's.
void TestSecretVault::aTamperedEntryIsNeverHandedOn()
{
    const QString real = SecretServiceTools::randomSecret();
    const QString other = SecretServiceTools::randomSecret();
    QString evil = real;
    evil[10] = evil[10] == u'A' ? u'B' : u'A';
    for (const QString& planted : {other, evil, u"sk-EVIL"_s + real.mid(7)}) {
        store(u"key-tampered"_s, planted);
        const auto future = m_vault.readSecret(u"key-tampered"_s, ApiKeyFormat::digestHex(real));
        QVERIFY(waitForFuture(future));
        const auto error = SecretServiceTools::errorOf(future);
        QVERIFY(error);
        QCOMPARE(error->code(), Code::Mismatch);
        QVERIFY2(!error->message().contains(planted), qPrintable(error->message()));
    }
    store(u"key-tampered"_s, real);
    QCOMPARE(read(u"key-tampered"_s, real), real);
}

void TestSecretVault::theIndexNotesWhatIsSavedFoundAndMissing()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ManualClock clock(1'767'225'600'000);
    SecretIndex index(dir.filePath(u"KeyDeck.entries"_s), clock);
    SecretVault vault(m_vault.service());
    vault.setTimeout(std::chrono::seconds(15));
    vault.setIndex(&index);
    QSignalSpy changed(&vault, &SecretVault::indexChanged);
    const qint64 created = clock.nowUtcMs();
    QCOMPARE(vault.presence(u"key-indexed"_s, created), SecretIndex::Presence::Unknown);

    const QString secret = SecretServiceTools::randomSecret();
    const auto stored = vault.storeSecret(u"key-indexed"_s, secret);
    QVERIFY(waitForFuture(stored));
    QVERIFY(!SecretServiceTools::errorOf(stored));
    QCOMPARE(vault.presence(u"key-indexed"_s, created), SecretIndex::Presence::Here);
    QCOMPARE(changed.count(), 1);

    // Saved here by another vault (keydeckctl's): found by the read, noted once.
    store(u"key-found"_s, secret);
    QCOMPARE(vault.presence(u"key-found"_s, created - 1), SecretIndex::Presence::Unknown);
    const auto found = vault.readSecret(u"key-found"_s, ApiKeyFormat::digestHex(secret));
    QVERIFY(waitForFuture(found));
    QCOMPARE(found.result(), secret);
    QCOMPARE(vault.presence(u"key-found"_s, created - 1), SecretIndex::Presence::Here);
    QCOMPARE(changed.count(), 2);

    // Removed outside this vault: the read that finds nothing notes it missing.
    QVERIFY(waitForFuture(m_vault.removeSecret(u"key-found"_s)));
    const auto missing = vault.readSecret(u"key-found"_s, ApiKeyFormat::digestHex(secret));
    QVERIFY(waitForFuture(missing));
    QCOMPARE(SecretServiceTools::errorOf(missing)->code(), Code::NotFound);
    QCOMPARE(vault.presence(u"key-found"_s, created - 1), SecretIndex::Presence::NotHere);

    const auto removed = vault.removeSecret(u"key-indexed"_s);
    QVERIFY(waitForFuture(removed));
    QCOMPARE(vault.presence(u"key-indexed"_s, created), SecretIndex::Presence::NotHere);
    QCOMPARE(changed.count(), 4);
    // The index holds names only, never a secret.
    QFile file(index.path());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains(secret.toUtf8()));
}

QTEST_GUILESS_MAIN(TestSecretVault)
#include "tst_secretvault.moc"
