#pragma once

#include "SqlBatchStatement.h"
#include "UsageTotals.h"

#include <QHash>
#include <optional>

class SqlSession;

// Roll-up deltas of stored events, held in memory and written with UPSERTs inside the writer's
// transaction: usage_slots (key x model x 15-minute slot x status class), usage_model_slots,
// usage_slot_totals, usage_key_day (spend windows), and each key's last_used_at and
// quota_used_micros. Memory is bounded by how often the owner flushes, not by the event count.
// An import flushes into TEMP tables of the same shape instead (Target::Staging), which only
// publishStaged() adds to the store's roll-ups: until then readers see none of it.
class UsageRollup final
{
public:
    static constexpr qint64 DayMs = 86'400'000;

    enum class Target
    {
        Store,
        Staging
    };

    // Keeps a reference to the session: a temporary would dangle.

    UsageRollup(const SqlSession&& session, Target target) = delete;

    UsageRollup(const SqlSession& session, Target target);

    // Adds what Target::Staging flushed to the store's roll-ups and empties the staging tables.
    static void publishStaged(const SqlSession& session);
    static void dropStaged(const SqlSession& session);

    // event.key is a key id and event.costMicros is set.
    void add(const UsageEvent& event);
    void flush();

private:
    struct SlotKey
    {
        qint64 slotMs;
        QString keyId;
        QString model;
        int statusClass;
        friend bool operator==(const SlotKey&, const SlotKey&) = default;
        friend size_t qHash(const SlotKey& k, size_t seed = 0)
        {
            return qHashMulti(seed, k.slotMs, k.keyId, k.model, k.statusClass);
        }
    };
    struct ModelSlotKey
    {
        QString model;
        qint64 slotMs;
        int statusClass;
        friend bool operator==(const ModelSlotKey&, const ModelSlotKey&) = default;
        friend size_t qHash(const ModelSlotKey& k, size_t seed = 0)
        {
            return qHashMulti(seed, k.model, k.slotMs, k.statusClass);
        }
    };
    struct TotalsKey
    {
        qint64 slotMs;
        int statusClass;
        friend bool operator==(const TotalsKey&, const TotalsKey&) = default;
        friend size_t qHash(const TotalsKey& k, size_t seed = 0)
        {
            return qHashMulti(seed, k.slotMs, k.statusClass);
        }
    };
    struct KeyDayKey
    {
        QString keyId;
        qint64 dayMs;
        int statusClass;
        friend bool operator==(const KeyDayKey&, const KeyDayKey&) = default;
        friend size_t qHash(const KeyDayKey& k, size_t seed = 0)
        {
            return qHashMulti(seed, k.keyId, k.dayMs, k.statusClass);
        }
    };
    struct KeyUse
    {
        qint64 lastUsedMs = 0;
        qint64 costMicros = 0;
    };

    // Binds the sums after the key columns the caller bound (first: the first sum's position)
    // and runs the upsert.
    static void write(SqlBatchStatement& upsert, int first, const UsageTotals& totals);

    Target m_target;
    std::optional<SqlBatchStatement> m_slotUpsert;
    std::optional<SqlBatchStatement> m_modelSlotUpsert;
    std::optional<SqlBatchStatement> m_totalsUpsert;
    std::optional<SqlBatchStatement> m_keyDayUpsert;
    std::optional<SqlBatchStatement> m_keyUpdate;
    QHash<SlotKey, UsageTotals> m_slots;
    QHash<ModelSlotKey, UsageTotals> m_modelSlots;
    QHash<TotalsKey, UsageTotals> m_totals;
    QHash<KeyDayKey, UsageTotals> m_keyDays;
    QHash<QString, KeyUse> m_keys;
};
