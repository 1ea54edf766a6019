#pragma once

#include "KeyStore.h"

#include <QJsonDocument>
#include <QPromise>

class RestClient;

// KeyStore over the admin API's /v1/admin/keys, key-digests and workspace. Changes, its own
// and every other admin's, are announced from the server's events stream (RestStore).
class RestKeyStore final : public KeyStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestKeyStore)

public:
    explicit RestKeyStore(RestClient& client, QObject* parent = nullptr);

    QString location() const override;
    QFuture<CreatedKey> createKey(const KeySpec& spec) override;
    QFuture<CreatedKey> createPendingKey(const KeySpec& spec) override;
    QFuture<ApiKeyRecord> activateKey(const QString& id) override;
    QFuture<QList<ApiKeyRecord>> listKeys() override;
    QFuture<Page> listKeysPage(const KeyListQuery& query) override;
    QFuture<ApiKeyRecord> findKey(const QString& idOrLabel) override;
    QFuture<ApiKeyRecord> findKeyByDigest(const QByteArray& digestHex) override;
    QFuture<ApiKeyRecord> updateKey(const QString& id, const KeySpec& spec) override;
    QFuture<ApiKeyRecord> setKeyStatus(const QString& id, KeyStatus status) override;
    QFuture<void> deleteKey(const QString& id) override;
    QFuture<WorkspaceSettings> workspaceSettings() override;
    QFuture<WorkspaceSettings> updateWorkspaceSettings(const WorkspaceSettings& settings) override;

    // A record from the API, with the keychain entry this client keeps its secret under.
    ApiKeyRecord recordOf(const QJsonObject& object) const;
    CreatedKey createdOf(const QByteArray& body) const;
    // The keychain entry of a key of this server: one per server URL and key id.
    QString vaultEntryOf(const QString& keyId) const;

private:
    QFuture<CreatedKey> create(const KeySpec& spec, bool pending);
    QFuture<ApiKeyRecord> recordCall(const QByteArray& method, const QString& path,
                                     const QJsonDocument& body = {});
    // Every key, a page at a time, each page read on the pool while the next one comes.
    struct Collection
    {
        QPromise<QList<ApiKeyRecord>> promise;
        QList<QFuture<QList<ApiKeyRecord>>> pages;
    };
    void collect(const QString& cursor, const std::shared_ptr<Collection>& collection);
    void finish(const std::shared_ptr<Collection>& collection);

    RestClient& m_client;
};
