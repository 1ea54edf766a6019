#pragma once

#include "ApiKeyRecord.h"
#include "KeyListQuery.h"
#include "WorkspaceSettings.h"

#include <QFuture>
#include <QObject>

// The one door to key data for the UI and the CLI. Every call is asynchronous and never does
// its work on the caller's thread; failures arrive as a StoreError inside the future.
// Every implementation passes the same contract test suite (tests/store).
class KeyStore : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyStore)

public:
    explicit KeyStore(QObject* parent = nullptr)
        : QObject(parent)
    {}
    ~KeyStore() override = default;

    // Human-readable location: "local: /home/u/.local/share/KeyDeck/keydeck.sqlite".
    virtual QString location() const = 0;

    // Validates, generates the secret, stores digest + hint only, and returns the secret once.
    virtual QFuture<CreatedKey> createKey(const KeySpec& spec) = 0;
    // Creation in two steps, for callers that must save or show the secret before the key may
    // be used: a process killed in between must not leave a usable key whose secret exists
    // nowhere. The key is hidden (not listed, not found, its label reserved) and unusable until
    // activateKey(); one not activated within PendingKeyLifetimeMs is removed.
    virtual QFuture<CreatedKey> createPendingKey(const KeySpec& spec) = 0;
    // StoreError::NotFound when the pending key is gone (too late, or never created).
    virtual QFuture<ApiKeyRecord> activateKey(const QString& id) = 0;
    static constexpr qint64 PendingKeyLifetimeMs = 10 * 60 * 1000;
    // Newest first.
    virtual QFuture<QList<ApiKeyRecord>> listKeys() = 0;
    struct Page
    {
        QList<ApiKeyRecord> keys;
        // Empty on the last page.
        QString nextCursor;
        // How many keys match the filters: on the first page only (-1 on the others).
        qint64 total = -1;
    };
    // The keys listKeys() would list that match the query, a page at a time, in the same order.
    // Paging by a cursor the store makes, so a key created or deleted between two pages never
    // makes one repeat or go missing, and the thousandth page costs what the first does. A
    // cursor or limit the store cannot use is StoreError::Invalid naming "cursor" or "limit".
    virtual QFuture<Page> listKeysPage(const KeyListQuery& query) = 0;
    // By id, or else by exact label.
    virtual QFuture<ApiKeyRecord> findKey(const QString& idOrLabel) = 0;
    // The usable (not pending) key whose secret has this SHA-256 digest (lower-case hex), as
    // a server authenticating a request asks; StoreError::NotFound if none.
    virtual QFuture<ApiKeyRecord> findKeyByDigest(const QByteArray& digestHex) = 0;
    virtual QFuture<ApiKeyRecord> updateKey(const QString& id, const KeySpec& spec) = 0;
    // Active <-> Disabled, or -> Revoked (final). Expired cannot be set.
    virtual QFuture<ApiKeyRecord> setKeyStatus(const QString& id, KeyStatus status) = 0;
    virtual QFuture<void> deleteKey(const QString& id) = 0;

    virtual QFuture<WorkspaceSettings> workspaceSettings() = 0;
    virtual QFuture<WorkspaceSettings>
    updateWorkspaceSettings(const WorkspaceSettings& settings) = 0;

    QFuture<ApiKeyRecord> disableKey(const QString& id)
    {
        return setKeyStatus(id, KeyStatus::Disabled);
    }
    QFuture<ApiKeyRecord> enableKey(const QString& id)
    {
        return setKeyStatus(id, KeyStatus::Active);
    }
    QFuture<ApiKeyRecord> revokeKey(const QString& id)
    {
        return setKeyStatus(id, KeyStatus::Revoked);
    }

Q_SIGNALS:
    // Emitted on the store's thread affinity (the thread that created it) after keys, their
    // history or the workspace settings changed, made here or, where the store can see it, by
    // another process. Usage alone (and the spend it derives) is UsageStore::usageChanged().
    void keysChanged();
    // From a store that can lose its connection (a server): the connection was lost (why says
    // what happened; changes are not heard and calls fail as Unavailable) or is back, after
    // which everything is announced as changed. A local store never emits it.
    void reachabilityChanged(bool reachable, const QString& why);
};
