#pragma once

#include "StoreConnection.h"

#include <memory>

class Clock;
class SqliteAuditStore;
class KeyStore;
class QRandomGenerator;
class SqliteDatabase;
class SqliteKeyStore;
class SqliteLifecycleStore;
class SqliteUsageStore;

// The local store: one SQLite file (SqliteDatabase) seen through the store interfaces. Each
// announces its own changes, made here or by another process using the same file.
class SqliteStore final : public StoreConnection
{
    Q_DISABLE_COPY_MOVE(SqliteStore)

public:
    // clock and rng must outlive the store. rng: QRandomGenerator::system() in production.
    SqliteStore(QString path, const Clock& clock, QRandomGenerator& rng);
    ~SqliteStore() override;

    // How long a write waits for another process's write (an import of a large usage file holds
    // the lock for a chunk at a time) before it fails with a message that says so. Before open().
    void setBusyTimeoutMs(int ms);
    static constexpr int DefaultBusyTimeoutMs = 60'000;

    // Opens (creating and migrating as needed). Fails with StoreError::Unavailable.
    QFuture<void> open() override;
    KeyStore& keys() override;
    UsageStore& usage() override;
    LifecycleStore& lifecycle() override;
    AuditStore& audit() override;

    QString path() const;
    // <XDG data home>/KeyDeck/keydeck.sqlite, the same for the app, keydeckctl and the server
    // whatever organization/application names each sets.
    static QString defaultPath();
    static int schemaVersion();

private:
    std::unique_ptr<SqliteDatabase> m_database;
    std::unique_ptr<SqliteKeyStore> m_keys;
    std::unique_ptr<SqliteUsageStore> m_usage;
    std::unique_ptr<SqliteLifecycleStore> m_lifecycle;
    std::unique_ptr<SqliteAuditStore> m_audit;
};
