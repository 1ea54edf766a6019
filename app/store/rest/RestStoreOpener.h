#pragma once

#include "RestSettings.h"
#include "StoreOpener.h"

#include <QFuture>
#include <functional>

// Connections to keydeck-servers named by their URL, for keydeckctl --server: the TLS
// settings are the defaults given, and the admin key comes from adminKeyFor (the environment
// or the keychain, as the program's main() decides).
class RestStoreOpener final : public StoreOpener
{
public:
    using AdminKeyFor = std::function<QFuture<QString>(const QUrl& server)>;

    RestStoreOpener(RestSettings defaults, AdminKeyFor adminKeyFor);

    // Whether a store location names a server rather than a file.
    static bool isServerUrl(const QString& location);

    QString defaultLocation() const override { return {}; }
    // A server always has its store; whether it answers is open()'s to say.
    bool exists(const QString&) const override { return true; }
    std::unique_ptr<StoreConnection> connect(const QString& location) override;

private:
    RestSettings m_defaults;
    AdminKeyFor m_adminKeyFor;
};
