#include "ServerStoreOpener.h"

#include "PostgresStore.h"

ServerStoreOpener::ServerStoreOpener(StoreOpener& files, const Clock& clock, QRandomGenerator& rng)
    : m_files(files)
    , m_clock(clock)
    , m_rng(rng)
{}

QString ServerStoreOpener::defaultLocation() const
{
    return m_files.defaultLocation();
}

bool ServerStoreOpener::exists(const QString& location) const
{
    // A database is created by its administrator; opening it creates the tables.
    return PostgresStore::isUrl(location) || m_files.exists(location);
}

std::unique_ptr<StoreConnection> ServerStoreOpener::connect(const QString& location)
{
    if (PostgresStore::isUrl(location))
        return std::make_unique<PostgresStore>(location, m_clock, m_rng);
    return m_files.connect(location);
}
