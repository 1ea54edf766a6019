#pragma once

#include "KeyStore.h"
#include "ManualClock.h"
#include "SpendStore.h"
#include "StoreConnection.h"
#include "UsageStore.h"

#include <QObject>
#include <functional>
#include <memory>

// What every SpendStore promises: a reservation is made only if the key, as stored now, is
// usable and the worst case fits every spend cap and the quota with what is spent and reserved;
// settling records the real usage and releases the reservation at once; reservations lapse
// unless renewed, and the sweep and a holder's release free them. Written against the store
// interfaces only; the factory returns a fresh, empty, opened store for each test function.
class SpendStoreContract final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SpendStoreContract)

public:
    using Factory = std::function<std::unique_ptr<StoreConnection>(ManualClock& clock)>;

    explicit SpendStoreContract(Factory factory, QObject* parent = nullptr);
    ~SpendStoreContract() override;

    // Wednesday 2026-01-07 12:00 UTC: the week began on Monday the 5th, the month on the 1st.
    static constexpr qint64 StartMs = 1'767'787'200'000;

private Q_SLOTS:
    void init();
    void cleanup();

    void reservesWhileTheWorstCaseFitsTheDailyCap();
    void weeklyAndMonthlyCapsCountEarlierDays();
    void aQuotaRefusesAsInsufficient();
    void aSubscriptionQuotaResetsWithItsCycle();
    void settlingRecordsTheRealCostAndReleases();
    void theKeysStateIsReadFromTheStore();
    void lapsedReservationsStopCountingAndAreSwept();
    void renewalKeepsAReservation();
    void releaseFreesOnlyTheHoldersReservations();
    void manyClaimsAtOnceNeverOverbook();
    void claimsOnSeveralKeysAtOnceEachGetTheirOwnAnswer();
    void aTiersRequestsAMonthCountServedAndInFlightRequests();
    void aRotatedKeyAndItsSuccessorShareOneBudget();
    void aSettlementNamingNoKeyFailsWhole();
    void aBadClaimIsInvalid();

private:
    SpendStore& spend() { return *m_store->spend(); }
    KeyStore& keys() { return m_store->keys(); }
    UsageStore& usage() { return m_store->usage(); }
    // A key with the caps and quota of spec; its id, empty (with a warning) when refused.
    QString createKey(KeySpec spec);
    SpendStore::Claim claim(const QString& keyId, qint64 promptTokens,
                            const QString& holder = QStringLiteral("gw-a")) const;
    std::optional<SpendStore::Admission> reserve(const SpendStore::Claim& claim);
    qint64 reserved(const QString& keyId);
    // Usage the key had: (time, cost) pairs recorded as events; false (with a warning) if refused.
    bool spent(const QString& keyId, const QList<std::pair<qint64, qint64>>& costs);

    Factory m_factory;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<StoreConnection> m_store;
};
