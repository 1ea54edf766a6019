#pragma once

#include <QList>
#include <QString>
#include <utility>

class SqliteSession;

// The local store's schema: migrations keyed by PRAGMA user_version. Step i moves a file from
// version i to i + 1; shipped steps are never edited (tests/store/fixtures holds a file of each
// shipped version).
class SqliteSchema final
{
public:
    SqliteSchema() = delete;

    static int latestVersion();
    // The file's version; fails (StoreError::Unavailable, naming path) for a newer KeyDeck's.
    static int checkedVersion(const SqliteSession& session, const QString& path);
    // Brings the file to latestVersion() in one transaction; another process may race to do the
    // same, and only one does it.
    static void migrate(const SqliteSession& session, const QString& path);

    // Sets meta entries (key, value); inside the caller's transaction.
    static void writeMeta(const SqliteSession& session,
                          const QList<std::pair<QString, QString>>& entries);

    // Meta entries that count changes other processes watch for (SqliteChangeWatcher): triggers
    // bump them in the writer's own transaction, whoever the writer is.
    static const QString KeysRevisionKey;
    static const QString AlertsRevisionKey;
};
