#include "SecretIndex.h"

#include "Clock.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QSaveFile>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace {
// "since <ms>" first, then "+entry" (held) or "-entry" (known missing), one a line.
const QByteArray SinceTag = "since ";
// Enough for 100,000 entries of the longest names the vault accepts; a larger file is not one
// this class wrote, and is read as an empty index rather than all at once.
constexpr qint64 MaxFileBytes = 64 * 1024 * 1024;
} // namespace

SecretIndex::SecretIndex(QString path, const Clock& clock)
    : m_path(std::move(path))
    , m_clock(clock)
{
    reloadIfChanged();
}

QString SecretIndex::defaultPath(const QString& service)
{
    QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (base.isEmpty())
        base = QDir::homePath() + u"/.local/share"_s;
    // The service may hold characters a file name cannot; its hash cannot.
    return u"%1/keydeck/keychain/%2.entries"_s.arg(base, QString::number(qHash(service), 16));
}

bool SecretIndex::reloadIfChanged()
{
    // Read whole every time: a change by another program can keep the size and land within the
    // same millisecond, so neither tells. The file is small, and this runs on a reload, not a
    // paint.
    QByteArray text;
    QFile file(m_path);
    if (file.open(QIODevice::ReadOnly) && file.size() <= MaxFileBytes)
        text = file.readAll();
    const size_t digest = qHash(text);
    if (digest == m_loadedDigest && m_loaded)
        return false;
    m_loaded = true;
    m_loadedDigest = digest;
    m_sinceMs.reset();
    m_present.clear();
    m_absent.clear();
    const QList<QByteArray> lines = text.split('\n');
    const QByteArray first = lines.value(0).trimmed();
    bool ok = false;
    const qint64 since =
        first.startsWith(SinceTag) ? first.mid(SinceTag.size()).toLongLong(&ok) : 0;
    if (!ok)
        return true;
    m_sinceMs = since;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        if (line.size() < 2)
            continue;
        const QString entry = QString::fromUtf8(line.mid(1));
        if (line.front() == '+')
            m_present.insert(entry);
        else if (line.front() == '-')
            m_absent.insert(entry);
    }
    return true;
}

bool SecretIndex::refresh()
{
    const QMutexLocker locker(&m_mutex);
    return reloadIfChanged();
}

SecretIndex::Presence SecretIndex::presence(const QString& entry, qint64 createdAtMs)
{
    const QMutexLocker locker(&m_mutex);
    if (m_present.contains(entry))
        return Presence::Here;
    if (m_absent.contains(entry) || (m_sinceMs && createdAtMs >= *m_sinceMs))
        return Presence::NotHere;
    return Presence::Unknown;
}

void SecretIndex::recordPresent(const QString& entry)
{
    record(entry, true);
}

void SecretIndex::recordAbsent(const QString& entry)
{
    record(entry, false);
}

void SecretIndex::record(const QString& entry, bool present)
{
    if (entry.isEmpty() || entry.contains(u'\n') || entry.contains(u'\r'))
        return;
    const QMutexLocker locker(&m_mutex);
    const QFileInfo info(m_path);
    QDir().mkpath(info.absolutePath());
    QFile::setPermissions(info.absolutePath(),
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    // Another program may be recording at the same moment: read, change and write under a lock.
    QLockFile lock(m_path + u".lock"_s);
    lock.setStaleLockTime(10'000);
    if (!lock.tryLock(5'000))
        return;
    reloadIfChanged();
    if (present ? m_present.contains(entry) : m_absent.contains(entry))
        return;
    if (!m_sinceMs)
        m_sinceMs = m_clock.nowUtcMs();
    if (present) {
        m_present.insert(entry);
        m_absent.remove(entry);
    } else {
        m_absent.insert(entry);
        m_present.remove(entry);
    }
    write();
}

void SecretIndex::write()
{
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return;
    QByteArray text = SinceTag + QByteArray::number(*m_sinceMs) + '\n';
    for (const QString& entry : std::as_const(m_present))
        text += '+' + entry.toUtf8() + '\n';
    for (const QString& entry : std::as_const(m_absent))
        text += '-' + entry.toUtf8() + '\n';
    file.write(text);
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    if (file.commit())
        m_loadedDigest = qHash(text);
}
