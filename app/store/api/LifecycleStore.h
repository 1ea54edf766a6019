#pragma once

#include "Alert.h"
#include "AlertRule.h"
#include "ApiKeyRecord.h"
#include "KeyEvent.h"

#include <QFuture>
#include <QObject>

// Key lifecycle beside KeyStore and UsageStore: rotation, alert rules and raised alerts,
// subscription cycles and key history. Asynchronous; failures are StoreError. A rotation's new
// key is announced by KeyStore::keysChanged().
class LifecycleStore : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LifecycleStore)

public:
    explicit LifecycleStore(QObject* parent = nullptr)
        : QObject(parent)
    {}
    ~LifecycleStore() override = default;

    // Step 1 of a rotation: a new key with the old one's settings and the label's version bumped
    // (prod-web-app -> prod-web-app-v2; a label already taken bumps further), linked both ways
    // (rotatedFromId / rotatedToId). The old key is untouched until it is revoked. Revoked keys
    // and keys already rotated cannot be rotated (StoreError::Final / Conflict).
    virtual QFuture<CreatedKey> rotateKey(const QString& id) = 0;
    // The same in two steps, like KeyStore::createPendingKey(): the successor stays hidden and
    // unlinked until KeyStore::activateKey(), which links the two keys.
    virtual QFuture<CreatedKey> rotateKeyPending(const QString& id) = 0;

    // A new store has four rules: rotation due after 90 days, expiring within 14 days, a quota
    // used up or spend cap reached, and a rotated key not yet revoked (7 days of grace).
    virtual QFuture<QList<AlertRule>> alertRules() = 0;
    // id 0 creates; otherwise replaces. Invalid thresholds: StoreError::Invalid "threshold".
    virtual QFuture<AlertRule> saveAlertRule(const AlertRule& rule) = 0;
    // Also closes that rule's open alerts.
    virtual QFuture<void> deleteAlertRule(qint64 ruleId) = 0;

    // Newest first. includeCleared: also alerts whose condition has cleared. The store keeps the
    // alerts current itself (the local store evaluates as it lists them, a server as things
    // change): nobody has to ask for an evaluation first.
    virtual QFuture<QList<Alert>> alerts(bool includeCleared) = 0;
    virtual QFuture<Alert> acknowledgeAlert(qint64 alertId) = 0;
    // Evaluates now and says what it raised, or made more severe: resets subscription quotas whose
    // billing day came (recording a QuotaReset event), then checks every rule against every key,
    // writing only when something changes.
    virtual QFuture<QList<Alert>> evaluateAlerts() = 0;

    // Oldest first.
    virtual QFuture<QList<KeyEvent>> keyEvents(const QString& keyId) = 0;

Q_SIGNALS:
    // Emitted on the store's thread affinity when alert rules or raised alerts change.
    void alertsChanged();
};
