#include "DesktopStores.h"

#include "RestStore.h"
#include "SecretVault.h"
#include "SqliteStore.h"
#include "StoreError.h"

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
            return vault->readCredential(ServerProfile::adminKeyEntry(url))
                .onFailed([](const SecretVault::Error& error) -> QString {
                    throw StoreError(error.code() == SecretVault::Error::Code::NotFound
                                         ? StoreError::Code::Unauthorized
                                         : StoreError::Code::Unavailable,
                                     u"the admin key saved for this server cannot be read from "
                                     "the keychain: "_s +
                                         error.message());
                });
        };
    }
    return std::make_unique<RestStore>(rest, saved);
}
