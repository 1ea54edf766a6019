#pragma once

#include "SecretVault.h"

#include <QFuture>
#include <QString>
#include <QStringList>
#include <optional>
#include <type_traits>

// Looks at and acts on the real Secret Service of the private session set up by
// tests/support/with-keyring.sh, independently of QtKeychain and SecretVault.
class SecretServiceTools final
{
public:
    // True only inside with-keyring.sh: tests that lock, delete or freeze the keyring check it so
    // that they never do it to a developer's own keyring.
    static bool insidePrivateKeyring();

    // A fresh secret shaped like a KeyDeck key, made at run time.
    static QString randomSecret();

    // The secret stored for (service, keyId), read with secret-tool; nullopt when there is none.
    // Fails the test (via error) when secret-tool cannot be run.
    static std::optional<QString> lookup(const QString& service, const QString& keyId,
                                         QString* error);
    // Labels of all items the Secret Service holds for service, read with secret-tool.
    static QStringList itemsOf(const QString& service, QString* error);

    // The login collection, through the Secret Service D-Bus API.
    static bool lockLoginCollection(QString* error);
    static bool deleteLoginCollection(QString* error);
    static std::optional<bool> loginCollectionLocked(QString* error);
    // The process id of the Secret Service daemon, 0 when none owns the bus name.
    static qint64 secretServicePid();

    // Regular files under dir whose bytes contain needle; scanned counts the files read.
    static QStringList filesContaining(const QString& dir, const QByteArray& needle, int* scanned);

    // The vault error a finished future failed with, or nullopt when it succeeded.
    template <typename T> static std::optional<SecretVault::Error> errorOf(QFuture<T> future)
    {
        try {
            future.waitForFinished();
            if constexpr (!std::is_void_v<T>)
                future.result();
        } catch (const SecretVault::Error& error) {
            return error;
        }
        return std::nullopt;
    }
};
