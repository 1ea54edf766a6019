#pragma once

#include "ConnectionChoice.h"

#include <memory>

class Clock;
class SecretVault;
class StoreConnection;

// The desktop app's store implementations: the local SQLite file, or a keydeck-server whose
// admin key is the one just typed or else the one its profile saved in the keychain. Kept
// apart from the pages, which see only the store interfaces.
class DesktopStores final
{
public:
    DesktopStores(QString localPath, const Clock& clock, SecretVault& vault);

    // Where the local store is when none is named.
    static QString defaultLocalPath();

    std::unique_ptr<StoreConnection> make(const ConnectionChoice& choice) const;
    const QString& localPath() const { return m_localPath; }

private:
    QString m_localPath;
    const Clock& m_clock;
    SecretVault& m_vault;
};
