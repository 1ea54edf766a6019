#include "SqliteStore.h"

#include "SqliteAuditStore.h"
#include "SqliteDatabase.h"
#include "SqliteKeyRows.h"
#include "SqliteKeyStore.h"
#include "SqliteLifecycleStore.h"
#include "SqliteSchema.h"
#include "SqliteUsageStore.h"
#include "UsageImportJournal.h"

#include <QStandardPaths>

using namespace Qt::StringLiterals;

SqliteStore::SqliteStore(QString path, const Clock& clock, QRandomGenerator& rng)
    : m_database(std::make_unique<SqliteDatabase>(std::move(path), clock, rng))
    , m_keys(std::make_unique<SqliteKeyStore>(*m_database))
    , m_usage(std::make_unique<SqliteUsageStore>(*m_database))
    , m_lifecycle(std::make_unique<SqliteLifecycleStore>(*m_database))
    , m_audit(std::make_unique<SqliteAuditStore>(*m_database))
{
    m_database->setBusyTimeoutMs(DefaultBusyTimeoutMs);
}

// The worker's tasks use the stores that submitted them: it finishes them before any store goes.
SqliteStore::~SqliteStore()
{
    m_database->shutdown();
    m_audit.reset();
    m_lifecycle.reset();
    m_usage.reset();
    m_keys.reset();
}

void SqliteStore::setBusyTimeoutMs(int ms)
{
    m_database->setBusyTimeoutMs(ms);
}

QFuture<void> SqliteStore::open()
{
    const SqliteDatabase& database = *m_database;
    return m_database->open([&database](const SqliteSession& session) {
        SqliteKeyRows(session, database).purgeAbandoned();
        UsageImportJournal(session, database.clock()).removeAbandoned();
    });
}

KeyStore& SqliteStore::keys()
{
    return *m_keys;
}

UsageStore& SqliteStore::usage()
{
    return *m_usage;
}

LifecycleStore& SqliteStore::lifecycle()
{
    return *m_lifecycle;
}

AuditStore& SqliteStore::audit()
{
    return *m_audit;
}

QString SqliteStore::path() const
{
    return m_database->path();
}

QString SqliteStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           u"/KeyDeck/keydeck.sqlite"_s;
}

int SqliteStore::schemaVersion()
{
    return SqliteSchema::latestVersion();
}
