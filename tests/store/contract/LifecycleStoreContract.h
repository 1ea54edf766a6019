#pragma once

#include "KeyStore.h"
#include "LifecycleStore.h"
#include "ManualClock.h"
#include "StoreConnection.h"
#include "UsageStore.h"

#include <QObject>
#include <functional>
#include <memory>

// What every LifecycleStore promises (rotation, alert rules and alerts, subscription cycles, key
// history), written against KeyStore, UsageStore and LifecycleStore only. The factory returns a
// fresh, empty, opened store for each test function, seen through all three interfaces; the clock
// it is given is the one the store must use.
class LifecycleStoreContract final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LifecycleStoreContract)

public:
    using Factory = std::function<std::unique_ptr<StoreConnection>(ManualClock& clock)>;

    explicit LifecycleStoreContract(Factory factory, QObject* parent = nullptr);
    ~LifecycleStoreContract() override;

    // 2026-01-01T00:00:00Z: where each test's clock starts.
    static constexpr qint64 StartMs = 1'767'225'600'000;

private Q_SLOTS:
    void init();
    void cleanup();

    void rotationBumpsTheLabelVersion_data();
    void rotationBumpsTheLabelVersion();
    void rotationSkipsTakenLabels();
    void rotationCopiesSettingsAndLinksBothWays();
    void rotationDropsAnExpiryThatPassed();
    void revokedOrAlreadyRotatedKeysCannotBeRotated();
    void unknownKeyCannotBeRotated();
    void writesAreRecordedAsKeyEvents();
    void newStoreHasTheDefaultRules();
    void alertRulesCanBeAddedChangedAndDeleted();
    void invalidAlertRulesAreRejected_data();
    void invalidAlertRulesAreRejected();
    void alertFiresOncePerCondition();
    void acknowledgedAlertStaysQuietUntilTheConditionReturns();
    void rotationDueAlertsFollowKeyAge();
    void rotationNeverResetsALimit();
    void severityFollowsTheKeyAndAnEscalationNeedsAttentionAgain();
    void deletingARuleClosesItsAlerts();
    void acknowledgingAnUnknownAlertIsNotFound();
    void subscriptionQuotaResetsOnTheCycleDay();
    void listedAlertsAreCurrentWithoutAnEvaluation();
    void alertsChangedFollowsAlertWrites();
    void workspaceKeepsTheLifecycleSettings();
    void lifecycleSettingsOutOfRangeAreRejected_data();
    void lifecycleSettingsOutOfRangeAreRejected();

private:
    KeyStore& keys() { return m_store->keys(); }
    UsageStore& usage() { return m_store->usage(); }
    LifecycleStore& lifecycle() { return m_store->lifecycle(); }
    // The new key, or nullopt (and a test failure) when it could not be created.
    std::optional<CreatedKey> create(const KeySpec& spec);
    std::optional<ApiKeyRecord> find(const QString& idOrLabel);
    QList<KeyEvent> events(const QString& keyId);
    QList<Alert> evaluate();
    QList<Alert> openAlerts();
    bool spend(const QString& keyId, qint64 micros);
    // Removes every rule, so a test sees only the rules it adds.
    bool clearRules();
    // "prod-web-app" with a $10 quota, in a store without alert rules: a test adds its own.
    QString quotaKeyWithoutRules(KeySpec* spec);
    std::optional<AlertRule> addRule(AlertRule::Kind kind, qint64 threshold,
                                     const QString& keyId = {});

    Factory m_factory;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<StoreConnection> m_store;
};
