#include "CliStoreOpener.h"

using namespace Qt::StringLiterals;

CliStoreOpener::CliStoreOpener(QString defaultLocation, StoreOpener& files, StoreOpener& servers)
    : m_defaultLocation(std::move(defaultLocation))
    , m_files(files)
    , m_servers(servers)
{}

bool CliStoreOpener::isServer(const QString& location)
{
    return location.startsWith(u"https://"_s) || location.startsWith(u"http://"_s);
}

bool CliStoreOpener::exists(const QString& location) const
{
    return isServer(location) ? m_servers.exists(location) : m_files.exists(location);
}

std::unique_ptr<StoreConnection> CliStoreOpener::connect(const QString& location)
{
    return isServer(location) ? m_servers.connect(location) : m_files.connect(location);
}
