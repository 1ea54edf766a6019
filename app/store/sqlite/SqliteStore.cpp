#include "SqliteStore.h"

#include "SqlDatabase.h"
#include "SqliteFileWatcher.h"

#include <QStandardPaths>

using namespace Qt::StringLiterals;

SqliteStore::SqliteStore(QString path, const Clock& clock, QRandomGenerator& rng)
    : SqlStore(SqlDialect::Sqlite, path, clock, rng)
{
    setBusyTimeoutMs(DefaultBusyTimeoutMs);
    SqlDatabase& db = database();
    m_watcher = std::make_unique<SqliteFileWatcher>(std::move(path), [&db] { db.pollSoon(); });
}

SqliteStore::~SqliteStore() = default;

QFuture<void> SqliteStore::open()
{
    QFuture<void> opened = SqlStore::open();
    m_watcher->watchWhenOpen(opened);
    return opened;
}

void SqliteStore::setBusyTimeoutMs(int ms)
{
    SqlStore::setBusyTimeoutMs(ms);
}

QString SqliteStore::path() const
{
    return SqlStore::path();
}

QString SqliteStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           u"/KeyDeck/keydeck.sqlite"_s;
}

int SqliteStore::schemaVersion()
{
    return latestSqliteVersion();
}
