#pragma once

#include "ServerProfile.h"

#include <QString>

// Which store the app works on: the local store file, or a server of a saved profile. The
// admin key travels only from the Connections form to a test or a first connection; saved
// profiles keep theirs in the keychain.
struct ConnectionChoice
{
    enum class Kind
    {
        Local,
        Server
    };
    Kind kind = Kind::Local;
    ServerProfile server;
    // Typed in and not saved yet; empty: the one in the keychain.
    QString adminKey;

    static ConnectionChoice local() { return {}; }
    static ConnectionChoice of(const ServerProfile& profile) { return {Kind::Server, profile, {}}; }
    bool isLocal() const { return kind == Kind::Local; }
    // For headings and the status bar: "This computer" or the profile's name.
    QString title() const { return isLocal() ? QStringLiteral("This computer") : server.name; }
};
