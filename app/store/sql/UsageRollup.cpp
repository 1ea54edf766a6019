#include "UsageRollup.h"

#include "SqlSession.h"
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
        increments << u"%1 = rollup.%1 + excluded.%1"_s.arg(sum);
    return u"INSERT INTO %1 AS rollup (%2) VALUES (%3) ON CONFLICT (%4) DO UPDATE SET %5"_s.arg(
        table, columns.join(u", "), QStringList(columns.size(), u"?"_s).join(u", "),
        keyColumns.join(u", "), increments.join(u", "));
}

void dropAllStaged(const SqlSession& session)
{
    for (const QString& table :
         {u"staged_usage_slots"_s, u"staged_usage_model_slots"_s, u"staged_usage_slot_totals"_s,
          u"staged_usage_key_day"_s, u"staged_key_use"_s})
        session.run(u"DROP TABLE IF EXISTS %1"_s.arg(session.tempTable(table)));
}

qint64 floorTo(qint64 timeMs, qint64 unitMs)
{
    const qint64 q = timeMs / unitMs;
    return (q - (timeMs % unitMs < 0 ? 1 : 0)) * unitMs;
}
} // namespace

namespace {
struct Table
{
    QString name;
    QStringList keyColumns;
};

const QList<Table>& rollupTables()
{
    static const QList<Table> tables{
        {u"usage_slots"_s, {u"slot_ms"_s, u"key_id"_s, u"model"_s, u"status_class"_s}},
        {u"usage_model_slots"_s, {u"model"_s, u"slot_ms"_s, u"status_class"_s}},
        {u"usage_slot_totals"_s, {u"slot_ms"_s, u"status_class"_s}},
        {u"usage_key_day"_s, {u"key_id"_s, u"day_ms"_s, u"status_class"_s}},
    };
    return tables;
}

QString staged(const SqlSession& session, const QString& table)
{
    return session.tempTable(u"staged_"_s + table);
}

// The staging tables mirror the store's; key uses sum up per key.
void createStaged(const SqlSession& session)
{
    dropAllStaged(session);
    const bool sqlite = session.dialect() == SqlDialect::Sqlite;
    for (const Table& table : rollupTables()) {
        QStringList sums;
        // PostgreSQL's INTEGER has 32 bits; SQLite's has 64.
        for (const QString& sum : SumColumns)
            sums << sum + (sqlite ? u" INTEGER NOT NULL"_s : u" BIGINT NOT NULL"_s);
        // SQLite takes key columns without a type; PostgreSQL needs theirs.
        QStringList keys;
        for (const QString& column : table.keyColumns) {
            const bool integer = column.endsWith(u"_ms"_s) || column == u"status_class"_s;
            keys << (sqlite    ? column
                     : integer ? column + u" BIGINT"_s
                               : column + u" TEXT COLLATE \"C\""_s);
        }
        session.run(u"CREATE TEMP TABLE staged_%1 (%2, %3, PRIMARY KEY (%4))%5"_s.arg(
            table.name, keys.join(u", "), sums.join(u", "), table.keyColumns.join(u", "),
            sqlite ? u" WITHOUT ROWID"_s : QString()));
    }
    session.run(u"CREATE TEMP TABLE staged_key_use (key_id TEXT PRIMARY KEY NOT NULL, "
                "last_used_ms BIGINT NOT NULL, cost_micros BIGINT NOT NULL)"_s);
}
} // namespace

UsageRollup::UsageRollup(const SqlSession& session, Target target)
    : m_target(target)
{
    const auto table = [target, &session](const QString& name) {
        return target == Target::Staging ? staged(session, name) : name;
    };
    if (target == Target::Staging)
        createStaged(session);
    const QList<Table>& tables = rollupTables();
    m_slotUpsert.emplace(session, upsertSql(table(tables[0].name), tables[0].keyColumns));
    m_modelSlotUpsert.emplace(session, upsertSql(table(tables[1].name), tables[1].keyColumns));
    m_totalsUpsert.emplace(session, upsertSql(table(tables[2].name), tables[2].keyColumns));
    m_keyDayUpsert.emplace(session, upsertSql(table(tables[3].name), tables[3].keyColumns));
    m_keyUpdate.emplace(
        session,
        target == Target::Staging
            ? u"INSERT INTO %1 AS used (last_used_ms, cost_micros, key_id) VALUES (?, ?, ?) ON "
              "CONFLICT (key_id) DO UPDATE SET last_used_ms = %2(used.last_used_ms, "
              "excluded.last_used_ms), cost_micros = used.cost_micros + excluded.cost_micros"_s.arg(
                  session.tempTable(u"staged_key_use"_s), session.greatest())
            : u"UPDATE keys SET last_used_at = %1(coalesce(last_used_at, ?), ?), "
              "quota_used_micros = quota_used_micros + ? WHERE id = ?"_s.arg(session.greatest()));
}

void UsageRollup::publishStaged(const SqlSession& session)
{
    QStringList increments;
    for (const QString& sum : SumColumns)
        increments << u"%1 = rollup.%1 + excluded.%1"_s.arg(sum);
    for (const Table& table : rollupTables()) {
        const QStringList columns = table.keyColumns + SumColumns;
        // "WHERE true": SQLite's parser needs it to tell the upsert from a join.
        session.run(u"INSERT INTO %1 AS rollup (%2) SELECT %2 FROM %3 WHERE true ON CONFLICT "
                    "(%4) DO UPDATE SET %5"_s.arg(session.storeTable(table.name),
                                                  columns.join(u", "), staged(session, table.name),
                                                  table.keyColumns.join(u", "),
                                                  increments.join(u", ")));
    }
    session.run(u"UPDATE %1 SET last_used_at = %2(coalesce(last_used_at, used.last_used_ms), "
                "used.last_used_ms), quota_used_micros = quota_used_micros + used.cost_micros "
                "FROM %3 AS used WHERE keys.id = used.key_id"_s.arg(
                    session.storeTable(u"keys"_s), session.greatest(),
                    session.tempTable(u"staged_key_use"_s)));
    dropStaged(session);
}

void UsageRollup::dropStaged(const SqlSession& session)
{
    dropAllStaged(session);
}

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

void UsageRollup::write(SqlBatchStatement& upsert, int first, const UsageTotals& totals)
{
    int position = first;
    for (qint64 sum : {totals.requests, totals.errors, totals.promptTokens, totals.completionTokens,
                       totals.costMicros, totals.latencyMsSum})
        upsert.bind(position++, sum);
    upsert.run();
}

void UsageRollup::flush()
{
    for (auto it = m_slots.cbegin(); it != m_slots.cend(); ++it) {
        const SlotKey& k = it.key();
        m_slotUpsert->bind(0, k.slotMs);
        m_slotUpsert->bind(1, k.keyId);
        m_slotUpsert->bind(2, k.model);
        m_slotUpsert->bind(3, k.statusClass);
        write(*m_slotUpsert, 4, it.value());
    }
    for (auto it = m_modelSlots.cbegin(); it != m_modelSlots.cend(); ++it) {
        const ModelSlotKey& k = it.key();
        m_modelSlotUpsert->bind(0, k.model);
        m_modelSlotUpsert->bind(1, k.slotMs);
        m_modelSlotUpsert->bind(2, k.statusClass);
        write(*m_modelSlotUpsert, 3, it.value());
    }
    for (auto it = m_totals.cbegin(); it != m_totals.cend(); ++it) {
        m_totalsUpsert->bind(0, it.key().slotMs);
        m_totalsUpsert->bind(1, it.key().statusClass);
        write(*m_totalsUpsert, 2, it.value());
    }
    for (auto it = m_keyDays.cbegin(); it != m_keyDays.cend(); ++it) {
        const KeyDayKey& k = it.key();
        m_keyDayUpsert->bind(0, k.keyId);
        m_keyDayUpsert->bind(1, k.dayMs);
        m_keyDayUpsert->bind(2, k.statusClass);
        write(*m_keyDayUpsert, 3, it.value());
    }
    for (auto it = m_keys.cbegin(); it != m_keys.cend(); ++it) {
        int position = 0;
        m_keyUpdate->bind(position++, it->lastUsedMs);
        if (m_target == Target::Store)
            m_keyUpdate->bind(position++, it->lastUsedMs);
        m_keyUpdate->bind(position++, it->costMicros);
        m_keyUpdate->bind(position, it.key());
        m_keyUpdate->run();
    }
    m_slots.clear();
    m_modelSlots.clear();
    m_totals.clear();
    m_keyDays.clear();
    m_keys.clear();
}
