#pragma once

#include "KeyStore.h"

class SqlDatabase;

// KeyStore on the local file: keys, their two-step creation and the workspace settings. A
// deleted key's usage stays (history and totals remain right) but its id no longer resolves;
// its history goes, its open alerts clear and its rotation partner is unlinked.
class SqlKeyStore final : public KeyStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SqlKeyStore)

public:
    // database must outlive the store.
    explicit SqlKeyStore(SqlDatabase& database, QObject* parent = nullptr);

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

private:
    QFuture<CreatedKey> create(const KeySpec& spec, bool pending);

    SqlDatabase& m_database;
};
