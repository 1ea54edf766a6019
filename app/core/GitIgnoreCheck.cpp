#include "GitIgnoreCheck.h"

#include "SafeGit.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QPromise>
#include <QRegularExpression>
#include <QSaveFile>
#include <QThreadPool>
#include <memory>

using namespace Qt::StringLiterals;

namespace {
constexpr int GitTimeoutMs = 10000;

// A path relative to the work tree as a .gitignore line that matches exactly that file.
QString anchoredLine(const QString& relativePath)
{
    QString line = u"/"_s;
    for (QChar c : relativePath) {
        if (c == u'\\' || c == u'*' || c == u'?' || c == u'[' || c == u'!' || c == u'#')
            line += u'\\';
        line += c;
    }
    if (line.endsWith(u' '))
        line.insert(line.size() - 1, u'\\');
    return line;
}

bool matchesRecommended(const QString& fileName)
{
    const QStringList lines = GitIgnoreCheck::recommendedLines();
    for (const QString& pattern : lines) {
        const QRegularExpression re = QRegularExpression::fromWildcard(pattern);
        if (re.match(fileName).hasMatch())
            return true;
    }
    return false;
}

QStringList gitignoreLines(const QByteArray& bytes)
{
    QStringList lines;
    const QList<QByteArray> raw = bytes.split('\n');
    for (const QByteArray& line : raw)
        lines << QString::fromUtf8(line).trimmed();
    return lines;
}
} // namespace

GitIgnoreCheck::GitIgnoreCheck(QString gitProgram)
    : m_gitProgram(std::move(gitProgram))
{}

QStringList GitIgnoreCheck::recommendedLines()
{
    return {u".env"_s, u".env.local"_s, u"*.env"_s};
}

GitIgnoreCheck::Run GitIgnoreCheck::git(const QString& dir, const QStringList& arguments) const
{
    QProcess process;
    SafeGit::start(process, m_gitProgram, dir, arguments);
    Run run;
    if (!process.waitForStarted(GitTimeoutMs))
        return run;
    if (!process.waitForFinished(GitTimeoutMs)) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.ran = process.exitStatus() == QProcess::NormalExit;
    run.exitCode = process.exitCode();
    run.out = QString::fromUtf8(process.readAllStandardOutput()).trimmed();
    return run;
}

GitIgnoreCheck::Result GitIgnoreCheck::inspect(const QString& filePath) const
{
    const QFileInfo file(filePath);
    const QString dir = file.absolutePath();
    const QString name = file.fileName();
    Result result;
    if (name.isEmpty() || !QFileInfo(dir).isDir())
        return result;

    const Run inside = git(dir, {u"rev-parse"_s, u"--is-inside-work-tree"_s});
    if (!inside.ran || inside.exitCode != 0 || inside.out != u"true")
        return result;
    const Run top = git(dir, {u"rev-parse"_s, u"--show-toplevel"_s});
    if (!top.ran || top.exitCode != 0 || top.out.isEmpty())
        return result;
    result.insideWorkTree = true;

    // Exit 0: ignored; 1: not ignored; anything else: git could not tell, so assume exposed.
    const Run ignored = git(dir, {u"check-ignore"_s, u"-q"_s, u"--"_s, name});
    result.ignored = ignored.ran && ignored.exitCode == 0;
    if (result.ignored)
        return result;
    const Run tracked = git(dir, {u"ls-files"_s, u"--error-unmatch"_s, u"--"_s, name});
    result.tracked = tracked.ran && tracked.exitCode == 0;

    const QString root = QDir::cleanPath(top.out);
    result.gitignorePath = QDir(root).filePath(u".gitignore"_s);
    QFile gitignore(result.gitignorePath);
    const QStringList present =
        gitignore.open(QIODevice::ReadOnly) ? gitignoreLines(gitignore.readAll()) : QStringList();
    const QStringList recommended = recommendedLines();
    for (const QString& line : recommended) {
        if (!present.contains(line))
            result.missingLines << line;
    }
    // ".env.production" or "keys.txt": none of the usual lines covers it, so name the file.
    const QString relative =
        QDir(root).relativeFilePath(QDir(QFileInfo(dir).canonicalFilePath()).filePath(name));
    if (!matchesRecommended(name) && !relative.startsWith(u"../") && !relative.contains(u'\n')) {
        const QString own = anchoredLine(relative);
        if (!present.contains(own))
            result.missingLines << own;
    }
    return result;
}

QFuture<GitIgnoreCheck::Result> GitIgnoreCheck::inspectAsync(const QString& filePath) const
{
    auto promise = std::make_shared<QPromise<Result>>();
    QFuture<Result> future = promise->future();
    promise->start();
    QThreadPool::globalInstance()->start([check = *this, promise, filePath] {
        promise->addResult(check.inspect(filePath));
        promise->finish();
    });
    return future;
}

bool GitIgnoreCheck::addMissingLines(const Result& result, QString* error) const
{
    if (result.gitignorePath.isEmpty() || result.missingLines.isEmpty())
        return true;
    QByteArray bytes;
    QFile existing(result.gitignorePath);
    if (existing.exists()) {
        if (!existing.open(QIODevice::ReadOnly)) {
            *error = u"cannot read %1: %2"_s.arg(result.gitignorePath, existing.errorString());
            return false;
        }
        bytes = existing.readAll();
        existing.close();
    }
    const qsizetype firstBreak = bytes.indexOf('\n');
    const QByteArray eol = firstBreak > 0 && bytes.at(firstBreak - 1) == '\r'
                               ? QByteArrayLiteral("\r\n")
                               : QByteArrayLiteral("\n");
    if (!bytes.isEmpty() && !bytes.endsWith('\n'))
        bytes += eol;
    for (const QString& line : result.missingLines)
        bytes += line.toUtf8() + eol;

    QSaveFile file(result.gitignorePath);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = u"cannot write %1: %2"_s.arg(result.gitignorePath, file.errorString());
        return false;
    }
    return true;
}

QString GitIgnoreCheck::warning(const QString& filePath, const Result& result)
{
    if (result.tracked) {
        return u"%1 is tracked by git: its secrets would be committed. Remove it from the index "
               u"(git rm --cached) and add it to .gitignore."_s.arg(filePath);
    }
    return u"%1 is inside a git work tree and git does not ignore it: its secrets could be "
           u"committed."_s.arg(filePath);
}
