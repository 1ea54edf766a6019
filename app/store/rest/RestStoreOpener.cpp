#include "RestStoreOpener.h"

#include "RestStore.h"

using namespace Qt::StringLiterals;

RestStoreOpener::RestStoreOpener(RestSettings defaults, AdminKeyFor adminKeyFor)
    : m_defaults(std::move(defaults))
    , m_adminKeyFor(std::move(adminKeyFor))
{}

bool RestStoreOpener::isServerUrl(const QString& location)
{
    return location.startsWith(u"https://"_s) || location.startsWith(u"http://"_s);
}

std::unique_ptr<StoreConnection> RestStoreOpener::connect(const QString& location)
{
    RestSettings settings = m_defaults;
    settings.serverUrl = QUrl(location);
    const QUrl server = settings.serverUrl;
    RestStore::AdminKeySource source;
    if (settings.adminKey.isEmpty() && m_adminKeyFor)
        source = [adminKeyFor = m_adminKeyFor, server] {
            return adminKeyFor(server);
        };
    return std::make_unique<RestStore>(settings, source);
}
