#include "ApiKeyFormat.h"
#include "KeydeckctlRunner.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using Run = KeydeckctlRunner::Run;

namespace {
bool git(const QString& dir, const QStringList& arguments)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString& name : {u"GIT_AUTHOR_NAME"_s, u"GIT_COMMITTER_NAME"_s})
        env.insert(name, u"KeyDeck test"_s);
    for (const QString& name : {u"GIT_AUTHOR_EMAIL"_s, u"GIT_COMMITTER_EMAIL"_s})
        env.insert(name, u"test@example.com"_s);
    process.setProcessEnvironment(env);
    process.start(u"git"_s, QStringList{u"-C"_s, dir} + arguments);
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0) {
        qWarning().noquote() << "git" << arguments << "failed:" << process.readAllStandardError();
        return false;
    }
    return true;
}

bool write(const QString& path, const QByteArray& content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) >= 0;
}

QJsonObject keyNamed(const QJsonObject& report, const QString& label)
{
    for (const QJsonValue& key : report.value(u"keys"_s).toArray()) {
        if (key.toObject().value(u"label"_s).toString() == label)
            return key.toObject();
    }
    return {};
}
} // namespace

// keydeckctl scan against a generated repository: keys in files, in old commits only, in packed
// objects, a binary file, another store's key, and look-alikes that must not match.
class TestKeydeckctlScan final : public QObject
{
    Q_OBJECT

private:
    Run ctl(QStringList arguments) const
    {
        return m_runner->run(QStringList{u"--store"_s, m_store} + arguments);
    }

    QString createKey(const QString& label, const QString& store)
    {
        const Run r = m_runner->run({u"--store"_s, store, u"keys"_s, u"create"_s, u"--label"_s,
                                     label, u"--no-keychain"_s, u"--json"_s});
        return r.exitCode == 0 ? KeydeckctlRunner::jsonObject(r.out).value(u"secret"_s).toString()
                               : QString();
    }

    // Nothing the scan printed holds a whole key.
    void checkNoSecretIn(const Run& r) const
    {
        for (const QString& secret : m_secrets) {
            QVERIFY(!r.out.contains(secret));
            QVERIFY(!r.err.contains(secret));
        }
    }

    QTemporaryDir m_dir;
    std::unique_ptr<KeydeckctlRunner> m_runner;
    QString m_store;
    QString m_repo;
    QStringList m_secrets;
    QString m_live;
    QString m_paused;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_runner = std::make_unique<KeydeckctlRunner>(m_dir.filePath(u"xdg"_s));
        m_store = m_dir.filePath(u"keys.sqlite"_s);
        m_live = createKey(u"prod-web-app"_s, m_store);
        m_paused = createKey(u"paused"_s, m_store);
        const QString retired = createKey(u"retired"_s, m_store);
        const QString stranger = createKey(u"elsewhere"_s, m_dir.filePath(u"other.sqlite"_s));
        m_secrets = {m_live, m_paused, retired, stranger};
        for (const QString& secret : std::as_const(m_secrets))
            QVERIFY(ApiKeyFormat::isWellFormed(secret));
        QCOMPARE(ctl({u"keys"_s, u"disable"_s, u"paused"_s}).exitCode, 0);
        QCOMPARE(ctl({u"keys"_s, u"revoke"_s, u"retired"_s}).exitCode, 0);

        m_repo = m_dir.filePath(u"repo"_s);
        QVERIFY(QDir().mkpath(m_repo));
        QVERIFY(git(m_repo, {u"init"_s, u"-q"_s}));
        // The live key was committed, then removed: only history holds it, packed by gc.
        QVERIFY(write(m_repo + u"/src/config.js"_s,
                      "// settings\nconst apiKey = \"" + m_live.toUtf8() + "\";\n"));
        QVERIFY(git(m_repo, {u"add"_s, u"."_s}));
        QVERIFY(git(m_repo, {u"commit"_s, u"-q"_s, u"-m"_s, u"first"_s}));
        QVERIFY(
            write(m_repo + u"/src/config.js"_s, "// settings\nconst apiKey = process.env.KEY;\n"));
        QVERIFY(git(m_repo, {u"commit"_s, u"-q"_s, u"-a"_s, u"-m"_s, u"second"_s}));
        QVERIFY(git(m_repo, {u"gc"_s, u"-q"_s}));
        // In the work tree now: the disabled key, the revoked one, another store's.
        QVERIFY(write(m_repo + u"/deploy/.env"_s,
                      "A=" + m_paused.toUtf8() + "\nB='" + retired.toUtf8() + "'\n"));
        QVERIFY(write(m_repo + u"/notes.md"_s, "see `" + stranger.toUtf8() + "`\n"));
        // Look-alikes: a checksum that fails, a key inside a longer word, one in a binary file.
        QString typo = m_live;
        typo[typo.size() - 1] = typo.back() == u'A' ? u'B' : u'A';
        QVERIFY(write(m_repo + u"/lookalikes.txt"_s,
                      typo.toUtf8() + "\nx" + m_live.toUtf8() + "\n" + m_live.toUtf8() + "x\n"));
        QVERIFY(write(m_repo + u"/logo.png"_s, QByteArray("\x89PNG\0\0", 6) + m_live.toUtf8()));
    }

    void findsEveryKeyWhereverItIsAndSaysWhichStillWork()
    {
        const Run r = ctl({u"scan"_s, m_repo, u"--json"_s});
        QCOMPARE(r.exitCode, 6);
        checkNoSecretIn(r);
        const QJsonObject report = KeydeckctlRunner::jsonObject(r.out);
        QCOMPARE(report.value(u"keys"_s).toArray().size(), 3);

        const QJsonObject live = keyNamed(report, u"prod-web-app"_s);
        QCOMPARE(live.value(u"still_works"_s).toBool(), true);
        QCOMPARE(live.value(u"hint"_s).toString(), ApiKeyFormat::displayHint(m_live));
        const QJsonArray places = live.value(u"locations"_s).toArray();
        // Once, in the first commit's config.js, line 2: the look-alikes and the binary file
        // do not count.
        QCOMPARE(places.size(), 1);
        QCOMPARE(places.at(0).toObject().value(u"file"_s).toString(),
                 QDir::cleanPath(m_repo + u"/src/config.js"_s));
        QCOMPARE(places.at(0).toObject().value(u"line"_s).toInt(), 2);
        QCOMPARE(places.at(0).toObject().value(u"commit"_s).toString().size(), 40);

        QCOMPARE(keyNamed(report, u"paused"_s).value(u"status"_s).toString(), u"disabled"_s);
        QCOMPARE(keyNamed(report, u"paused"_s).value(u"still_works"_s).toBool(), true);
        const QJsonObject retired = keyNamed(report, u"retired"_s);
        QCOMPARE(retired.value(u"still_works"_s).toBool(), false);
        const QJsonObject there = retired.value(u"locations"_s).toArray().at(0).toObject();
        QCOMPARE(there.value(u"file"_s).toString(), m_repo + u"/deploy/.env"_s);
        QCOMPARE(there.value(u"line"_s).toInt(), 2);
        QVERIFY(there.value(u"commit"_s).isNull());

        const QJsonArray unknown = report.value(u"unknown"_s).toArray();
        QCOMPARE(unknown.size(), 1);
        QCOMPARE(unknown.at(0).toObject().value(u"hint"_s).toString(),
                 ApiKeyFormat::displayHint(m_secrets.at(3)));
        const QJsonObject scanned = report.value(u"scanned"_s).toObject();
        QCOMPARE(scanned.value(u"commits"_s).toInt(), 2);
        QCOMPARE(scanned.value(u"binary_skipped"_s).toInt(), 1);
        QCOMPARE(scanned.value(u"files"_s).toInt(), 5);

        // As text: the key that still works first, what to do, and no secret.
        const Run text = ctl({u"scan"_s, m_repo});
        QCOMPARE(text.exitCode, 6);
        checkNoSecretIn(text);
        QVERIFY2(text.out.section(u'\n', 0, 0).endsWith(u"<- STILL WORKS"_s), qPrintable(text.out));
        for (const QString& label : {u"prod-web-app"_s, u"paused"_s})
            QVERIFY2(text.out.contains(u"keydeckctl keys revoke "_s + label + u'\n'),
                     qPrintable(text.out));
        QVERIFY(!text.out.contains(u"keys revoke retired"_s));
        QVERIFY2(text.out.contains(u"not a key of this store"_s), qPrintable(text.out));
    }

    void historyCanBeLeftOut()
    {
        const Run r = ctl({u"scan"_s, m_repo, u"--no-history"_s, u"--json"_s});
        const QJsonObject report = KeydeckctlRunner::jsonObject(r.out);
        QVERIFY(keyNamed(report, u"prod-web-app"_s).isEmpty());
        QCOMPARE(report.value(u"scanned"_s).toObject().value(u"commits"_s).toInt(), 0);
        // The disabled key in the work tree still works.
        QCOMPARE(r.exitCode, 6);
    }

    void aHostileRepositoryRunsNothing()
    {
        const QString hostile = m_dir.filePath(u"hostile"_s);
        QVERIFY(QDir().mkpath(hostile));
        QVERIFY(git(hostile, {u"init"_s, u"-q"_s}));
        // A diff driver whose text conversion git log -p would run for every change.
        QVERIFY(write(hostile + u"/.gitattributes"_s, "*.txt diff=evil\n"));
        QVERIFY(write(hostile + u"/a.txt"_s, "nothing\n"));
        QVERIFY(git(hostile, {u"add"_s, u"."_s}));
        QVERIFY(git(hostile, {u"commit"_s, u"-q"_s, u"-m"_s, u"one"_s}));
        const QString marker = m_dir.filePath(u"pwned"_s);
        for (const QString& setting : {u"core.fsmonitor"_s, u"core.pager"_s, u"diff.external"_s,
                                       u"diff.evil.textconv"_s, u"diff.evil.command"_s})
            QVERIFY(git(hostile, {u"config"_s, setting, u"touch "_s + marker}));
        const Run r = ctl({u"scan"_s, hostile});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(u"no KeyDeck key found"_s), qPrintable(r.out));
        QVERIFY(!QFileInfo::exists(marker));
    }

    void onceRevokedTheExitSaysAllClear()
    {
        QCOMPARE(ctl({u"keys"_s, u"revoke"_s, u"prod-web-app"_s}).exitCode, 0);
        QCOMPARE(ctl({u"keys"_s, u"revoke"_s, u"paused"_s}).exitCode, 0);
        const Run r = ctl({u"scan"_s, m_repo, u"--json"_s});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject report = KeydeckctlRunner::jsonObject(r.out);
        QCOMPARE(report.value(u"keys"_s).toArray().size(), 3);
        QCOMPARE(keyNamed(report, u"prod-web-app"_s).value(u"still_works"_s).toBool(), false);
    }

    void badInputNamesWhatIsWrong()
    {
        Run r = ctl({u"scan"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(u"missing PATH"_s), qPrintable(r.err));
        r = ctl({u"scan"_s, m_repo, u"--all"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(u"--all: is not an option of keydeckctl scan"_s),
                 qPrintable(r.err));
        r = ctl({u"scan"_s, m_dir.filePath(u"no-such-folder"_s)});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(u"Could not read"_s) || r.out.contains(u"no KeyDeck key"_s),
                 qPrintable(r.out));
    }
};

QTEST_GUILESS_MAIN(TestKeydeckctlScan)
#include "tst_keydeckctl_scan.moc"
