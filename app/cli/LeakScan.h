#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

// keydeckctl scan's search: files, folders (recursively, without following links) and the
// whole history of the git repositories among them (every commit on every ref, packed objects
// included), for KeyDeck keys (LeakFinder). Reads a line at a time, so memory stays bounded
// however large a file or a history is; files holding a NUL byte in their first 8 KiB are
// binary and skipped. A find keeps its key's digest and hint, never the key.
class LeakScan final
{
public:
    struct Sighting
    {
        QByteArray digestHex;
        QString hint;
        QString file;    // as given or found under a folder; in history: the path in the commit
        qint64 line = 0; // 1-based
        QString commit;  // empty: in the file as it is now
    };
    struct Result
    {
        QList<Sighting> sightings;
        qint64 files = 0;
        qint64 bytes = 0;
        qint64 binarySkipped = 0;
        qint64 commits = 0;
        QStringList unreadable;
    };
    explicit LeakScan(QString gitProgram = QStringLiteral("git"));

    // history: also each git repository's history (a folder holding .git).
    Result scan(const QStringList& paths, bool history) const;

private:
    void scanFile(const QString& path, Result& result) const;
    void scanHistory(const QString& repository, Result& result) const;

    QString m_gitProgram;
};
