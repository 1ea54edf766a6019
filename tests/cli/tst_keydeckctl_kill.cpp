#include "ApiKeyFormat.h"
#include "KeydeckctlRunner.h"
#include "SecretServiceTools.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
const QString VaultService = u"KeyDeck"_s;
constexpr int Rounds = 160;
} // namespace

// keydeckctl keys create killed (SIGKILL) at random moments: afterwards every key the store lists
// has its secret in the keychain or on the standard output the run got out, and no keychain
// probe entry is left behind once the next command has probed.
class TestKeydeckctlKill final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_store;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"XDG_DATA_HOME"_s, m_dir.filePath(u"xdg-data"_s));
        env.remove(u"KEYDECK_STORE"_s);
        return env;
    }

    KeydeckctlRunner::Run ctl(const QStringList& arguments) const
    {
        return KeydeckctlRunner(m_dir.filePath(u"xdg-data"_s))
            .run(QStringList{u"--store"_s, m_store} + arguments);
    }

    // Starts a create and kills it after delayMs; returns what it printed before.
    QString createKilledAfter(const QString& label, int delayMs)
    {
        QProcess process;
        process.setProcessEnvironment(environment());
        process.start(KeydeckctlRunner::program(),
                      {u"--store"_s, m_store, u"keys"_s, u"create"_s, u"--label"_s, label});
        if (!process.waitForStarted(10000))
            return {};
        QElapsedTimer timer;
        timer.start();
        QByteArray out;
        while (timer.elapsed() < delayMs && process.state() == QProcess::Running) {
            process.waitForReadyRead(1);
            out += process.readAllStandardOutput();
        }
        process.kill();
        process.waitForFinished(10000);
        out += process.readAllStandardOutput();
        return QString::fromUtf8(out);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(SecretServiceTools::insidePrivateKeyring(),
                 "run through tests/support/with-keyring.sh (ctest does)");
        QVERIFY(m_dir.isValid());
        m_store = m_dir.filePath(u"kill.sqlite"_s);
    }

    void aKilledCreateLeavesNoKeyWithoutItsSecret()
    {
        // How long a create takes here, so that kills land all over it.
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(ctl({u"keys"_s, u"create"_s, u"--label"_s, u"warm-up"_s}).exitCode, 0);
        const int fullMs = int(qMax<qint64>(timer.elapsed(), 20));

        QHash<QString, QString> printedByHint;
        const QRegularExpression keyPattern(u"sk-[A-Za-z0-9]{38}"_s);
        int printedRuns = 0;
        for (int round = 0; round < Rounds; ++round) {
            // Most kills in the second half, where the key is written and its secret saved.
            const int delay =
                round % 4 == 0
                    ? int(QRandomGenerator::global()->bounded(fullMs / 2 + 1))
                    : fullMs / 2 + int(QRandomGenerator::global()->bounded(fullMs * 3 / 5 + 1));
            const QString out = createKilledAfter(u"kill-%1"_s.arg(round), delay);
            auto matches = keyPattern.globalMatch(out);
            if (matches.hasNext())
                ++printedRuns;
            while (matches.hasNext()) {
                const QString secret = matches.next().captured();
                printedByHint.insert(ApiKeyFormat::displayHint(secret), secret);
            }
        }
        qInfo("%d kills within %d ms; %d runs printed their key first", Rounds, fullMs,
              printedRuns);

        const KeydeckctlRunner::Run listed = ctl({u"keys"_s, u"list"_s, u"--json"_s});
        QCOMPARE(listed.exitCode, 0);
        const QJsonArray keys = KeydeckctlRunner::jsonArray(listed.out);
        QVERIFY(!keys.isEmpty());
        int inKeychain = 0;
        for (const QJsonValue& value : keys) {
            const QJsonObject key = value.toObject();
            const QString label = key.value(u"label"_s).toString();
            QString error;
            const std::optional<QString> stored = SecretServiceTools::lookup(
                VaultService, key.value(u"keychain_entry"_s).toString(), &error);
            QVERIFY2(error.isEmpty(), qPrintable(error));
            const QString hint = key.value(u"hint"_s).toString();
            if (stored) {
                QCOMPARE(ApiKeyFormat::displayHint(*stored), hint);
                ++inKeychain;
                continue;
            }
            QVERIFY2(
                printedByHint.contains(hint),
                qPrintable(u"key %1 is in the store, but its secret is neither in the keychain "
                           "nor was it printed"_s.arg(label)));
        }
        qInfo("%lld keys listed, %d with the secret in the keychain", qlonglong(keys.size()),
              inKeychain);

        // The next command that probes removes the entries of killed probes.
        const auto markers = [] {
            QStringList names;
            QDirIterator it(qEnvironmentVariable("XDG_RUNTIME_DIR") + u"/keydeck-probes"_s,
                            QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext())
                names << it.next().section(u'/', -1);
            return names.join(u", "_s);
        };
        const QString markersBefore = markers();
        QCOMPARE(ctl({u"keys"_s, u"create"_s, u"--label"_s, u"after"_s}).exitCode, 0);
        QString error;
        const QStringList items = SecretServiceTools::itemsOf(VaultService, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        for (const QString& item : items) {
            QVERIFY2(
                !item.contains(u"__keydeck_probe__"_s),
                qPrintable(u"%1 is left; markers before the last probe: [%2], after: [%3]"_s.arg(
                    item, markersBefore, markers())));
        }
    }
};

QTEST_GUILESS_MAIN(TestKeydeckctlKill)
#include "tst_keydeckctl_kill.moc"
