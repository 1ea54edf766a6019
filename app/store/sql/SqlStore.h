#pragma once

#include "SqlDialect.h"
#include "StoreConnection.h"

#include <memory>

class Clock;
class QRandomGenerator;
class SqlAuditStore;
class SqlDatabase;
class SqlKeyStore;
class SqlLifecycleStore;
class SqlSpendStore;
class SqlUsageStore;

// A store in a SQL database (SqlDatabase) seen through the store interfaces; SqliteStore and
// PostgresStore say which. Each interface announces its own changes, made here or by another
// process using the same database.
class SqlStore : public StoreConnection
{
    Q_DISABLE_COPY_MOVE(SqlStore)

public:
    // clock and rng must outlive the store. rng: QRandomGenerator::system() in production.
    SqlStore(SqlDialect dialect, QString location, const Clock& clock, QRandomGenerator& rng);
    ~SqlStore() override;

    // Opens (creating and migrating as needed). Fails with StoreError::Unavailable.
    QFuture<void> open() override;
    KeyStore& keys() override;
    UsageStore& usage() override;
    LifecycleStore& lifecycle() override;
    AuditStore& audit() override;
    SpendStore* spend() override;

protected:
    // For SqliteStore: see there.
    void setBusyTimeoutMs(int ms);
    // The path or URL the store was made with.
    QString path() const;
    SqlDatabase& database() { return *m_database; }
    static int latestSqliteVersion();

private:
    std::unique_ptr<SqlDatabase> m_database;
    std::unique_ptr<SqlKeyStore> m_keys;
    std::unique_ptr<SqlUsageStore> m_usage;
    std::unique_ptr<SqlLifecycleStore> m_lifecycle;
    std::unique_ptr<SqlAuditStore> m_audit;
    std::unique_ptr<SqlSpendStore> m_spend;
};
