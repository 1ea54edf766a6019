#include "DesktopStores.h"

#include "RestStore.h"
#include "SavedAdminKey.h"
#include "SqliteStore.h"

#include <QRandomGenerator>

using namespace Qt::StringLiterals;

DesktopStores::DesktopStores(QString localPath, const Clock& clock, SecretVault& vault)
    : m_localPath(std::move(localPath))
    , m_clock(clock)
    , m_vault(vault)
{}

QString DesktopStores::defaultLocalPath()
{
    return SqliteStore::defaultPath();
}

std::unique_ptr<StoreConnection> DesktopStores::make(const ConnectionChoice& choice) const
{
    if (choice.isLocal())
        return std::make_unique<SqliteStore>(m_localPath, m_clock, *QRandomGenerator::system());
    RestSettings rest;
    rest.serverUrl = choice.server.url;
    rest.verifyTls = choice.server.verifyTls;
    rest.caFile = choice.server.caFile;
    rest.adminKey = choice.adminKey;
    RestStore::AdminKeySource saved;
    if (rest.adminKey.isEmpty()) {
        saved = [vault = &m_vault, url = choice.server.url] {
            return SavedAdminKey::read(*vault, url,
                                       u"enter it in the server's profile on the Connections "
                                       "page"_s);
        };
    }
    return std::make_unique<RestStore>(rest, saved);
}
