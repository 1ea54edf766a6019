#include "SqlSpendStore.h"

#include "ApiKeyFormat.h"
#include "Clock.h"
#include "SqlDatabase.h"
#include "SqlKeyRows.h"
#include "SqlSession.h"
#include "SqlUsageStore.h"
#include "StoreError.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace {
constexpr int ReservationIdLength = 22;
} // namespace

SqlSpendStore::SqlSpendStore(SqlDatabase& database, const SqlUsageStore& usage, QObject* parent)
    : SpendStore(parent)
    , m_database(database)
    , m_usage(usage)
{}

qint64 SqlSpendStore::reservedFor(const SqlSession& session, const QString& keyId,
                                  qint64 nowMs) const
{
    QSqlQuery query = session.prepare(u"SELECT coalesce(sum(amount_micros), 0) FROM "
                                      "spend_reservations WHERE key_id = ? AND lease_until > ?"_s);
    query.addBindValue(keyId);
    query.addBindValue(nowMs);
    session.run(query);
    return query.next() ? query.value(0).toLongLong() : 0;
}

QFuture<SpendStore::Admission> SqlSpendStore::reserveSpend(const Claim& claim)
{
    return m_database.submit<Admission>([this, claim] {
        if (claim.promptTokens < 0 || claim.completionTokens < 0)
            throw StoreError(StoreError::Code::Invalid, u"A spend claim is not valid."_s,
                             {FieldError{u"tokens"_s, u"must not be negative"_s}});
        if (claim.holder.isEmpty())
            throw StoreError(StoreError::Code::Invalid, u"A spend claim is not valid."_s,
                             {FieldError{u"holder"_s, u"is required"_s}});
        const SqlSession session = m_database.session();
        return session.write([&] {
            const qint64 now = m_database.clock().nowUtcMs();
            Admission admission;
            const std::optional<ApiKeyRecord> key =
                SqlKeyRows(session, m_database).select(u"id"_s, claim.keyId);
            if (!key)
                return admission;
            switch (key->effectiveStatus(now)) {
            case KeyStatus::Revoked:
                admission.verdict = Admission::Verdict::Revoked;
                return admission;
            case KeyStatus::Expired:
                admission.verdict = Admission::Verdict::Expired;
                return admission;
            case KeyStatus::Disabled:
                admission.verdict = Admission::Verdict::Disabled;
                return admission;
            case KeyStatus::Active:
                break;
            }
            admission.amountMicros = m_usage.readPrices(session).costMicros(
                claim.model, claim.promptTokens, claim.completionTokens);
            admission.refusal = SpendAllowance::check(*key, reservedFor(session, key->id, now),
                                                      admission.amountMicros, now);
            if (admission.refusal) {
                admission.verdict = Admission::Verdict::Refused;
                return admission;
            }
            admission.verdict = Admission::Verdict::Reserved;
            admission.reservationId =
                u"rsv_"_s + ApiKeyFormat::randomBase62(ReservationIdLength, m_database.rng());
            QSqlQuery insert = session.prepare(
                u"INSERT INTO spend_reservations (id, key_id, holder, amount_micros, created_at, "
                "lease_until) VALUES (?, ?, ?, ?, ?, ?)"_s);
            for (const QVariant& value :
                 QVariantList{admission.reservationId, key->id, claim.holder,
                              admission.amountMicros, now, now + LeaseMs})
                insert.addBindValue(value);
            session.run(insert);
            return admission;
        });
    });
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
        return reservedFor(session, keyId, m_database.clock().nowUtcMs());
    });
}
