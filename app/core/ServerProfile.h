#pragma once

#include <QString>
#include <QUrl>
#include <optional>

// A keydeck-server KeyDeck connects to: what the Connections page saves, and what keydeckctl
// --server names. The admin key is not part of it: it is kept in the keychain under
// adminKeyEntry(), so the app and keydeckctl find the same one.
struct ServerProfile
{
    QString name;
    QUrl url;
    bool verifyTls = true;
    QString caFile; // PEM, trusted besides the system's; empty: none

    // http(s)://host[:port][/prefix] with nothing else (no user, query or fragment); the
    // normal form has no trailing slash. nullopt with *error saying what is wrong.
    static std::optional<QUrl> parseUrl(const QString& text, QString* error = nullptr);
    // The keychain entry of the admin key for the server at url.
    static QString adminKeyEntry(const QUrl& url);

    friend bool operator==(const ServerProfile&, const ServerProfile&) = default;
};
