#pragma once

#include <QString>
#include <QUrl>

// Where a keydeck-server is and how to talk to it: what a Connections profile holds, with the
// admin key read from the keychain (or KEYDECK_ADMIN_KEY) rather than kept here.
struct RestSettings
{
    // https://keys.example.com or http://127.0.0.1:8080; a path is kept as a prefix.
    QUrl serverUrl;
    QString adminKey;
    // Off only for a server whose certificate cannot be checked (a test box): says so in
    // RestClient::location().
    bool verifyTls = true;
    // PEM certificates trusted besides the system's, for a server with a private CA.
    QString caFile;
    // A request that moves no bytes for this long fails as Unavailable.
    int transferTimeoutMs = 30'000;
};
