#pragma once

#include <QMutex>
#include <QSet>
#include <QString>

class Clock;

// Which entries of one keychain service this computer holds, by name only (never a secret), so
// a list of keys can say whose secret can be copied here without reading the keychain once per
// key, which would also ask to unlock a locked keychain for each. The vault keeps it as it
// saves, reads and removes; every program on this computer that uses the same service (the
// app, keydeckctl) shares the one file, re-read when another program changed it.
// An entry saved before the index began is not known until it is read or saved once.
class SecretIndex final
{
    Q_DISABLE_COPY_MOVE(SecretIndex)

public:
    enum class Presence
    {
        Here,
        NotHere,
        Unknown,
    };

    // The file is made when the first entry is recorded; its folder is made 0700.
    SecretIndex(QString path, const Clock& clock);

    // <generic data dir>/keydeck/keychain/<service>.entries
    static QString defaultPath(const QString& service);

    // createdAtMs: when the key was made. One made after the index began, and never recorded
    // here, was saved on no keychain of this computer. Answers from memory: cheap enough for
    // every row a view paints.
    Presence presence(const QString& entry, qint64 createdAtMs);
    // Re-reads the file if another program changed it; true when it did.
    bool refresh();
    void recordPresent(const QString& entry);
    void recordAbsent(const QString& entry);
    QString path() const { return m_path; }

private:
    // Re-reads the file when it changed on disk; callers hold m_mutex.
    bool reloadIfChanged();
    void write();
    void record(const QString& entry, bool present);

    const QString m_path;
    const Clock& m_clock;
    QMutex m_mutex;
    std::optional<qint64> m_sinceMs;
    QSet<QString> m_present;
    QSet<QString> m_absent;
    // What the file held when last read or written.
    bool m_loaded = false;
    size_t m_loadedDigest = 0;
};
