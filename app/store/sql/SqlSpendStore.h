#pragma once

#include "SpendStore.h"

#include <QMutex>
#include <QPromise>
#include <memory>

class SqlDatabase;
class SqlSession;
class SqlUsageStore;

// SpendStore in the store's database. Every call is a write transaction, and the store's writers
// take one lock (SQLite's write lock, PostgreSQL's advisory lock), so a reservation sees every
// settlement and reservation committed before it, by any process on the same database. Claims
// that arrive while the worker is busy are admitted together, in one transaction: a gateway
// under load pays one commit for many requests, not one each.
class SqlSpendStore final : public SpendStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SqlSpendStore)

public:
    // Both must outlive the store.
    SqlSpendStore(SqlDatabase& database, const SqlUsageStore& usage, QObject* parent = nullptr);

    QFuture<Admission> reserveSpend(const Claim& claim) override;
    QFuture<qint64> settleSpend(const QList<Settlement>& settlements) override;
    QFuture<qint64> renewReservations(const QString& holder) override;
    QFuture<qint64> sweepReservations() override;
    QFuture<qint64> releaseReservations(const QString& holder) override;
    QFuture<qint64> reservedMicros(const QString& keyId) override;

private:
    struct QueuedClaim
    {
        Claim claim;
        std::shared_ptr<QPromise<Admission>> promise;
    };

    // What requests in flight hold.
    struct Reserved
    {
        qint64 micros = 0;
        qint64 requests = 0;
    };

    // Worker thread only.
    void admitQueued();
    // Inside the write transaction: each claim's admission, in order.
    QList<Admission> admit(const SqlSession& session, const QList<QueuedClaim>& queued) const;
    Reserved reservedFor(const SqlSession& session, const QStringList& keyIds, qint64 nowMs) const;
    // The keys' requests answered without an error in this UTC month.
    qint64 servedThisMonth(const SqlSession& session, const QStringList& keyIds,
                           qint64 nowMs) const;
    // A statement that changes rows and says how many, in a write transaction.
    QFuture<qint64> change(const QString& sql, const QVariantList& values);

    SqlDatabase& m_database;
    const SqlUsageStore& m_usage;
    QMutex m_claimsMutex;
    QList<QueuedClaim> m_claims;
    // A worker job that takes every queued claim is on its way.
    bool m_drainQueued = false;
};
