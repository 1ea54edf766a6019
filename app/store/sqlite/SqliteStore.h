#pragma once

#include "SqlStore.h"

#include <memory>

class SqliteFileWatcher;

// The local store: one SQLite file. Other processes' writes are heard as they commit
// (SqliteFileWatcher), so keysChanged() and the rest follow at once rather than at the next poll.
class SqliteStore final : public SqlStore
{
    Q_DISABLE_COPY_MOVE(SqliteStore)

public:
    // clock and rng must outlive the store. rng: QRandomGenerator::system() in production.
    SqliteStore(QString path, const Clock& clock, QRandomGenerator& rng);
    ~SqliteStore() override;

    QFuture<void> open() override;

    // How long a write waits for another process's write (an import of a large usage file holds
    // the lock for a chunk at a time) before it fails with a message that says so. Before open().
    void setBusyTimeoutMs(int ms);
    static constexpr int DefaultBusyTimeoutMs = 60'000;

    QString path() const;
    // <XDG data home>/KeyDeck/keydeck.sqlite, the same for the app, keydeckctl and the server
    // whatever organization/application names each sets.
    static QString defaultPath();
    static int schemaVersion();

private:
    std::unique_ptr<SqliteFileWatcher> m_watcher;
};
