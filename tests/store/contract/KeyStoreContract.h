#pragma once

#include "KeyStore.h"
#include "ManualClock.h"
#include "StoreConnection.h"

#include <QObject>
#include <functional>
#include <memory>

// What every KeyStore promises, written against the interface only. A backend's test runs it
// with a factory that returns a fresh, empty, opened store for each test function; the clock
// it is given is the one the store must use.
class KeyStoreContract final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyStoreContract)

public:
    using Factory = std::function<std::unique_ptr<StoreConnection>(ManualClock& clock)>;

    explicit KeyStoreContract(Factory factory, QObject* parent = nullptr);
    ~KeyStoreContract() override;

    // 2026-01-01T00:00:00Z: where each test's clock starts.
    static constexpr qint64 StartMs = 1'767'225'600'000;

private Q_SLOTS:
    void init();
    void cleanup();

    void createReturnsAWellFormedSecret();
    void recordKeepsDigestAndHintButNeverTheSecret();
    void subscriptionKeysUseTheSubscriptionPrefix();
    void workspacePrefixesShapeNewKeysOnly();
    void invalidWorkspacePrefixChangesNothing_data();
    void invalidWorkspacePrefixChangesNothing();
    void listIsNewestFirst();
    void listsAPageAtATimeWithFilters();
    void pagesNeverRepeatOrSkipWhenKeysComeAndGo();
    void badPageQueryIsInvalid_data();
    void badPageQueryIsInvalid();
    void findsByIdAndByLabel();
    void unknownKeyIsNotFound();
    void findsAKeyByTheDigestOfItsSecret();
    void duplicateLabelIsAConflict();
    void invalidSpecIsRejectedAndNothingStored_data();
    void invalidSpecIsRejectedAndNothingStored();
    void updateRoundTripsEveryField();
    void disableAndEnable();
    void revokeIsFinal();
    void expiredCannotBeSetDirectly();
    void deleteRemovesTheKeyAndFreesItsLabel();
    void expiryIsDerivedFromTheClock();
    void expiredKeyStaysEditable();
    void keysChangedFollowsEverySuccessfulWrite();
    void aPendingKeyIsHiddenUntilActivated();
    void anAbandonedPendingKeyIsRemoved();

private:
    static KeySpec specNamed(const QString& label);
    static KeySpec fullSpec(qint64 nowMs);

    KeyStore& store() { return m_connection->keys(); }

    Factory m_factory;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<StoreConnection> m_connection;
};
