#include "SqliteStoreOpener.h"

#include "SqliteStore.h"

#include <QFileInfo>

SqliteStoreOpener::SqliteStoreOpener(QString defaultPath, const Clock& clock, QRandomGenerator& rng)
    : m_defaultPath(std::move(defaultPath))
    , m_clock(clock)
    , m_rng(rng)
{}

bool SqliteStoreOpener::exists(const QString& location) const
{
    return QFileInfo::exists(location);
}

std::unique_ptr<StoreConnection> SqliteStoreOpener::connect(const QString& location)
{
    return std::make_unique<SqliteStore>(location, m_clock, m_rng);
}
