#include "UsageRollup.h"

#include "SqliteSession.h"
#include "UsageSeries.h"

using namespace Qt::StringLiterals;

namespace {
// Every roll-up table ends with these sums, in this order.
const QStringList SumColumns = {u"requests"_s,          u"errors"_s,      u"prompt_tokens"_s,
                                u"completion_tokens"_s, u"cost_micros"_s, u"latency_ms_sum"_s};

QString upsertSql(const QString& table, const QStringList& keyColumns)
{
    const QStringList columns = keyColumns + SumColumns;
    QStringList increments;
    for (const QString& sum : SumColumns)
        increments << u"%1 = %1 + excluded.%1"_s.arg(sum);
    return u"INSERT INTO %1 (%2) VALUES (%3) ON CONFLICT (%4) DO UPDATE SET %5"_s.arg(
        table, columns.join(u", "), QStringList(columns.size(), u"?"_s).join(u", "),
        keyColumns.join(u", "), increments.join(u", "));
}

qint64 floorTo(qint64 timeMs, qint64 unitMs)
{
    const qint64 q = timeMs / unitMs;
    return (q - (timeMs % unitMs < 0 ? 1 : 0)) * unitMs;
}
} // namespace

UsageRollup::UsageRollup(const SqliteSession& session)
    : m_session(session)
    , m_slotUpsert(session.prepare(
          upsertSql(u"usage_slots"_s, {u"slot_ms"_s, u"key_id"_s, u"model"_s, u"status_class"_s})))
    , m_modelSlotUpsert(session.prepare(
          upsertSql(u"usage_model_slots"_s, {u"model"_s, u"slot_ms"_s, u"status_class"_s})))
    , m_totalsUpsert(
          session.prepare(upsertSql(u"usage_slot_totals"_s, {u"slot_ms"_s, u"status_class"_s})))
    , m_keyDayUpsert(session.prepare(
          upsertSql(u"usage_key_day"_s, {u"key_id"_s, u"day_ms"_s, u"status_class"_s})))
    , m_keyUpdate(session.prepare(
          u"UPDATE keys SET last_used_at = CASE WHEN last_used_at IS NULL OR last_used_at < ? "
          "THEN ? ELSE last_used_at END, quota_used_micros = quota_used_micros + ? WHERE id = ?"_s))
{}

void UsageRollup::add(const UsageEvent& event)
{
    const qint64 slot = UsageSeries::slotStart(event.timeMs);
    const int statusClass = event.status / 100;
    m_slots[{slot, event.key, event.model, statusClass}].add(event);
    m_modelSlots[{event.model, slot, statusClass}].add(event);
    m_totals[{slot, statusClass}].add(event);
    m_keyDays[{event.key, floorTo(event.timeMs, DayMs), statusClass}].add(event);
    const auto use = m_keys.find(event.key);
    if (use == m_keys.end()) {
        m_keys.insert(event.key, {event.timeMs, event.costMicros.value_or(0)});
    } else {
        use->lastUsedMs = qMax(use->lastUsedMs, event.timeMs);
        use->costMicros += event.costMicros.value_or(0);
    }
}

void UsageRollup::write(QSqlQuery& upsert, const QVariantList& key, const UsageTotals& totals)
{
    int position = 0;
    for (const QVariant& value : key)
        upsert.bindValue(position++, value);
    for (qint64 sum : {totals.requests, totals.errors, totals.promptTokens, totals.completionTokens,
                       totals.costMicros, totals.latencyMsSum})
        upsert.bindValue(position++, sum);
    m_session.run(upsert);
}

void UsageRollup::flush()
{
    for (auto it = m_slots.cbegin(); it != m_slots.cend(); ++it) {
        const SlotKey& k = it.key();
        write(m_slotUpsert, {k.slotMs, k.keyId, k.model, k.statusClass}, it.value());
    }
    for (auto it = m_modelSlots.cbegin(); it != m_modelSlots.cend(); ++it) {
        const ModelSlotKey& k = it.key();
        write(m_modelSlotUpsert, {k.model, k.slotMs, k.statusClass}, it.value());
    }
    for (auto it = m_totals.cbegin(); it != m_totals.cend(); ++it)
        write(m_totalsUpsert, {it.key().slotMs, it.key().statusClass}, it.value());
    for (auto it = m_keyDays.cbegin(); it != m_keyDays.cend(); ++it) {
        const KeyDayKey& k = it.key();
        write(m_keyDayUpsert, {k.keyId, k.dayMs, k.statusClass}, it.value());
    }
    for (auto it = m_keys.cbegin(); it != m_keys.cend(); ++it) {
        m_keyUpdate.bindValue(0, it->lastUsedMs);
        m_keyUpdate.bindValue(1, it->lastUsedMs);
        m_keyUpdate.bindValue(2, it->costMicros);
        m_keyUpdate.bindValue(3, it.key());
        m_session.run(m_keyUpdate);
    }
    m_slots.clear();
    m_modelSlots.clear();
    m_totals.clear();
    m_keyDays.clear();
    m_keys.clear();
}
