#pragma once

#include "StoreOpener.h"

// keydeckctl's stores: a location that is an http(s) URL is a keydeck-server, anything else a
// local store file. The default is the one main() was given ($KEYDECK_SERVER, else
// $KEYDECK_STORE, else the app's store).
class CliStoreOpener final : public StoreOpener
{
public:
    CliStoreOpener(QString defaultLocation, StoreOpener& files, StoreOpener& servers);

    static bool isServer(const QString& location);

    QString defaultLocation() const override { return m_defaultLocation; }
    bool exists(const QString& location) const override;
    std::unique_ptr<StoreConnection> connect(const QString& location) override;

private:
    QString m_defaultLocation;
    StoreOpener& m_files;
    StoreOpener& m_servers;
};
