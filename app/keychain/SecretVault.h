#pragma once

#include "SecretIndex.h"

#include <QException>
#include <QFuture>
#include <QObject>
#include <chrono>
#include <functional>
#include <optional>

// Key secrets in the OS keychain through QtKeychain, and nowhere else: no insecure fallback.
// Jobs are asynchronous and run on the vault's thread, which needs an event loop (the GUI thread
// is fine: nothing blocks); the methods may be called from any thread. An entry is keyed by
// service and key id (Secret Service attributes server=<service>, user=<keyId>).
// QtKeychain's errors mislead: a locked or missing collection makes a read answer
// "not found", so call probe() before trusting the keychain, e.g. before generating a key whose
// secret must be saved.
class SecretVault final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SecretVault)

public:
    struct Probe
    {
        bool available = false;
        QString reason; // empty when available; otherwise what failed and what to do
    };

    class Error final : public QException
    {
    public:
        enum class Code
        {
            NotFound,
            Unavailable,
            AccessDenied,
            // The entry holds something that is not this key's secret: changed outside KeyDeck.
            Mismatch,
            Other
        };
        Error(Code code, QString message);
        Code code() const { return m_code; }
        const QString& message() const { return m_message; }
        void raise() const override { throw *this; }
        Error* clone() const override { return new Error(*this); }
        const char* what() const noexcept override { return m_what.constData(); }

    private:
        Code m_code;
        QString m_message;
        QByteArray m_what;
    };

    static constexpr QStringView DefaultService = u"KeyDeck";

    explicit SecretVault(QString service = DefaultService.toString(), QObject* parent = nullptr);
    ~SecretVault() override;

    QString service() const { return m_service; }
    // A job the keychain does not finish in time (a hung service, an unlock prompt nobody
    // answers) fails with Unavailable, though the keychain may still carry it out later.
    // Default 30 s: time enough to type a keyring password. Set it before the first call.
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }
    std::chrono::milliseconds timeout() const { return m_timeout; }

    // Refuses an empty key id, an empty secret and secrets over 2000 bytes (Windows Credential
    // Manager's limit), without touching the keychain.
    QFuture<void> storeSecret(const QString& keyId, const QString& secret);
    // Fails with Error::NotFound only when the keychain itself works: a "not found" answer is
    // checked with a probe, and a failing probe turns it into that failure. What the entry holds
    // must be a well-formed key (checksum) whose SHA-256 is expectedDigestHex, or the read fails
    // with Error::Mismatch: a tampered entry is never handed on (exported, copied).
    QFuture<QString> readSecret(const QString& keyId, const QByteArray& expectedDigestHex);
    // A credential whose digest nobody knows in advance (a server's admin key, saved with its
    // connection): any well-formed key, else Error::Mismatch.
    QFuture<QString> readCredential(const QString& entry);
    // Removing a secret that is not there succeeds.
    QFuture<void> removeSecret(const QString& keyId);
    // Writes, reads back and removes a probe entry: tells "works" from "unavailable, because".
    // Each probe marks its entry with a lock file in probeDirectory() while it exists, so the
    // entries of probes that were killed are removed by the next probe.
    QFuture<Probe> probe();
    // Default: <runtime dir>/keydeck-probes/<service>.
    void setProbeDirectory(const QString& path) { m_probeDirectory = path; }
    QString probeDirectory() const;

    // Where the vault notes which entries it saved, found and found missing (none: nothing is
    // noted, and every entry is Unknown). Set it before the first call; it must outlive the vault.
    void setIndex(SecretIndex* index) { m_index = index; }
    // Whether the entry's secret is in this computer's keychain, as far as the index knows,
    // without asking the keychain.
    SecretIndex::Presence presence(const QString& entry, qint64 createdAtMs) const;
    // Picks up what another program (keydeckctl) noted; emits indexChanged when it had.
    void refreshIndex();

Q_SIGNALS:
    // The index learnt of a secret saved, found or missing here.
    void indexChanged();

public:
private:
    // check: why what the entry holds may not be handed on, or nullopt.
    QFuture<QString> read(const QString& keyId,
                          std::function<std::optional<Error>(const QString&)> check);
    void note(const QString& entry, bool present);

    QString m_service;
    QString m_probeDirectory;
    std::chrono::milliseconds m_timeout;
    SecretIndex* m_index = nullptr;
};
