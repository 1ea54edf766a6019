#pragma once

#include "LifecycleStore.h"

class RestClient;
class RestKeyStore;

// LifecycleStore over the admin API: rotation, alert rules and alerts (which the server keeps
// current by itself), and key history.
class RestLifecycleStore final : public LifecycleStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestLifecycleStore)

public:
    RestLifecycleStore(RestClient& client, RestKeyStore& keys, QObject* parent = nullptr);

    QFuture<CreatedKey> rotateKey(const QString& id) override;
    QFuture<CreatedKey> rotateKeyPending(const QString& id) override;
    QFuture<QList<AlertRule>> alertRules() override;
    QFuture<AlertRule> saveAlertRule(const AlertRule& rule) override;
    QFuture<void> deleteAlertRule(qint64 ruleId) override;
    QFuture<QList<Alert>> alerts(bool includeCleared) override;
    QFuture<Alert> acknowledgeAlert(qint64 alertId) override;
    QFuture<QList<Alert>> evaluateAlerts() override;
    QFuture<QList<KeyEvent>> keyEvents(const QString& keyId) override;

private:
    QFuture<CreatedKey> rotate(const QString& id, bool pending);

    RestClient& m_client;
    RestKeyStore& m_keys;
};
