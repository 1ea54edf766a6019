#include "ApiKeyFormat.h"
#include "CodeSample.h"
#include "EnvExportPlan.h"
#include "EnvFile.h"
#include "EnvVarName.h"
#include "GitIgnoreCheck.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <cstdio>
#include <sys/stat.h>

using namespace Qt::StringLiterals;

namespace {
constexpr auto CrashChildVariable = "KEYDECK_TST_ENVFILE_CRASH_CHILD";
constexpr auto OwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

QString secret()
{
    return ApiKeyFormat::generate(u"sk-aisa-", *QRandomGenerator::global());
}

bool writeEnv(const QString& path, const QList<EnvFile::Variable>& variables, QString* error)
{
    std::optional<EnvFile> file = EnvFile::load(path, error);
    if (!file)
        return false;
    const FieldErrors errors = file->set(variables);
    if (!errors.isEmpty()) {
        *error = errors.first().toString();
        return false;
    }
    return file->save(path, error);
}

// What sh makes of NAME after sourcing path: the same shell every container has.
QByteArray sourcedValue(const QString& path, const QString& name)
{
    QProcess sh;
    sh.start(u"sh"_s, {u"-c"_s, u". \"$1\" && printf %s \"$%1\""_s.arg(name), u"sh"_s, path});
    if (!sh.waitForFinished(10000) || sh.exitStatus() != QProcess::NormalExit ||
        sh.exitCode() != 0) {
        qWarning().noquote() << "sh failed:" << sh.readAllStandardError();
        return QByteArrayLiteral("<sh failed>");
    }
    return sh.readAllStandardOutput();
}

QString git(const QString& dir, const QStringList& arguments)
{
    QProcess process;
    process.start(u"git"_s, QStringList{u"-C"_s, dir} + arguments);
    if (!process.waitForFinished(20000) || process.exitCode() != 0)
        return u"<git failed: %1>"_s.arg(QString::fromUtf8(process.readAllStandardError()));
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
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

// The child side of crashDuringWriteLeavesTheOldFileWhole: rewrites the file through EnvFile,
// alternating two values, until it is killed; says "saved" once the first write is done.
int runCrashChild(const QString& path)
{
    const QString values[] = {qEnvironmentVariable("KEYDECK_TST_VALUE_A"),
                              qEnvironmentVariable("KEYDECK_TST_VALUE_B")};
    for (qint64 n = 0;; ++n) {
        QString error;
        if (!writeEnv(path, {{u"SECRET"_s, values[n % 2]}}, &error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        if (n == 0) {
            std::fputs("saved\n", stdout);
            std::fflush(stdout);
        }
    }
}
} // namespace

class TestEnvFile final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void newFileIsOwnerOnlyUnderUmask000()
    {
        const UmaskScope umask(0);
        const QString path = m_dir.filePath(u"new.env"_s);
        QString error;
        QVERIFY2(writeEnv(path, {{u"AISA_API_KEY"_s, secret()}}, &error), qPrintable(error));
        QCOMPARE(TestSupport::unixMode(path), 0600);
    }

    void existingWorldReadableFileBecomesOwnerOnly()
    {
        const UmaskScope umask(0);
        const QString path = m_dir.filePath(u"shared.env"_s);
        QVERIFY(TestSupport::writeFile(path, "# team settings\nREGION=eu\n"));
        QVERIFY(QFile::setPermissions(path,
                                      OwnerOnly | QFileDevice::ReadGroup | QFileDevice::ReadOther));
        QCOMPARE(TestSupport::unixMode(path), 0644);
        QString error;
        QVERIFY2(writeEnv(path, {{u"AISA_API_KEY"_s, secret()}}, &error), qPrintable(error));
        QCOMPARE(TestSupport::unixMode(path), 0600);
        QVERIFY(TestSupport::readFile(path).startsWith(
            "# team settings\nREGION=eu\nAISA_API_KEY='sk-aisa-"));
    }

    void valuesRoundTripThroughSh_data()
    {
        QTest::addColumn<QString>("value");
        QTest::newRow("key") << secret();
        QTest::newRow("spaces") << u"  two  spaces and trailing  "_s;
        QTest::newRow("dollar") << u"$HOME ${PATH} $(id) $1"_s;
        QTest::newRow("double quotes") << u"say \"hi\""_s;
        QTest::newRow("backslashes") << u"a\\b\\\\c\\n\\"_s;
        QTest::newRow("backticks") << u"`id` `"_s;
        QTest::newRow("hash") << u"#not a comment # really"_s;
        QTest::newRow("equals") << u"a=b==c"_s;
        QTest::newRow("glob and tilde") << u"* ? [a] ~ ~root"_s;
        QTest::newRow("semicolon and pipe") << u"a; b | c && d"_s;
        QTest::newRow("tab") << u"a\tb"_s;
        QTest::newRow("unicode") << u"päßwörd ✓ 日本語 🔑"_s;
        QTest::newRow("leading dash") << u"-n -e"_s;
        QTest::newRow("empty") << QString();
    }

    void valuesRoundTripThroughSh()
    {
        QFETCH(QString, value);
        const QString path = m_dir.filePath(u"roundtrip.env"_s);
        QFile::remove(path);
        QString error;
        QVERIFY2(writeEnv(path, {{u"VALUE"_s, value}, {u"AFTER"_s, u"x"_s}}, &error),
                 qPrintable(error));
        QCOMPARE(sourcedValue(path, u"VALUE"_s), value.toUtf8());
        QCOMPARE(sourcedValue(path, u"AFTER"_s), QByteArrayLiteral("x"));

        // Replacing in place must quote just as safely.
        const QString first = secret();
        QVERIFY2(writeEnv(path, {{u"VALUE"_s, first}}, &error), qPrintable(error));
        QCOMPARE(sourcedValue(path, u"VALUE"_s), first.toUtf8());
        QVERIFY2(writeEnv(path, {{u"VALUE"_s, value}}, &error), qPrintable(error));
        QCOMPARE(sourcedValue(path, u"VALUE"_s), value.toUtf8());
    }

    void hostileValuesAreRefusedAndNothingIsWritten_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("reason");
        QTest::newRow("single quote") << u"abc'; rm -rf ~; echo '"_s << u"single quote"_s;
        QTest::newRow("newline") << u"abc\nEVIL=1"_s << u"line break"_s;
        QTest::newRow("carriage return") << u"abc\rdef"_s << u"line break"_s;
        QTest::newRow("NUL") << u"abc"_s + QChar(0) + u"def"_s << u"NUL"_s;
    }

    void hostileValuesAreRefusedAndNothingIsWritten()
    {
        QFETCH(QString, value);
        QFETCH(QString, reason);
        const QString path = m_dir.filePath(u"hostile-value.env"_s);
        const QByteArray before = "# keep\nAISA_API_KEY='old'\n";
        QVERIFY(TestSupport::writeFile(path, before));
        QVERIFY(QFile::setPermissions(path, OwnerOnly));

        std::optional<EnvFile> file = EnvFile::load(path, nullptr);
        QVERIFY(file);
        // A good variable beside the bad one is not written either: nothing partial.
        const FieldErrors errors = file->set({{u"GOOD"_s, u"fine"_s}, {u"AISA_API_KEY"_s, value}});
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.first().field, u"AISA_API_KEY"_s);
        QVERIFY2(errors.first().message.contains(reason), qPrintable(errors.first().message));
        QVERIFY(!errors.first().message.contains(u"abc"_s)); // the value is never echoed
        QCOMPARE(file->bytes(), before);
        QCOMPARE(TestSupport::readFile(path), before);
    }

    void hostileNamesAreRefusedAndNothingIsWritten_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("reason");
        QTest::newRow("leading digit") << u"1ABC"_s << u"starts with a digit"_s;
        QTest::newRow("dash") << u"A-B"_s << u"contains \"-\""_s;
        QTest::newRow("empty") << QString() << u"is empty"_s;
        QTest::newRow("space") << u"A B"_s << u"contains a space"_s;
        QTest::newRow("equals") << u"A=B"_s << u"contains \"=\""_s;
        QTest::newRow("dollar") << u"A$(id)"_s << u"contains \"$\""_s;
        QTest::newRow("accented") << u"CLÉ"_s << u"contains \"É\""_s;
        QTest::newRow("emoji") << u"KEY🔑"_s << u"contains \"🔑\""_s;
        QTest::newRow("newline") << u"A\nB"_s << u"contains U+000A"_s;
    }

    void hostileNamesAreRefusedAndNothingIsWritten()
    {
        QFETCH(QString, name);
        QFETCH(QString, reason);
        const QString path = m_dir.filePath(u"hostile-name.env"_s);
        const QByteArray before = "A=1\r\nB=2";
        QVERIFY(TestSupport::writeFile(path, before));
        std::optional<EnvFile> file = EnvFile::load(path, nullptr);
        QVERIFY(file);
        const FieldErrors errors = file->set({{u"GOOD"_s, u"x"_s}, {name, secret()}});
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors.first().message.contains(reason), qPrintable(errors.first().toString()));
        QCOMPARE(file->bytes(), before);
        QCOMPARE(TestSupport::readFile(path), before);
    }

    void existingLinesAreKeptByteForByte()
    {
        const QByteArray before = "# API settings\r\n"
                                  "\r\n"
                                  "export X=1\r\n"
                                  "  AISA_API_KEY=old-value # rotated monthly\r\n"
                                  "# AISA_API_KEY=commented-out\n"
                                  "CERT=\"-----BEGIN\n"
                                  "AISA_BASE_URL=inside-a-value\n"
                                  "-----END\"\n"
                                  "export AISA_BASE_URL='https://old.example/v1'\n"
                                  "\n"
                                  "TAIL=last-line-without-newline";
        const QString path = m_dir.filePath(u"existing.env"_s);
        QVERIFY(TestSupport::writeFile(path, before));
        const QString key = secret();
        QString error;
        QVERIFY2(writeEnv(path,
                          {{u"AISA_API_KEY"_s, key},
                           {u"AISA_BASE_URL"_s, u"https://api.example.com/v1"_s},
                           {u"NEW_ONE"_s, u"n"_s}},
                          &error),
                 qPrintable(error));
        const QByteArray expected = "# API settings\r\n"
                                    "\r\n"
                                    "export X=1\r\n"
                                    "  AISA_API_KEY='" +
                                    key.toUtf8() +
                                    "'\n"
                                    "# AISA_API_KEY=commented-out\n"
                                    "CERT=\"-----BEGIN\n"
                                    "AISA_BASE_URL=inside-a-value\n"
                                    "-----END\"\n"
                                    "export AISA_BASE_URL='https://api.example.com/v1'\n"
                                    "\n"
                                    "TAIL=last-line-without-newline\n"
                                    "NEW_ONE='n'\n";
        QCOMPARE(TestSupport::readFile(path), expected);
        // sh would read a CR before the line feed into the value: KeyDeck's lines end in LF.
        QCOMPARE(sourcedValue(path, u"AISA_API_KEY"_s), key.toUtf8());
        QCOMPARE(sourcedValue(path, u"NEW_ONE"_s), QByteArrayLiteral("n"));
    }

    void lfFileGetsLfAndAMultiLineValueIsReplacedWhole()
    {
        const QString path = m_dir.filePath(u"multiline.env"_s);
        QVERIFY(TestSupport::writeFile(path, "A=1\nKEY=\"line one\nline \\\" two\" # note\nB=2\n"));
        QString error;
        QVERIFY2(writeEnv(path, {{u"KEY"_s, u"v"_s}, {u"C"_s, u"3"_s}}, &error), qPrintable(error));
        QCOMPARE(TestSupport::readFile(path), QByteArrayLiteral("A=1\nKEY='v'\nB=2\nC='3'\n"));
        QCOMPARE(EnvFile(TestSupport::readFile(path)).linesAssigning(u"B"_s), QList<int>{3});
    }

    void aValueWhoseQuoteNeverClosesIsNotGuessedAt()
    {
        const QString path = m_dir.filePath(u"unterminated.env"_s);
        const QByteArray before = "KEY='never closed\nOTHER=1\n";
        QVERIFY(TestSupport::writeFile(path, before));
        std::optional<EnvFile> file = EnvFile::load(path, nullptr);
        QVERIFY(file);
        const FieldErrors errors = file->set({{u"KEY"_s, u"v"_s}});
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.first().field, u"file"_s);
        QVERIFY(errors.first().message.contains(u"line 1 (KEY)"_s));
        QCOMPARE(file->bytes(), before);
        // Nor anything else: in sh, what follows the open quote is part of KEY's value, so an
        // appended or replaced line would never be read as a variable.
        for (const QString& name : {u"OTHER"_s, u"NEW"_s}) {
            const FieldErrors other = file->set({{name, u"2"_s}});
            QCOMPARE(other.size(), 1);
            QCOMPARE(other.first().field, u"file"_s);
            QCOMPARE(file->bytes(), before);
        }
    }

    void aSymbolicLinkIsNeverWrittenThrough()
    {
        const QString target = m_dir.filePath(u"app.js"_s);
        const QByteArray code = "console.log('hello');\n";
        QVERIFY(TestSupport::writeFile(target, code));
        QVERIFY(QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner |
                                                  QFile::ReadGroup | QFile::ReadOther));
        const QString link = m_dir.filePath(u"deploy.env"_s);
        QVERIFY(QFile::link(target, link));
        QString error;
        QVERIFY(!EnvFile::load(link, &error));
        QVERIFY2(error.contains(u"symbolic link"_s), qPrintable(error));
        QVERIFY(!writeEnv(link, {{u"API_KEY"_s, secret()}}, &error));
        QVERIFY2(error.contains(u"symbolic link"_s), qPrintable(error));
        QCOMPARE(TestSupport::readFile(target), code);
        QCOMPARE(QFile::permissions(target) & QFile::ReadOther, QFile::ReadOther);

        // A dangling link does not create its target either.
        const QString dangling = m_dir.filePath(u"dangling.env"_s);
        const QString nowhere = m_dir.filePath(u"nowhere/created.env"_s);
        QVERIFY(QFile::link(nowhere, dangling));
        QVERIFY(!writeEnv(dangling, {{u"API_KEY"_s, secret()}}, &error));
        QVERIFY(!EnvFile().save(dangling, &error));
        QVERIFY(!QFileInfo::exists(nowhere));
    }

    void notAFileIsRefused()
    {
        QString error;
        QVERIFY(!EnvFile::load(m_dir.path(), &error));
        QVERIFY(error.contains(u"not a regular file"_s));
        const QString big = m_dir.filePath(u"big.env"_s);
        QVERIFY(TestSupport::writeFile(big, QByteArray(EnvFile::MaxFileBytes + 1, '#')));
        QVERIFY(!EnvFile::load(big, &error));
        QVERIFY(error.contains(u"larger than"_s));
    }

    void crashDuringWriteLeavesTheOldFileWhole()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(u"crash.env"_s);
        // Big enough that each rewrite takes a while, so the kills land inside writes.
        QByteArray padding;
        while (padding.size() < 700 * 1024)
            padding += "# padding line that keeps the file large enough to take time\n";
        const QString valueA = QString(u'A').repeated(4000);
        const QString valueB = QString(u'B').repeated(4000);
        QVERIFY(TestSupport::writeFile(path, padding));
        const QByteArray versionA = padding + "SECRET='" + valueA.toLatin1() + "'\n";
        const QByteArray versionB = padding + "SECRET='" + valueB.toLatin1() + "'\n";

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QString::fromLatin1(CrashChildVariable), path);
        env.insert(u"KEYDECK_TST_VALUE_A"_s, valueA);
        env.insert(u"KEYDECK_TST_VALUE_B"_s, valueB);
        for (int round = 0; round < 12; ++round) {
            QProcess child;
            child.setProcessEnvironment(env);
            child.start(QCoreApplication::applicationFilePath(), QStringList());
            QVERIFY(child.waitForStarted(10000));
            QVERIFY2(child.waitForReadyRead(20000), child.readAllStandardError().constData());
            QCOMPARE(child.readLine(), QByteArrayLiteral("saved\n"));
            QTest::qSleep(3 + 7 * round);
            child.kill(); // SIGKILL: no destructor, no QSaveFile cleanup
            QVERIFY(child.waitForFinished(10000));
            QCOMPARE(child.exitStatus(), QProcess::CrashExit);

            const QByteArray after = TestSupport::readFile(path);
            QVERIFY2(
                after == versionA || after == versionB,
                qPrintable(u"round %1: %2 bytes, neither version"_s.arg(round).arg(after.size())));
            QCOMPARE(TestSupport::unixMode(path), 0600);
        }
        const QStringList leftovers =
            QDir(dir.path()).entryList(QDir::Files | QDir::Hidden | QDir::System);
        // Linux QSaveFile writes to an unnamed O_TMPFILE, so nothing should linger; on file
        // systems without it a named temporary file may stay behind after a SIGKILL.
        if (leftovers != QStringList{u"crash.env"_s})
            qInfo().noquote() << "files left after the kills:" << leftovers.join(u", ");
    }

    void gitCheckOutsideAWorkTreeSaysNothing()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY2(git(dir.path(), {u"rev-parse"_s}).startsWith(u"<git failed"_s),
                 "the temporary folder must not be inside a git work tree");
        const GitIgnoreCheck::Result result =
            GitIgnoreCheck().inspect(QDir(dir.path()).filePath(u".env"_s));
        QVERIFY(!result.insideWorkTree);
        QVERIFY(!result.exposed());
    }

    void gitCheckFindsAnExposedFileAndTheGitignoreLinesFixIt()
    {
        QTemporaryDir repo;
        QVERIFY(repo.isValid());
        QCOMPARE(git(repo.path(), {u"init"_s, u"-q"_s}), QString());
        QVERIFY(TestSupport::writeFile(QDir(repo.path()).filePath(u".gitignore"_s),
                                       "build/\r\nnode_modules/"));
        QVERIFY(QDir(repo.path()).mkpath(u"app/config"_s));
        const QString envPath = QDir(repo.path()).filePath(u"app/config/.env"_s);

        const GitIgnoreCheck check;
        const GitIgnoreCheck::Result before = check.inspect(envPath);
        QVERIFY(before.insideWorkTree);
        QVERIFY(!before.ignored);
        QVERIFY(!before.tracked);
        QVERIFY(before.exposed());
        QCOMPARE(QFileInfo(before.gitignorePath).canonicalFilePath(),
                 QFileInfo(QDir(repo.path()).filePath(u".gitignore"_s)).canonicalFilePath());
        QCOMPARE(before.missingLines, GitIgnoreCheck::recommendedLines());

        QString error;
        QVERIFY2(check.addMissingLines(before, &error), qPrintable(error));
        QCOMPARE(TestSupport::readFile(before.gitignorePath),
                 QByteArrayLiteral("build/\r\nnode_modules/\r\n.env\r\n.env.local\r\n*.env\r\n"));
        const GitIgnoreCheck::Result after = check.inspect(envPath);
        QVERIFY(after.insideWorkTree);
        QVERIFY(after.ignored);
        QVERIFY(!after.exposed());
        QVERIFY(check.inspect(QDir(repo.path()).filePath(u"prod.env"_s)).ignored);
        QVERIFY(check.inspect(QDir(repo.path()).filePath(u".env.local"_s)).ignored);
    }

    void gitCheckNamesAFileTheUsualLinesMiss()
    {
        QTemporaryDir repo;
        QVERIFY(repo.isValid());
        QCOMPARE(git(repo.path(), {u"init"_s, u"-q"_s}), QString());
        QVERIFY(TestSupport::writeFile(QDir(repo.path()).filePath(u".gitignore"_s),
                                       ".env\n.env.local\n*.env\n"));
        QVERIFY(QDir(repo.path()).mkpath(u"deploy"_s));
        const QString path = QDir(repo.path()).filePath(u"deploy/.env.production"_s);

        const GitIgnoreCheck check;
        const GitIgnoreCheck::Result before = check.inspect(path);
        QVERIFY(before.exposed());
        QCOMPARE(before.missingLines, QStringList{u"/deploy/.env.production"_s});
        QString error;
        QVERIFY2(check.addMissingLines(before, &error), qPrintable(error));
        QVERIFY(check.inspect(path).ignored);
    }

    void gitCheckSeesATrackedFile()
    {
        QTemporaryDir repo;
        QVERIFY(repo.isValid());
        QCOMPARE(git(repo.path(), {u"init"_s, u"-q"_s}), QString());
        const QString path = QDir(repo.path()).filePath(u".env"_s);
        QVERIFY(TestSupport::writeFile(path, "A=1\n"));
        QCOMPARE(git(repo.path(), {u"add"_s, u".env"_s}), QString());
        const GitIgnoreCheck::Result result = GitIgnoreCheck().inspect(path);
        QVERIFY(result.exposed());
        QVERIFY(result.tracked);
        QVERIFY(GitIgnoreCheck::warning(path, result).contains(u"git rm --cached"_s));
    }

    // A cloned repository's .git/config is the attacker's: the check must not run what it names.
    void gitCheckRunsNothingAHostileWorkTreeNames()
    {
        QTemporaryDir repo;
        QVERIFY(repo.isValid());
        const QDir root(repo.path());
        QCOMPARE(git(repo.path(), {u"init"_s, u"-q"_s}), QString());
        QVERIFY(TestSupport::writeFile(root.filePath(u"tracked.txt"_s), "x\n"));
        QCOMPARE(git(repo.path(), {u"add"_s, u"tracked.txt"_s}), QString());
        const QString marker = root.filePath(u"PWNED"_s);
        const QString script = root.filePath(u"monitor.sh"_s);
        QVERIFY(TestSupport::writeFile(script,
                                       "#!/bin/sh\ntouch '" + QFile::encodeName(marker) + "'\n"));
        QVERIFY(
            QFile::setPermissions(script, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        QCOMPARE(git(repo.path(), {u"config"_s, u"core.fsmonitor"_s, script}), QString());
        // The command this test relies on does run it: the check must be what stops it.
        git(repo.path(), {u"status"_s});
        QVERIFY(QFile::remove(marker));

        const GitIgnoreCheck::Result result = GitIgnoreCheck().inspect(root.filePath(u".env"_s));
        QVERIFY(result.insideWorkTree);
        QVERIFY(result.exposed());
        QVERIFY2(!QFileInfo::exists(marker), "git ran the work tree's core.fsmonitor");
    }

    void withoutGitThereIsNoWarning()
    {
        QTemporaryDir repo;
        QVERIFY(repo.isValid());
        QCOMPARE(git(repo.path(), {u"init"_s, u"-q"_s}), QString());
        const GitIgnoreCheck noGit(QDir(repo.path()).filePath(u"no-such-git"_s));
        const GitIgnoreCheck::Result result = noGit.inspect(QDir(repo.path()).filePath(u".env"_s));
        QVERIFY(!result.insideWorkTree);
        QVERIFY(!result.exposed());
    }

    void defaultNamesComeFromThePrefixAndLabels()
    {
        QCOMPARE(EnvVarName::defaults(u"sk-aisa-", {u"prod-web-app"_s}),
                 QStringList{u"AISA_API_KEY"_s});
        QCOMPARE(EnvVarName::baseUrl(u"sk-aisa-"), u"AISA_BASE_URL"_s);
        QCOMPARE(EnvVarName::defaults(u"sk-aisa-", {u"prod-web-app"_s, u"ci tests (v2)"_s}),
                 (QStringList{u"AISA_PROD_WEB_APP_API_KEY"_s, u"AISA_CI_TESTS_V2_API_KEY"_s}));
        QCOMPARE(EnvVarName::defaults(u"sk-", {u"a"_s}), QStringList{u"API_KEY"_s});
        QCOMPARE(EnvVarName::baseUrl(u"sk-"), u"API_BASE_URL"_s);
        QCOMPARE(EnvVarName::defaults(u"sk-my-team-", {u"x"_s}), QStringList{u"MY_TEAM_API_KEY"_s});
        // Labels that differ only in punctuation or script still get distinct, valid names.
        const QStringList names =
            EnvVarName::defaults(u"sk-42-", {u"prod.app"_s, u"prod-app"_s, u"日本"_s, u"日本語"_s});
        QCOMPARE(names, (QStringList{u"_42_PROD_APP_API_KEY"_s, u"_42_PROD_APP_API_KEY_2"_s,
                                     u"_42_API_KEY"_s, u"_42_API_KEY_2"_s}));
        for (const QString& name : names)
            QVERIFY2(EnvVarName::isValid(name), qPrintable(name));
    }

    void planNamesTheBadFields()
    {
        ApiKeyRecord web;
        web.id = u"k1"_s;
        web.spec.label = u"prod-web-app"_s;
        ApiKeyRecord old;
        old.id = u"k2"_s;
        old.spec.label = u"old"_s;
        old.status = KeyStatus::Revoked;
        EnvExportPlan plan({web, old}, u"sk-aisa-"_s);
        plan.setVariable(1, u"AISA_PROD_WEB_APP_API_KEY"_s);
        plan.setBaseUrl(u"AISA_BASE_URL"_s, u"ftp://x"_s);
        QStringList problems;
        const FieldErrors errors = plan.validate();
        for (const FieldError& e : errors)
            problems << e.toString();
        QCOMPARE(problems, (QStringList{
                               u"file: choose where to write the .env file"_s,
                               u"key \"old\": is revoked: every request with it fails with 401 "
                               u"revoked_api_key"_s,
                               u"key \"old\": variable AISA_PROD_WEB_APP_API_KEY is also used "
                               u"for key \"prod-web-app\""_s,
                               u"base URL: must start with https:// or http://"_s,
                           }));
    }

    void codeSamplesReadTheKeyFromTheEnvironment()
    {
        for (const CodeSample::Language language : CodeSample::languages()) {
            const QString text =
                CodeSample::text(language, u"AISA_API_KEY"_s, u"https://api.example.com/v1/"_s);
            QVERIFY2(text.contains(u"AISA_API_KEY"_s), qPrintable(text));
            QVERIFY2(text.contains(u"https://api.example.com/v1"_s), qPrintable(text));
            QVERIFY(!text.contains(u"v1//"_s));
            const QString viaVariable = CodeSample::text(
                language, u"AISA_API_KEY"_s, u"https://api.example.com/v1"_s, u"AISA_BASE_URL"_s);
            QVERIFY2(viaVariable.contains(u"AISA_BASE_URL"_s), qPrintable(viaVariable));
            QVERIFY(!viaVariable.contains(u"api.example.com"_s));
        }
        QVERIFY(CodeSample::text(CodeSample::Language::Python, u"K"_s, u"https://h/v1"_s)
                    .contains(u"api_key=os.environ[\"K\"]"_s));
        QVERIFY(CodeSample::text(CodeSample::Language::JavaScript, u"K"_s, u"https://h/v1"_s)
                    .contains(u"apiKey: process.env.K"_s));
        QVERIFY(CodeSample::text(CodeSample::Language::Curl, u"K"_s, u"https://h/v1"_s)
                    .contains(u"Authorization: Bearer $K"_s));
    }

    void baseUrlsThatWouldBreakQuotingAreRefused_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("valid");
        QTest::newRow("https") << u"https://api.aisa.one/v1"_s << true;
        QTest::newRow("http with port") << u"http://localhost:8080/v1"_s << true;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("quote") << u"https://x/v1'"_s << false;
        QTest::newRow("dollar") << u"https://x/$(id)"_s << false;
        QTest::newRow("newline") << u"https://x/\nA=1"_s << false;
        QTest::newRow("credentials") << u"https://user:pw@x/v1"_s << false;
        QTest::newRow("relative") << u"api.example.com/v1"_s << false;
        QTest::newRow("query") << u"https://x/v1?key=1"_s << false;
    }

    void baseUrlsThatWouldBreakQuotingAreRefused()
    {
        QFETCH(QString, url);
        QFETCH(bool, valid);
        QCOMPARE(CodeSample::isValidBaseUrl(url), valid);
    }

private:
    QTemporaryDir m_dir;
};

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsSet(CrashChildVariable))
        return runCrashChild(qEnvironmentVariable(CrashChildVariable));
    TestEnvFile test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_envfile.moc"
