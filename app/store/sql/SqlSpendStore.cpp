#include "SqlSpendStore.h"

#include "ApiKeyFormat.h"
#include "Clock.h"
#include "PriceTable.h"
#include "RotationBudgets.h"
#include "SpendWindows.h"
#include "SqlDatabase.h"
#include "SqlKeyRows.h"
#include "SqlSession.h"
#include "SqlUsageStore.h"
#include "StoreError.h"
#include "TierLimits.h"

#include <QHash>
#include <QSqlQuery>
#include <optional>

using namespace Qt::StringLiterals;

namespace {
constexpr int ReservationIdLength = 22;

QString placeholders(const QStringList& values)
{
    return QStringList(values.size(), u"?"_s).join(u',');
}
} // namespace

SqlSpendStore::SqlSpendStore(SqlDatabase& database, const SqlUsageStore& usage, QObject* parent)
    : SpendStore(parent)
    , m_database(database)
    , m_usage(usage)
{}

SqlSpendStore::Reserved SqlSpendStore::reservedFor(const SqlSession& session,
                                                   const QStringList& keyIds, qint64 nowMs) const
{
    QSqlQuery query =
        session.prepare(u"SELECT coalesce(sum(amount_micros), 0), count(*) FROM spend_reservations "
                        "WHERE key_id IN (%1) AND lease_until > ?"_s.arg(placeholders(keyIds)));
    for (const QString& id : keyIds)
        query.addBindValue(id);
    query.addBindValue(nowMs);
    session.run(query);
    if (!query.next())
        return {};
    return {query.value(0).toLongLong(), query.value(1).toLongLong()};
}

qint64 SqlSpendStore::servedThisMonth(const SqlSession& session, const QStringList& keyIds,
                                      qint64 nowMs) const
{
    const SpendWindows windows = SpendWindows::at(nowMs);
    QSqlQuery query = session.prepare(
        u"SELECT coalesce(sum(requests - errors), 0) FROM usage_key_day "
        "WHERE key_id IN (%1) AND day_ms >= ? AND day_ms < ?"_s.arg(placeholders(keyIds)));
    for (const QString& id : keyIds)
        query.addBindValue(id);
    query.addBindValue(windows.monthFromMs);
    query.addBindValue(windows.monthToMs);
    session.run(query);
    return query.next() ? query.value(0).toLongLong() : 0;
}

QFuture<SpendStore::Admission> SqlSpendStore::reserveSpend(const Claim& claim)
{
    auto promise = std::make_shared<QPromise<Admission>>();
    promise->start();
    QFuture<Admission> future = promise->future();
    if (claim.promptTokens < 0 || claim.completionTokens < 0) {
        promise->setException(StoreError(StoreError::Code::Invalid,
                                         u"A spend claim is not valid."_s,
                                         {FieldError{u"tokens"_s, u"must not be negative"_s}}));
        promise->finish();
        return future;
    }
    if (claim.holder.isEmpty()) {
        promise->setException(StoreError(StoreError::Code::Invalid,
                                         u"A spend claim is not valid."_s,
                                         {FieldError{u"holder"_s, u"is required"_s}}));
        promise->finish();
        return future;
    }
    bool drainQueued = false;
    {
        const QMutexLocker lock(&m_claimsMutex);
        m_claims.append({claim, promise});
        drainQueued = std::exchange(m_drainQueued, true);
    }
    if (!drainQueued)
        m_database.submit<void>([this] { admitQueued(); });
    return future;
}

void SqlSpendStore::admitQueued()
{
    QList<QueuedClaim> queued;
    {
        const QMutexLocker lock(&m_claimsMutex);
        queued = std::exchange(m_claims, {});
        m_drainQueued = false;
    }
    const auto failAll = [&queued](const StoreError& error) {
        for (const QueuedClaim& claim : std::as_const(queued)) {
            claim.promise->setException(error);
            claim.promise->finish();
        }
    };
    QList<Admission> admissions;
    try {
        const SqlSession session = m_database.session();
        admissions = session.write([&] { return admit(session, queued); });
    } catch (const StoreError& error) {
        failAll(error);
        // SqlDatabase::submit notices a connection that is gone.
        throw;
    } catch (const std::exception& error) {
        failAll(StoreError(StoreError::Code::Unavailable, QString::fromUtf8(error.what())));
        return;
    }
    for (qsizetype i = 0; i < queued.size(); ++i) {
        queued.at(i).promise->addResult(admissions.at(i));
        queued.at(i).promise->finish();
    }
}

QList<SpendStore::Admission> SqlSpendStore::admit(const SqlSession& session,
                                                  const QList<QueuedClaim>& queued) const
{
    // The transaction holds the writers' lock: nothing but these claims changes a key's spend
    // or reservations until it commits, so each key is read once and its reservations are
    // counted on in memory.
    // What a key's rotation chain has reserved and been served: its keys share one budget
    // (RotationBudgets), so claims on an old key and on its successor count together.
    struct ChainState
    {
        Reserved reserved;
        qint64 servedThisMonth = 0;
    };
    const qint64 now = m_database.clock().nowUtcMs();
    const PriceTable prices = m_usage.readPrices(session);
    QHash<QString, std::optional<ApiKeyRecord>> keys;
    QHash<QString, QString> chainOfKey;
    QHash<QString, ChainState> chains;
    std::optional<QSqlQuery> insert;
    QList<Admission> admissions;
    admissions.reserve(queued.size());
    for (const QueuedClaim& queuedClaim : queued) {
        const Claim& claim = queuedClaim.claim;
        auto record = keys.find(claim.keyId);
        if (record == keys.end()) {
            record = keys.insert(claim.keyId,
                                 SqlKeyRows(session, m_database).select(u"id"_s, claim.keyId));
            if (*record) {
                QStringList members{claim.keyId};
                if (!(*record)->rotatedFromId.isEmpty() || !(*record)->rotatedToId.isEmpty())
                    members = RotationBudgets::readFor(session, {claim.keyId}).chainOf(claim.keyId);
                members.sort();
                const QString chain = members.join(u',');
                chainOfKey.insert(claim.keyId, chain);
                if (!chains.contains(chain)) {
                    ChainState read;
                    read.reserved = reservedFor(session, members, now);
                    if (TierLimits::forTier((*record)->spec.tier).requestsPerMonth)
                        read.servedThisMonth = servedThisMonth(session, members, now);
                    chains.insert(chain, read);
                }
            }
        }
        Admission& admission = admissions.emplace_back();
        if (!*record)
            continue;
        const ApiKeyRecord& key = **record;
        ChainState* state = &chains[chainOfKey.value(claim.keyId)];
        switch (key.effectiveStatus(now)) {
        case KeyStatus::Revoked:
            admission.verdict = Admission::Verdict::Revoked;
            continue;
        case KeyStatus::Expired:
            admission.verdict = Admission::Verdict::Expired;
            continue;
        case KeyStatus::Disabled:
            admission.verdict = Admission::Verdict::Disabled;
            continue;
        case KeyStatus::Active:
            break;
        }
        admission.amountMicros =
            prices.costMicros(claim.model, claim.promptTokens, claim.completionTokens);
        admission.refusal = SpendAllowance::checkRequests(key.spec, state->servedThisMonth,
                                                          state->reserved.requests, now);
        if (!admission.refusal)
            admission.refusal =
                SpendAllowance::check(key, state->reserved.micros, admission.amountMicros, now);
        if (admission.refusal) {
            admission.verdict = Admission::Verdict::Refused;
            continue;
        }
        admission.verdict = Admission::Verdict::Reserved;
        admission.reservationId =
            u"rsv_"_s + ApiKeyFormat::randomBase62(ReservationIdLength, m_database.rng());
        if (!insert)
            insert = session.prepare(
                u"INSERT INTO spend_reservations (id, key_id, holder, amount_micros, created_at, "
                "lease_until) VALUES (?, ?, ?, ?, ?, ?)"_s);
        insert->bindValue(0, admission.reservationId);
        insert->bindValue(1, key.id);
        insert->bindValue(2, claim.holder);
        insert->bindValue(3, admission.amountMicros);
        insert->bindValue(4, now);
        insert->bindValue(5, now + LeaseMs);
        session.run(*insert);
        state->reserved.micros += admission.amountMicros;
        ++state->reserved.requests;
    }
    return admissions;
}

QFuture<qint64> SqlSpendStore::settleSpend(const QList<Settlement>& settlements)
{
    return m_database.submit<qint64>([this, settlements] {
        QList<UsageEvent> events;
        events.reserve(settlements.size());
        for (const Settlement& settlement : settlements)
            events << settlement.event;
        events = SqlUsageStore::normalized(events);
        const SqlSession session = m_database.session();
        const qint64 inserted = session.write([&] {
            const qint64 count = m_usage.storeEvents(session, events);
            QSqlQuery release = session.prepare(u"DELETE FROM spend_reservations WHERE id = ?"_s);
            for (const Settlement& settlement : settlements) {
                if (settlement.reservationId.isEmpty())
                    continue;
                release.bindValue(0, settlement.reservationId);
                session.run(release);
            }
            return count;
        });
        if (inserted > 0)
            m_database.written(session);
        return inserted;
    });
}

QFuture<qint64> SqlSpendStore::change(const QString& sql, const QVariantList& values)
{
    return m_database.submit<qint64>([this, sql, values] {
        const SqlSession session = m_database.session();
        return session.write([&] {
            QSqlQuery query = session.prepare(sql);
            for (const QVariant& value : values)
                query.addBindValue(value);
            session.run(query);
            return qint64(query.numRowsAffected());
        });
    });
}

QFuture<qint64> SqlSpendStore::renewReservations(const QString& holder)
{
    return change(u"UPDATE spend_reservations SET lease_until = ? WHERE holder = ?"_s,
                  {m_database.clock().nowUtcMs() + LeaseMs, holder});
}

QFuture<qint64> SqlSpendStore::sweepReservations()
{
    return change(u"DELETE FROM spend_reservations WHERE lease_until <= ?"_s,
                  {m_database.clock().nowUtcMs()});
}

QFuture<qint64> SqlSpendStore::releaseReservations(const QString& holder)
{
    return change(u"DELETE FROM spend_reservations WHERE holder = ?"_s, {holder});
}

QFuture<qint64> SqlSpendStore::reservedMicros(const QString& keyId)
{
    return m_database.submit<qint64>([this, keyId] {
        const SqlSession session = m_database.session();
        return reservedFor(session, {keyId}, m_database.clock().nowUtcMs()).micros;
    });
}
