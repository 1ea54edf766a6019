#include "ApiKeyFormat.h"
#include "KeydeckctlRunner.h"
#include "SecretServiceTools.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

using namespace Qt::StringLiterals;

namespace {
// What an app started with ". FILE" sees in NAME.
QString sourcedValue(const QString& path, const QString& name)
{
    QProcess sh;
    sh.start(u"sh"_s, {u"-c"_s, u". \"$1\" && printf %s \"$%1\""_s.arg(name), u"sh"_s, path});
    if (!sh.waitForFinished(10000) || sh.exitCode() != 0)
        return u"<sh failed: %1>"_s.arg(QString::fromUtf8(sh.readAllStandardError()));
    return QString::fromUtf8(sh.readAllStandardOutput());
}

int git(const QString& dir, const QStringList& arguments)
{
    QProcess process;
    process.start(u"git"_s, QStringList{u"-C"_s, dir} + arguments);
    if (!process.waitForFinished(20000) || process.exitStatus() != QProcess::NormalExit)
        return -1;
    return process.exitCode();
}

class UmaskScope final
{
public:
    explicit UmaskScope(mode_t mask)
        : m_old(::umask(mask))
    {}
    ~UmaskScope() { ::umask(m_old); }
    UmaskScope(const UmaskScope&) = delete;
    UmaskScope& operator=(const UmaskScope&) = delete;

private:
    mode_t m_old;
};
} // namespace

class TestExportEnv final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    KeydeckctlRunner m_runner{m_dir.filePath(u"xdg-data"_s)};
    QString m_store;
    QString m_work; // a fresh folder for this test's files
    int m_count = 0;

    KeydeckctlRunner::Run ctl(const QStringList& arguments) const
    {
        return m_runner.run(QStringList{u"--store"_s, m_store} + arguments);
    }

    // Creates a key and returns its secret (empty with --no-keychain checks skipped).
    QString create(const QString& label, const QStringList& extra = {})
    {
        const KeydeckctlRunner::Run r =
            ctl(QStringList{u"keys"_s, u"create"_s, u"--label"_s, label, u"--json"_s} + extra);
        if (r.exitCode != 0)
            qWarning().noquote() << "create failed:" << r.err;
        return KeydeckctlRunner::jsonObject(r.out).value(u"secret"_s).toString();
    }

    QString path(const QString& name) const { return QDir(m_work).filePath(name); }

    static void verifyNoSecretIn(const KeydeckctlRunner::Run& r, const QStringList& secrets)
    {
        for (const QString& secret : secrets) {
            QVERIFY(!secret.isEmpty());
            QVERIFY2(!r.out.contains(secret) && !r.err.contains(secret), "a secret was printed");
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(SecretServiceTools::insidePrivateKeyring(),
                 "run through tests/support/with-keyring.sh (ctest does)");
    }

    void init()
    {
        ++m_count;
        m_store = m_dir.filePath(u"store-%1/keys.sqlite"_s.arg(m_count));
        m_work = m_dir.filePath(u"work-%1"_s.arg(m_count));
        QVERIFY(QDir().mkpath(m_work));
        QCOMPARE(ctl({u"workspace"_s, u"set"_s, u"--prefix"_s, u"sk-aisa-"_s}).exitCode, 0);
    }

    void twoKeysAreWrittenAndShReadsThemBack()
    {
        const QString web = create(u"prod-web-app"_s);
        const QString ci = create(u"ci-tests"_s);
        QVERIFY(ApiKeyFormat::isWellFormed(web));
        QVERIFY(ApiKeyFormat::isWellFormed(ci));

        const UmaskScope umask(0); // keydeckctl inherits it
        const QString env = path(u".env"_s);
        const KeydeckctlRunner::Run r =
            ctl({u"export-env"_s, u"--out"_s, env, u"--key"_s, u"prod-web-app"_s, u"--key"_s,
                 u"ci-tests=CI_KEY"_s, u"--base-url"_s, u"https://api.example.com/v1"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        verifyNoSecretIn(r, {web, ci});
        QVERIFY2(r.out.contains(u"AISA_PROD_WEB_APP_API_KEY"_s), qPrintable(r.out));
        QVERIFY(r.out.contains(u"CI_KEY"_s));
        QVERIFY(r.out.contains(u"mode 0600"_s));
        QVERIFY(r.out.contains(QFileInfo(env).absoluteFilePath()));

        QCOMPARE(TestSupport::unixMode(env), 0600);
        QCOMPARE(sourcedValue(env, u"AISA_PROD_WEB_APP_API_KEY"_s), web);
        QCOMPARE(sourcedValue(env, u"CI_KEY"_s), ci);
        QCOMPARE(sourcedValue(env, u"AISA_BASE_URL"_s), u"https://api.example.com/v1"_s);
    }

    void oneKeyGetsTheBrandNameAndExistingLinesStay()
    {
        const QString web = create(u"prod-web-app"_s);
        const QString env = path(u"app.env"_s);
        const QByteArray before = "# app settings\nPORT=8080\nAISA_API_KEY='old'\nDEBUG=0";
        QVERIFY(TestSupport::writeFile(env, before));
        QVERIFY(QFile::setPermissions(env, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup |
                                               QFile::ReadOther));

        const KeydeckctlRunner::Run r =
            ctl({u"export-env"_s, u"--out"_s, env, u"--key"_s, u"prod-web-app"_s, u"--json"_s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        verifyNoSecretIn(r, {web});
        const QJsonObject result = KeydeckctlRunner::jsonObject(r.out);
        QCOMPARE(result.value(u"mode"_s).toString(), u"0600"_s);
        const QJsonObject variable = result.value(u"variables"_s).toArray().at(0).toObject();
        QCOMPARE(variable.value(u"name"_s).toString(), u"AISA_API_KEY"_s);
        QCOMPARE(variable.value(u"label"_s).toString(), u"prod-web-app"_s);
        QCOMPARE(variable.value(u"replaced"_s).toBool(), true);

        QCOMPARE(TestSupport::readFile(env),
                 "# app settings\nPORT=8080\nAISA_API_KEY='" + web.toUtf8() + "'\nDEBUG=0");
        QCOMPARE(TestSupport::unixMode(env), 0600);
    }

    void aKeyWithoutItsSecretInTheKeychainWritesNothing()
    {
        create(u"prod-web-app"_s);
        create(u"laptop-only"_s, {u"--no-keychain"_s});
        create(u"ci-tests"_s);

        const QString fresh = path(u".env"_s);
        const KeydeckctlRunner::Run r =
            ctl({u"export-env"_s, u"--out"_s, fresh, u"--key"_s, u"prod-web-app"_s, u"--key"_s,
                 u"laptop-only"_s, u"--key"_s, u"ci-tests"_s});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"key \"laptop-only\": its secret is not in this computer's "
                                u"keychain"_s),
                 qPrintable(r.err));
        QVERIFY(!r.err.contains(u"prod-web-app"_s));
        QVERIFY(r.err.contains(u"nothing was written"_s));
        QVERIFY(!QFileInfo::exists(fresh));
        QCOMPARE(QDir(m_work).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList());

        const QString existing = path(u"existing.env"_s);
        const QByteArray before = "KEEP=1\nAISA_PROD_WEB_APP_API_KEY='old'\n";
        QVERIFY(TestSupport::writeFile(existing, before));
        QCOMPARE(ctl({u"export-env"_s, u"--out"_s, existing, u"--key"_s, u"prod-web-app"_s,
                      u"--key"_s, u"laptop-only"_s})
                     .exitCode,
                 1);
        QCOMPARE(TestSupport::readFile(existing), before);
    }

    void badInputNamesTheFieldAndWritesNothing()
    {
        create(u"prod-web-app"_s);
        create(u"old"_s);
        QCOMPARE(ctl({u"keys"_s, u"revoke"_s, u"old"_s}).exitCode, 0);
        const QString env = path(u".env"_s);
        const QStringList base = {u"export-env"_s, u"--out"_s, env};

        KeydeckctlRunner::Run r = ctl(base + QStringList{u"--key"_s, u"prod-web-app=1ABC"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(u"key \"prod-web-app\": variable 1ABC starts with a digit"_s),
                 qPrintable(r.err));

        r = ctl(base + QStringList{u"--key"_s, u"prod-web-app=A-B"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(u"variable A-B contains \"-\""_s), qPrintable(r.err));

        r = ctl(base + QStringList{u"--key"_s, u"prod-web-app"_s, u"--base-url"_s,
                                   u"https://x/v1'; rm -rf ~"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(u"--base-url: contains '"_s), qPrintable(r.err));

        r = ctl(base + QStringList{u"--key"_s, u"no-such-key"_s});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(u"\"no-such-key\""_s), qPrintable(r.err));

        r = ctl(base + QStringList{u"--key"_s, u"old"_s});
        QCOMPARE(r.exitCode, 4);
        QVERIFY2(r.err.contains(u"key \"old\": is revoked"_s), qPrintable(r.err));

        r = ctl({u"export-env"_s, u"--out"_s, path(u"missing-folder/.env"_s), u"--key"_s,
                 u"prod-web-app"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(u"--out: the folder"_s), qPrintable(r.err));

        QVERIFY(!QFileInfo::exists(env));
    }

    void aDisabledKeyIsExportedWithAWarning()
    {
        const QString secret = create(u"paused"_s);
        QCOMPARE(ctl({u"keys"_s, u"disable"_s, u"paused"_s}).exitCode, 0);
        const QString env = path(u".env"_s);
        const KeydeckctlRunner::Run r =
            ctl({u"export-env"_s, u"--out"_s, env, u"--key"_s, u"paused=PAUSED_KEY"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains(u"warning: key \"paused\" is disabled"_s), qPrintable(r.err));
        QCOMPARE(sourcedValue(env, u"PAUSED_KEY"_s), secret);
    }

    void aFileGitWouldCommitIsReportedAndIgnoredOnRequest()
    {
        const QString secret = create(u"prod-web-app"_s);
        QCOMPARE(git(m_work, {u"init"_s, u"-q"_s}), 0);
        const QString env = path(u".env"_s);

        KeydeckctlRunner::Run r =
            ctl({u"export-env"_s, u"--out"_s, env, u"--key"_s, u"prod-web-app"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains(u"git does not ignore it"_s), qPrintable(r.err));
        QVERIFY(r.err.contains(u"--add-gitignore"_s));
        QVERIFY(!QFileInfo::exists(path(u".gitignore"_s))); // only on request
        QCOMPARE(sourcedValue(env, u"AISA_API_KEY"_s), secret);
        QCOMPARE(git(m_work, {u"check-ignore"_s, u"-q"_s, u".env"_s}), 1);

        r = ctl({u"export-env"_s, u"--out"_s, env, u"--key"_s, u"prod-web-app"_s,
                 u"--add-gitignore"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(!r.err.contains(u"warning"_s), qPrintable(r.err));
        QCOMPARE(TestSupport::readFile(path(u".gitignore"_s)),
                 QByteArrayLiteral(".env\n.env.local\n*.env\n"));
        QCOMPARE(git(m_work, {u"check-ignore"_s, u"-q"_s, u".env"_s}), 0);

        r = ctl({u"export-env"_s, u"--out"_s, path(u"notes.txt"_s), u"--key"_s, u"prod-web-app"_s,
                 u"--force-gitignore-ok"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestExportEnv)
#include "tst_exportenv.moc"
