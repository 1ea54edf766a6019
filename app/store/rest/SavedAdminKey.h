#pragma once

#include <QFuture>
#include <QString>
#include <QUrl>

class SecretVault;

// The admin key saved with a server's profile (ServerProfile::adminKeyEntry), read from the
// keychain when a RestStore opens. Failures are StoreError: none saved is Unauthorized, a
// keychain that cannot answer is Unavailable; both end with the remedy the caller names.
class SavedAdminKey final
{
public:
    static QFuture<QString> read(SecretVault& vault, const QUrl& server, const QString& remedy);
};
