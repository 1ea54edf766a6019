#include "PostgresStore.h"

using namespace Qt::StringLiterals;

PostgresStore::PostgresStore(QString url, const Clock& clock, QRandomGenerator& rng)
    : SqlStore(SqlDialect::Postgres, std::move(url), clock, rng)
{}

bool PostgresStore::isUrl(const QString& location)
{
    return location.startsWith(u"postgres://"_s) || location.startsWith(u"postgresql://"_s);
}
