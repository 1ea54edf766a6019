#include "SavedAdminKey.h"

#include "SecretVault.h"
#include "ServerProfile.h"
#include "StoreError.h"

using namespace Qt::StringLiterals;

QFuture<QString> SavedAdminKey::read(SecretVault& vault, const QUrl& server, const QString& remedy)
{
    return vault.readCredential(ServerProfile::adminKeyEntry(server))
        .onFailed([server, remedy](const SecretVault::Error& error) -> QString {
            if (error.code() == SecretVault::Error::Code::NotFound)
                throw StoreError(
                    StoreError::Code::Unauthorized,
                    u"no admin key is saved for %1: %2"_s.arg(server.toString(), remedy));
            throw StoreError(StoreError::Code::Unavailable,
                             u"cannot read the admin key for %1 from the keychain: %2 (%3)"_s.arg(
                                 server.toString(), error.message(), remedy));
        });
}
