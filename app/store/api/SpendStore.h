#pragma once

#include "SpendAllowance.h"
#include "UsageEvent.h"

#include <QFuture>
#include <QList>
#include <QObject>
#include <optional>

// The gateway's ledger of money promised to requests in flight, beside the keys and usage of
// the same store: admission reserves a request's worst-case cost only if it fits the key's
// spend caps and quota with everything spent and reserved (by every instance sharing the
// store), and settlement records the real usage and releases the reservation in one
// transaction, so recorded spend plus reservations never passes a cap. A reservation belongs to
// a holder (a running gateway) and lapses unless renewed: a crashed instance's promises are
// released by the sweep, not kept for ever. Asynchronous; failures are StoreError.
class SpendStore : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SpendStore)

public:
    explicit SpendStore(QObject* parent = nullptr)
        : QObject(parent)
    {}
    ~SpendStore() override = default;

    // How long a reservation holds without renewal.
    static constexpr qint64 LeaseMs = 60'000;

    struct Claim
    {
        QString keyId;
        // Priced with the store's price table.
        QString model;
        qint64 promptTokens = 0;
        qint64 completionTokens = 0;
        QString holder;
    };
    struct Admission
    {
        enum class Verdict
        {
            Reserved,
            NotFound,
            Revoked,
            Disabled,
            Expired,
            Refused, // by a cap or the quota: see refusal
        };
        Verdict verdict = Verdict::NotFound;
        QString reservationId;
        qint64 amountMicros = 0;
        std::optional<SpendAllowance::Refusal> refusal;
    };
    // The key's state as stored now (the check no cache can make stale), then the allowance.
    virtual QFuture<Admission> reserveSpend(const Claim& claim) = 0;

    struct Settlement
    {
        // Empty for a request that reserved nothing.
        QString reservationId;
        UsageEvent event;
    };
    // Records the events as UsageStore::recordUsage does (an unknown key fails the batch) and
    // releases their reservations, in one transaction. Returns how many events were new.
    virtual QFuture<qint64> settleSpend(const QList<Settlement>& settlements) = 0;
    // Extends the holder's reservations to LeaseMs from now; returns how many it holds.
    virtual QFuture<qint64> renewReservations(const QString& holder) = 0;
    // Releases reservations whose lease ran out; returns how many.
    virtual QFuture<qint64> sweepReservations() = 0;
    // Releases every reservation of the holder (a gateway shutting down); returns how many.
    virtual QFuture<qint64> releaseReservations(const QString& holder) = 0;
    // What the key's live reservations add up to.
    virtual QFuture<qint64> reservedMicros(const QString& keyId) = 0;
};
