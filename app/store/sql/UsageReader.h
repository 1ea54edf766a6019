#pragma once

#include "UsageStore.h"

#include <QHash>

class SqlSession;

// SqliteStore's usage reads. Roll-up reads (totals, slots, groups) work at slot granularity:
// they count the slots with slot_ms >= slotStart(fromMs) and slot_ms < toMs, so a range that
// starts inside a 15-minute slot includes that whole slot. Log reads use the exact [fromMs, toMs)
// of the raw events. Each read uses the smallest roll-up that answers it: usage_slot_totals
// without key or model filters, usage_model_slots with only a model filter, usage_slots with a
// key filter, and usage_key_day for the whole UTC days of a by-key grouping or of a key's day
// series.
class UsageReader final
{
public:
    struct KeySpend
    {
        qint64 dayMicros = 0;
        qint64 weekMicros = 0;
        qint64 monthMicros = 0;
    };

    // Keeps a reference to the session: a temporary would dangle.

    UsageReader(const SqlSession&& session) = delete;

    explicit UsageReader(const SqlSession& session)
        : m_session(session)
    {}

    UsageTotals totals(const UsageQuery& query) const;
    QList<UsageSeries::Point> slotRows(const UsageQuery& query) const;
    // slotRows() of a query by key, without models, but with each whole UTC day as one row at its
    // midnight: what a day series folds in a zone whose days are UTC's, from a few rows a key a
    // day instead of one a slot.
    QList<UsageSeries::Point> keyDayRows(const UsageQuery& query) const;
    // Highest cost first, ties by group name.
    QList<UsageGroupRow> groups(const UsageQuery& query, UsageStore::Grouping grouping) const;
    // Sorted by the column, then by storage order in the same direction, so pages never overlap.
    // The key column sorts by key id.
    // Keyset paging: a cursor is "<row id>:<sort value>" of the row a page ended with.
    UsageStore::LogPage logs(const UsageQuery& query, UsageStore::LogColumn column,
                             Qt::SortOrder order, const QString& cursor, int limit) const;
    qint64 logCount(const UsageQuery& query) const;
    QStringList models() const;
    // Spend in the UTC day, the ISO week (from Monday 00:00 UTC) and the UTC month of nowMs, per
    // key id, in one query over usage_key_day. Keys without spend are absent. keyId empty: all.
    QHash<QString, KeySpend> keySpend(qint64 nowMs, const QStringList& keyIds = {}) const;
    // Subscription keys' cost since the start of their current billing cycle
    // (BillingCycle::cycleStart), per key id; cycles start at UTC midnights, so the UTC day
    // roll-ups answer it exactly. Keys without such cost are absent. keyId empty: all.
    QHash<QString, qint64> cycleUsage(qint64 nowMs, const QStringList& keyIds = {}) const;
    // One key's cost over the whole UTC days in [fromMs, toMs).
    qint64 keyCost(const QString& keyId, qint64 fromMs, qint64 toMs) const;
    // Tells usage writes apart: the newest published event and how many imports have published
    // (an import's events may all be older than the newest one).
    struct ChangeMark
    {
        qint64 lastEventId = 0;
        qint64 publishes = 0;
        friend bool operator==(const ChangeMark&, const ChangeMark&) = default;
    };
    ChangeMark changeMark() const;

private:
    // The condition an event meets once its import (if any) has published - events of an import
    // still running are not there for readers -, or empty when no import runs.
    QString unpublished() const;

    const SqlSession& m_session;
};
