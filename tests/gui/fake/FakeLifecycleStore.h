#pragma once

#include "FakeBehaviour.h"
#include "LifecycleStore.h"

// LifecycleStore without rules or alerts; rotation and rule writes are refused as the store
// being unavailable.
class FakeLifecycleStore final : public LifecycleStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FakeLifecycleStore)

public:
    explicit FakeLifecycleStore(FakeBehaviour& behaviour, QObject* parent = nullptr);

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
    FakeBehaviour& m_behaviour;
};
