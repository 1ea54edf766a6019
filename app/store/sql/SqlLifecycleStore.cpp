#include "SqlLifecycleStore.h"

#include "AlertEvaluator.h"
#include "BillingCycle.h"
#include "Clock.h"
#include "KeyLabel.h"
#include "SqlDatabase.h"
#include "SqlKeyRows.h"
#include "StoreError.h"
#include "UsageReader.h"
#include "UsdAmount.h"

#include <QDateTime>
#include <QDir>
#include <QSqlQuery>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace {

QString utcDate(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).date().toString(Qt::ISODate);
}

const QString AlertColumns =
    u"id, rule_id, key_id, message, raised_at, acknowledged_at, cleared_at, severity"_s;

} // namespace

SqlLifecycleStore::SqlLifecycleStore(SqlDatabase& database, QObject* parent)
    : LifecycleStore(parent)
    , m_database(database)
{
    connect(&m_database, &SqlDatabase::changed, this, [this](SqlChangeWatcher::Parts parts) {
        if (parts.testFlag(SqlChangeWatcher::Part::Alerts))
            Q_EMIT alertsChanged();
    });
}

QFuture<CreatedKey> SqlLifecycleStore::rotateKey(const QString& id)
{
    return rotate(id, false);
}

QFuture<CreatedKey> SqlLifecycleStore::rotateKeyPending(const QString& id)
{
    return rotate(id, true);
}

QFuture<QList<KeyEvent>> SqlLifecycleStore::keyEvents(const QString& keyId)
{
    return m_database.submit<QList<KeyEvent>>([this, keyId] {
        const SqlSession session = m_database.session();
        return SqlKeyRows(session, m_database).events(keyId);
    });
}

QFuture<CreatedKey> SqlLifecycleStore::rotate(const QString& id, bool pending)
{
    return m_database.submit<CreatedKey>([this, id, pending] {
        const SqlSession session = m_database.session();
        const SqlKeyRows keys(session, m_database);
        CreatedKey created = session.write([&] {
            keys.purgeAbandoned();
            const ApiKeyRecord old = keys.require(id);
            if (old.status == KeyStatus::Revoked) {
                throw StoreError(StoreError::Code::Final,
                                 u"Key \"%1\" is revoked; a revoked key cannot be rotated."_s.arg(
                                     old.spec.label));
            }
            if (!old.rotatedToId.isEmpty()) {
                const auto successor = keys.select(u"id"_s, old.rotatedToId);
                throw StoreError(
                    StoreError::Code::Conflict,
                    u"Key \"%1\" is already rotated to \"%2\"; revoke it once the new key is "
                    "deployed."_s.arg(old.spec.label,
                                      successor ? successor->spec.label : old.rotatedToId));
            }
            KeySpec spec = old.spec;
            spec.label = KeyLabel::nextVersion(old.spec.label);
            QSqlQuery taken = session.prepare(u"SELECT 1 FROM keys WHERE label = ?"_s);
            for (;;) {
                taken.bindValue(0, spec.label);
                session.run(taken);
                const bool isTaken = taken.next();
                taken.finish();
                if (!isTaken)
                    break;
                spec.label = KeyLabel::nextVersion(spec.label);
            }
            QString detail = u"rotated from %1"_s.arg(old.spec.label);
            // The replacement must be usable: an expiry already passed would make it dead on
            // arrival, so it gets none and the history says why.
            if (spec.expiresAtMs && *spec.expiresAtMs <= m_database.clock().nowUtcMs()) {
                spec.expiresAtMs.reset();
                detail += u"; the old key's expiry had passed, so this key has none"_s;
            }
            keys.validate(spec);
            CreatedKey key = keys.insert(spec, pending);
            QSqlQuery link = session.prepare(u"UPDATE keys SET rotated_from_id = ? WHERE id = ?"_s);
            link.addBindValue(old.id);
            link.addBindValue(key.record.id);
            session.run(link);
            key.record.rotatedFromId = old.id;
            // activateKey() links the old key and records the rotation.
            if (pending)
                return key;
            link = session.prepare(u"UPDATE keys SET rotated_to_id = ? WHERE id = ?"_s);
            link.addBindValue(key.record.id);
            link.addBindValue(old.id);
            session.run(link);
            keys.addEvent(old.id, KeyEvent::Kind::Rotated, u"rotated to %1"_s.arg(spec.label));
            keys.addEvent(key.record.id, KeyEvent::Kind::Rotated, detail);
            return key;
        });
        m_database.written(session);
        return created;
    });
}

QList<AlertRule> SqlLifecycleStore::readRules(const SqlSession& session) const
{
    QSqlQuery query =
        session.run(u"SELECT id, kind, threshold, key_id, enabled FROM alert_rules ORDER BY id"_s);
    QList<AlertRule> rules;
    while (query.next()) {
        AlertRule rule;
        rule.id = query.value(0).toLongLong();
        const auto kind = AlertRule::kindFromName(query.value(1).toString());
        if (!kind) {
            throw StoreError(StoreError::Code::Unavailable,
                             u"The key store %1 has an alert rule of an unknown kind \"%2\"."_s.arg(
                                 m_database.shownLocation(), query.value(1).toString()));
        }
        rule.kind = *kind;
        rule.threshold = query.value(2).toLongLong();
        rule.keyId = query.value(3).toString();
        rule.enabled = query.value(4).toBool();
        rules << rule;
    }
    return rules;
}

QList<Alert> SqlLifecycleStore::readAlerts(const SqlSession& session, const QString& where) const
{
    QSqlQuery query = session.run(
        u"SELECT %1 FROM alerts %2 ORDER BY raised_at DESC, id DESC"_s.arg(AlertColumns, where));
    QList<Alert> alerts;
    while (query.next()) {
        Alert alert;
        alert.id = query.value(0).toLongLong();
        alert.ruleId = query.value(1).toLongLong();
        alert.keyId = query.value(2).toString();
        alert.message = query.value(3).toString();
        alert.raisedAtMs = query.value(4).toLongLong();
        alert.acknowledgedAtMs = SqlSession::optionalAt(query, 5);
        alert.clearedAtMs = SqlSession::optionalAt(query, 6);
        alert.severity =
            Alert::severityFromName(query.value(7).toString()).value_or(Alert::Severity::Warning);
        alerts << alert;
    }
    return alerts;
}

QFuture<AlertRule> SqlLifecycleStore::saveAlertRule(const AlertRule& rule)
{
    return m_database.submit<AlertRule>([this, rule] {
        const SqlSession session = m_database.session();
        const SqlKeyRows keys(session, m_database);
        AlertRule saved = session.write([&] {
            FieldErrors errors;
            if (const QString problem = rule.validate(); !problem.isEmpty())
                errors << FieldError{u"threshold"_s, problem};
            if (!rule.keyId.isEmpty() && !keys.select(u"id"_s, rule.keyId)) {
                errors << FieldError{u"key"_s,
                                     u"there is no key with the id \"%1\""_s.arg(rule.keyId)};
            }
            if (!errors.isEmpty())
                throw StoreError(StoreError::Code::Invalid, u"The alert rule is not valid."_s,
                                 errors);
            QSqlQuery write = session.prepare(
                rule.id == 0 ? u"INSERT INTO alert_rules (kind, threshold, key_id, enabled) "
                               "VALUES (?, ?, ?, ?)"_s
                             : u"UPDATE alert_rules SET kind = ?, threshold = ?, key_id = ?, "
                               "enabled = ? WHERE id = ?"_s);
            write.addBindValue(AlertRule::kindName(rule.kind));
            write.addBindValue(rule.threshold);
            write.addBindValue(rule.keyId.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                                    : QVariant(rule.keyId));
            write.addBindValue(rule.enabled ? 1 : 0);
            if (rule.id != 0)
                write.addBindValue(rule.id);
            session.run(write);
            if (rule.id != 0 && write.numRowsAffected() == 0) {
                throw StoreError(StoreError::Code::NotFound,
                                 u"There is no alert rule %1 in this store."_s.arg(rule.id));
            }
            AlertRule result = rule;
            if (rule.id == 0)
                result.id = write.lastInsertId().toLongLong();
            return result;
        });
        m_database.written(session);
        return saved;
    });
}

QFuture<void> SqlLifecycleStore::deleteAlertRule(qint64 ruleId)
{
    return m_database.submit<void>([this, ruleId] {
        const SqlSession session = m_database.session();
        session.write([&] {
            QSqlQuery remove = session.prepare(u"DELETE FROM alert_rules WHERE id = ?"_s);
            remove.addBindValue(ruleId);
            session.run(remove);
            if (remove.numRowsAffected() == 0) {
                throw StoreError(StoreError::Code::NotFound,
                                 u"There is no alert rule %1 in this store."_s.arg(ruleId));
            }
            QSqlQuery clear = session.prepare(
                u"UPDATE alerts SET cleared_at = ? WHERE rule_id = ? AND cleared_at IS NULL"_s);
            clear.addBindValue(m_database.clock().nowUtcMs());
            clear.addBindValue(ruleId);
            session.run(clear);
        });
        m_database.written(session);
    });
}

// Nobody has to ask for an evaluation: what is read is evaluated first, so the alerts a reader
// sees are those the rules raise now (and a reader that changes nothing writes nothing).
QFuture<QList<Alert>> SqlLifecycleStore::alerts(bool includeCleared)
{
    return m_database.submit<QList<Alert>>([this, includeCleared] {
        const SqlSession session = m_database.session();
        evaluateIfStale(session);
        return readAlerts(session, includeCleared ? QString() : u"WHERE cleared_at IS NULL"_s);
    });
}

QFuture<Alert> SqlLifecycleStore::acknowledgeAlert(qint64 alertId)
{
    return m_database.submit<Alert>([this, alertId] {
        const SqlSession session = m_database.session();
        Alert alert = session.write([&] {
            // The first acknowledgement's time stays.
            QSqlQuery update = session.prepare(
                u"UPDATE alerts SET acknowledged_at = coalesce(acknowledged_at, ?) WHERE id = ?"_s);
            update.addBindValue(m_database.clock().nowUtcMs());
            update.addBindValue(alertId);
            session.run(update);
            const QList<Alert> found = readAlerts(session, u"WHERE id = %1"_s.arg(alertId));
            if (found.isEmpty()) {
                throw StoreError(StoreError::Code::NotFound,
                                 u"There is no alert %1 in this store."_s.arg(alertId));
            }
            return found.first();
        });
        m_database.written(session);
        return alert;
    });
}

namespace {

struct Cycle
{
    QString id;
    int billingDay = 1;
    std::optional<qint64> storedStartMs;
};

// Subscription keys whose current cycle start is not the one recorded.
QList<Cycle> cyclesToRecord(const SqlSession& session, qint64 nowMs)
{
    QList<Cycle> cycles;
    QSqlQuery query = session.run(u"SELECT id, billing_cycle_day, cycle_start_ms FROM keys "
                                  "WHERE type = 'subscription' AND status != 'revoked'"_s);
    while (query.next()) {
        Cycle cycle{query.value(0).toString(), query.value(1).toInt(),
                    SqlSession::optionalAt(query, 2)};
        const qint64 start = BillingCycle::cycleStart(cycle.billingDay, nowMs);
        if (!cycle.storedStartMs || *cycle.storedStartMs < start)
            cycles << cycle;
    }
    return cycles;
}

} // namespace

bool SqlLifecycleStore::cyclesDue(const SqlSession& session, qint64 nowMs) const
{
    return !cyclesToRecord(session, nowMs).isEmpty();
}

void SqlLifecycleStore::resetCycles(const SqlSession& session, qint64 nowMs) const
{
    const QList<Cycle> cycles = cyclesToRecord(session, nowMs);
    const UsageReader reader{session};
    const SqlKeyRows keys(session, m_database);
    QSqlQuery update = session.prepare(u"UPDATE keys SET cycle_start_ms = ? WHERE id = ?"_s);
    for (const Cycle& cycle : cycles) {
        const qint64 start = BillingCycle::cycleStart(cycle.billingDay, nowMs);
        // A cycle never recorded before is the first one seen: not a reset.
        if (cycle.storedStartMs) {
            const qint64 used = reader.keyCost(cycle.id, *cycle.storedStartMs, start);
            keys.addEvent(cycle.id, KeyEvent::Kind::QuotaReset,
                          u"cycle from %1: %2 used in the previous cycle"_s.arg(
                              utcDate(start), UsdAmount::display(used)));
        }
        update.addBindValue(start);
        update.addBindValue(cycle.id);
        session.run(update);
    }
}

QFuture<QList<Alert>> SqlLifecycleStore::evaluateAlerts()
{
    return m_database.submit<QList<Alert>>([this] { return evaluate(m_database.session()); });
}

void SqlLifecycleStore::evaluateIfStale(const SqlSession& session)
{
    constexpr qint64 MinuteMs = 60'000;
    const auto seen =
        std::pair(SqlChangeWatcher::read(session), m_database.clock().nowUtcMs() / MinuteMs);
    if (m_evaluated == seen)
        return;
    evaluate(session);
    m_evaluated = std::pair(SqlChangeWatcher::read(session), seen.second);
}

QList<Alert> SqlLifecycleStore::evaluate(const SqlSession& session) const
{
    const SqlKeyRows keys(session, m_database);
    const qint64 now = m_database.clock().nowUtcMs();
    const auto outcomeNow = [&] {
        return AlertEvaluator::evaluate(readRules(session), keys.all(),
                                        readAlerts(session, u"WHERE cleared_at IS NULL"_s), now);
    };
    // Most evaluations change nothing: they read in a snapshot and never take the write
    // lock, so they do not queue behind (or hold up) an import or another writer.
    const bool due = session.read([&] {
        const AlertEvaluator::Outcome outcome = outcomeNow();
        return cyclesDue(session, now) || !outcome.raised.isEmpty() ||
               !outcome.clearedIds.isEmpty() || !outcome.changed.isEmpty();
    });
    if (!due)
        return QList<Alert>();
    QList<Alert> raised = session.write([&] {
        resetCycles(session, now);
        AlertEvaluator::Outcome outcome = outcomeNow();
        QSqlQuery insert =
            session.prepare(u"INSERT INTO alerts (rule_id, key_id, message, raised_at, severity) "
                            "VALUES (?, ?, ?, ?, ?)"_s);
        for (Alert& alert : outcome.raised) {
            insert.addBindValue(alert.ruleId);
            insert.addBindValue(alert.keyId);
            insert.addBindValue(alert.message);
            insert.addBindValue(alert.raisedAtMs);
            insert.addBindValue(Alert::severityName(alert.severity));
            session.run(insert);
            alert.id = insert.lastInsertId().toLongLong();
        }
        QSqlQuery change = session.prepare(u"UPDATE alerts SET severity = ?, message = ?, "
                                           "acknowledged_at = ? WHERE id = ?"_s);
        QList<Alert> escalated;
        for (const Alert& alert : std::as_const(outcome.changed)) {
            change.addBindValue(Alert::severityName(alert.severity));
            change.addBindValue(alert.message);
            change.addBindValue(SqlSession::optionalValue(alert.acknowledgedAtMs));
            change.addBindValue(alert.id);
            session.run(change);
            if (outcome.escalatedIds.contains(alert.id))
                escalated << alert;
        }
        QSqlQuery clear = session.prepare(u"UPDATE alerts SET cleared_at = ? WHERE id = ?"_s);
        for (qint64 id : std::as_const(outcome.clearedIds)) {
            clear.addBindValue(now);
            clear.addBindValue(id);
            session.run(clear);
        }
        return outcome.raised + escalated;
    });
    m_database.written(session);
    return raised;
}

QFuture<QList<AlertRule>> SqlLifecycleStore::alertRules()
{
    return m_database.submit<QList<AlertRule>>([this] {
        const SqlSession session = m_database.session();
        return readRules(session);
    });
}
