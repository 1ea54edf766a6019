#pragma once

#include "FakeBehaviour.h"
#include "KeyStore.h"

#include <QList>

// KeyStore in memory, for GUI tests of what users see when the store is slow or failing.
class FakeKeyStore final : public KeyStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FakeKeyStore)

public:
    explicit FakeKeyStore(FakeBehaviour& behaviour, QObject* parent = nullptr);

    // Stored as given, newest first (what listKeys() returns).
    void setKeys(QList<ApiKeyRecord> keys) { m_keys = std::move(keys); }
    const QList<ApiKeyRecord>& keys() const { return m_keys; }

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
    ApiKeyRecord& require(const QString& id);

    FakeBehaviour& m_behaviour;
    QList<ApiKeyRecord> m_keys;
    WorkspaceSettings m_settings;
};
