#include "SqlStore.h"

#include "SqlAuditStore.h"
#include "SqlDatabase.h"
#include "SqlKeyRows.h"
#include "SqlKeyStore.h"
#include "SqlLifecycleStore.h"
#include "SqlSchema.h"
#include "SqlSpendStore.h"
#include "SqlUsageStore.h"
#include "UsageImportJournal.h"

SqlStore::SqlStore(SqlDialect dialect, QString location, const Clock& clock, QRandomGenerator& rng)
    : m_database(std::make_unique<SqlDatabase>(dialect, std::move(location), clock, rng))
    , m_keys(std::make_unique<SqlKeyStore>(*m_database))
    , m_usage(std::make_unique<SqlUsageStore>(*m_database))
    , m_lifecycle(std::make_unique<SqlLifecycleStore>(*m_database))
    , m_audit(std::make_unique<SqlAuditStore>(*m_database))
    , m_spend(std::make_unique<SqlSpendStore>(*m_database, *m_usage))
{}

// The worker's tasks use the stores that submitted them: it finishes them before any store goes.
SqlStore::~SqlStore()
{
    m_database->shutdown();
    m_spend.reset();
    m_audit.reset();
    m_lifecycle.reset();
    m_usage.reset();
    m_keys.reset();
}

QFuture<void> SqlStore::open()
{
    const SqlDatabase& database = *m_database;
    return m_database->open([&database](const SqlSession& session) {
        SqlKeyRows(session, database).purgeAbandoned();
        UsageImportJournal(session, database.clock()).removeAbandoned();
    });
}

KeyStore& SqlStore::keys()
{
    return *m_keys;
}

UsageStore& SqlStore::usage()
{
    return *m_usage;
}

LifecycleStore& SqlStore::lifecycle()
{
    return *m_lifecycle;
}

AuditStore& SqlStore::audit()
{
    return *m_audit;
}

SpendStore* SqlStore::spend()
{
    return m_spend.get();
}

void SqlStore::setBusyTimeoutMs(int ms)
{
    m_database->setBusyTimeoutMs(ms);
}

QString SqlStore::path() const
{
    return m_database->connectionString();
}

int SqlStore::latestSqliteVersion()
{
    return SqlSchema::latestVersion();
}
