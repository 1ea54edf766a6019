#pragma once

#include <QList>
#include <QString>
#include <utility>

class SqlSession;

// The store's schema: migrations keyed by PRAGMA user_version in a SQLite file, by meta's
// schema_version in a PostgreSQL database (each has its own steps). Step i moves a store from
// version i to i + 1; shipped steps are never edited (tests/store/sqlite/fixtures holds a file
// of each shipped SQLite version).
class SqlSchema final
{
public:
    SqlSchema() = delete;

    // Of a SQLite file.
    static int latestVersion();
    // The store's version; fails (StoreError::Unavailable, naming location) for a newer
    // KeyDeck's.
    static int checkedVersion(const SqlSession& session, const QString& location);
    // Brings the store to its latest version in one transaction; another process may race to do
    // the same, and only one does it.
    static void migrate(const SqlSession& session, const QString& location);

    // Sets meta entries (key, value); inside the caller's transaction.
    static void writeMeta(const SqlSession& session,
                          const QList<std::pair<QString, QString>>& entries);

    // Meta entries that count changes other processes watch for (SqlChangeWatcher): triggers
    // bump them in the writer's own transaction, whoever the writer is.
    static const QString KeysRevisionKey;
    static const QString AlertsRevisionKey;
    // The PostgreSQL channel the bumps are announced on, as "counter:value".
    static const QString ChangesChannel;
};
