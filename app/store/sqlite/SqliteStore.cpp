#include "SqliteStore.h"

#include <QStandardPaths>

using namespace Qt::StringLiterals;

SqliteStore::SqliteStore(QString path, const Clock& clock, QRandomGenerator& rng)
    : SqlStore(SqlDialect::Sqlite, std::move(path), clock, rng)
{
    setBusyTimeoutMs(DefaultBusyTimeoutMs);
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
