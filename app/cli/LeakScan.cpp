#include "LeakScan.h"

#include "LeakFinder.h"
#include "SafeGit.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 BinaryProbeBytes = 8 * 1024;
// A line longer than this is read in pieces; a key cut at a piece's edge is the one price.
constexpr qint64 MaxLineBytes = 1024 * 1024;
constexpr int GitStartMs = 10'000;

void record(QByteArrayView text, const QString& file, qint64 line, const QString& commit,
            LeakScan::Result& result)
{
    if (!LeakFinder::mayHoldKey(text))
        return;
    for (const LeakFinder::Find& find :
         LeakFinder::inLine(QString::fromUtf8(text.data(), text.size())))
        result.sightings.append({find.digestHex, find.hint, file, line, commit});
}
} // namespace

LeakScan::LeakScan(QString gitProgram)
    : m_gitProgram(std::move(gitProgram))
{}

LeakScan::Result LeakScan::scan(const QStringList& paths, bool history) const
{
    Result result;
    for (const QString& path : paths) {
        const QFileInfo info(path);
        if (info.isFile()) {
            scanFile(path, result);
            continue;
        }
        if (!info.isDir()) {
            result.unreadable << path;
            continue;
        }
        QDirIterator it(path, QDir::Files | QDir::Hidden | QDir::NoSymLinks,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            // The repository's own objects are read through git, as history.
            if (file.contains(u"/.git/"_s))
                continue;
            scanFile(file, result);
        }
        if (history && QFileInfo::exists(path + u"/.git"_s))
            scanHistory(path, result);
    }
    return result;
}

void LeakScan::scanFile(const QString& path, Result& result) const
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        result.unreadable << path;
        return;
    }
    ++result.files;
    if (file.peek(BinaryProbeBytes).contains('\0')) {
        ++result.binarySkipped;
        return;
    }
    qint64 line = 0;
    QByteArray buffer(MaxLineBytes, Qt::Uninitialized);
    while (!file.atEnd()) {
        const qint64 read = file.readLine(buffer.data(), buffer.size());
        if (read <= 0)
            break;
        const QByteArrayView text(buffer.constData(), read);
        result.bytes += read;
        if (text.endsWith('\n') || file.atEnd())
            ++line;
        record(text, path, qMax<qint64>(line, 1), {}, result);
    }
}

void LeakScan::scanHistory(const QString& repository, Result& result) const
{
    QProcess git;
    git.setReadChannel(QProcess::StandardOutput);
    // Every change of every commit reachable from any ref, as added lines with their numbers;
    // binary changes show as "Binary files differ" and are passed over.
    SafeGit::start(git, m_gitProgram, repository,
                   {u"log"_s, u"--all"_s, u"-p"_s, u"--no-color"_s, u"--no-ext-diff"_s,
                    u"--no-textconv"_s, u"--unified=0"_s, u"--format=commit %H"_s});
    if (!git.waitForStarted(GitStartMs)) {
        result.unreadable << repository + u" (git history)"_s;
        return;
    }
    static const QRegularExpression hunk(u"^@@ -\\S+ \\+(\\d+)"_s);
    QString commit;
    QString file;
    qint64 line = 0;
    QByteArray buffer(MaxLineBytes, Qt::Uninitialized);
    const auto handle = [&](QByteArrayView text) {
        if (text.startsWith("commit ")) {
            commit = QString::fromLatin1(text.sliced(7).toByteArray().trimmed());
            ++result.commits;
        } else if (text.startsWith("+++ ")) {
            const QByteArray target = text.sliced(4).toByteArray().trimmed();
            file = target.startsWith("b/") ? QString::fromUtf8(target.mid(2)) : QString();
        } else if (text.startsWith("@@ ")) {
            const QRegularExpressionMatch match =
                hunk.match(QString::fromLatin1(text.data(), text.size()));
            line = match.hasMatch() ? match.captured(1).toLongLong() : 0;
        } else if (text.startsWith('+') && !file.isEmpty()) {
            record(text.sliced(1), QDir::cleanPath(repository + u'/' + file), line, commit, result);
            ++line;
        }
    };
    while (git.state() != QProcess::NotRunning || git.bytesAvailable() > 0) {
        if (!git.canReadLine() && !git.waitForReadyRead(1000) &&
            git.state() == QProcess::NotRunning)
            break;
        while (git.canReadLine()) {
            const qint64 read = git.readLine(buffer.data(), buffer.size());
            if (read > 0)
                handle(QByteArrayView(buffer.constData(), read));
        }
    }
    if (git.bytesAvailable() > 0)
        handle(git.readAll());
    git.waitForFinished();
    if (git.exitStatus() != QProcess::NormalExit || git.exitCode() != 0)
        result.unreadable << repository + u" (git history)"_s;
}
