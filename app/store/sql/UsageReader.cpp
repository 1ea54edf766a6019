#include "UsageReader.h"

#include "BillingCycle.h"
#include "SpendWindows.h"
#include "SqlSession.h"
#include "StoreError.h"
#include "UsageRollup.h"

using namespace Qt::StringLiterals;

namespace {
// The sums every roll-up table carries, aggregated; read back by totalsAt().
const QString SumSelect =
    u"coalesce(sum(requests), 0), coalesce(sum(errors), 0), coalesce(sum(prompt_tokens), 0), "
    "coalesce(sum(completion_tokens), 0), coalesce(sum(cost_micros), 0), "
    "coalesce(sum(latency_ms_sum), 0)"_s;
const QString SumColumns =
    u"requests, errors, prompt_tokens, completion_tokens, cost_micros, latency_ms_sum"_s;
const QString EventColumns =
    u"time_ms, key_id, model, endpoint, status, prompt_tokens, completion_tokens, cost_micros, "
    "latency_ms, client_ip, request_id"_s;

// WHERE conditions with their values, bound positionally in the order they were added.
struct Where
{
    QStringList conditions;
    QVariantList values;

    Where& add(const QString& condition, const QVariantList& bound)
    {
        conditions << condition;
        values += bound;
        return *this;
    }
    Where& in(const QString& column, const QStringList& items)
    {
        if (items.isEmpty())
            return *this;
        conditions << u"%1 IN (%2)"_s.arg(column, QStringList(items.size(), u"?"_s).join(u','));
        for (const QString& item : items)
            values << item;
        return *this;
    }
    QString sql() const
    {
        return conditions.isEmpty() ? QString() : u" WHERE "_s + conditions.join(u" AND "_s);
    }
};

void bindAll(QSqlQuery& query, const QVariantList& values)
{
    for (qsizetype i = 0; i < values.size(); ++i)
        query.bindValue(int(i), values[i]);
}

UsageTotals totalsAt(const QSqlQuery& query, int first)
{
    UsageTotals totals;
    totals.requests = query.value(first).toLongLong();
    totals.errors = query.value(first + 1).toLongLong();
    totals.promptTokens = query.value(first + 2).toLongLong();
    totals.completionTokens = query.value(first + 3).toLongLong();
    totals.costMicros = query.value(first + 4).toLongLong();
    totals.latencyMsSum = query.value(first + 5).toLongLong();
    return totals;
}

qint64 floorTo(qint64 timeMs, qint64 unitMs)
{
    const qint64 q = timeMs / unitMs;
    return (q - (timeMs % unitMs < 0 ? 1 : 0)) * unitMs;
}

// Roll-up rows in [fromMs, toMs) of timeColumn, with the query's status class, key and model
// filters (the caller picks a table that has the filtered columns).
Where rollupWhere(const UsageQuery& query, const QString& timeColumn, qint64 fromMs, qint64 toMs)
{
    Where where;
    where.add(timeColumn + u" >= ?"_s, {fromMs}).add(timeColumn + u" < ?"_s, {toMs});
    if (query.statusClass != UsageQuery::StatusClass::All) {
        const auto [low, high] = UsageQuery::statusRange(query.statusClass);
        where.add(u"status_class BETWEEN ? AND ?"_s, {low / 100, high / 100});
    }
    where.in(u"key_id"_s, query.keyIds).in(u"model"_s, query.models);
    return where;
}

QString rollupTable(const UsageQuery& query)
{
    if (!query.keyIds.isEmpty())
        return u"usage_slots"_s;
    if (!query.models.isEmpty())
        return u"usage_model_slots"_s;
    return u"usage_slot_totals"_s;
}

// hidden: the condition that leaves out events of running imports, empty when none runs (the
// usual case, where the time index alone answers).
Where eventWhere(const UsageQuery& query, const QString& hidden)
{
    Where where;
    if (!hidden.isEmpty())
        where.add(hidden, {});
    where.add(u"time_ms >= ?"_s, {query.fromMs}).add(u"time_ms < ?"_s, {query.toMs});
    if (query.statusClass != UsageQuery::StatusClass::All) {
        const auto [low, high] = UsageQuery::statusRange(query.statusClass);
        where.add(u"status BETWEEN ? AND ?"_s, {low, high});
    }
    where.in(u"key_id"_s, query.keyIds).in(u"model"_s, query.models);
    return where;
}

// A range of one roll-up table: [fromMs, toMs) of its timeColumn.
struct RollupPart
{
    QString table;
    QString timeColumn;
    qint64 fromMs;
    qint64 toMs;
};

// Slots [fromSlot, toMs) by key: the whole UTC days from the per-day roll-up, the partial days at
// either end from slots.
QList<RollupPart> keyDayParts(qint64 fromSlot, qint64 toMs)
{
    const qint64 firstDay = -floorTo(-fromSlot, UsageRollup::DayMs);
    const qint64 endDay = floorTo(toMs, UsageRollup::DayMs);
    if (firstDay >= endDay)
        return {{u"usage_slots"_s, u"slot_ms"_s, fromSlot, toMs}};
    return {{u"usage_key_day"_s, u"day_ms"_s, firstDay, endDay},
            {u"usage_slots"_s, u"slot_ms"_s, fromSlot, firstDay},
            {u"usage_slots"_s, u"slot_ms"_s, endDay, toMs}};
}

// The parts' rows as one UNION ALL of (grp, sums...) with the query's filters, and the values
// to bind; grp is group, or each part's time column when group is empty.
std::pair<QString, QVariantList> unionOf(const QList<RollupPart>& parts, const UsageQuery& query,
                                         const QString& group)
{
    QStringList selects;
    QVariantList values;
    for (const RollupPart& part : parts) {
        const Where where = rollupWhere(query, part.timeColumn, part.fromMs, part.toMs);
        selects << u"SELECT %1 AS grp, %2 FROM %3%4"_s.arg(
            group.isEmpty() ? part.timeColumn : group, SumColumns, part.table, where.sql());
        values += where.values;
    }
    return {selects.join(u" UNION ALL "_s), values};
}

QString logColumn(UsageStore::LogColumn column)
{
    switch (column) {
    case UsageStore::LogColumn::Time:
        return u"time_ms"_s;
    case UsageStore::LogColumn::Key:
        return u"key_id"_s;
    case UsageStore::LogColumn::Model:
        return u"model"_s;
    case UsageStore::LogColumn::Endpoint:
        return u"endpoint"_s;
    case UsageStore::LogColumn::Status:
        return u"status"_s;
    case UsageStore::LogColumn::PromptTokens:
        return u"prompt_tokens"_s;
    case UsageStore::LogColumn::CompletionTokens:
        return u"completion_tokens"_s;
    case UsageStore::LogColumn::Cost:
        return u"cost_micros"_s;
    case UsageStore::LogColumn::Latency:
        return u"latency_ms"_s;
    }
    return u"time_ms"_s;
}
} // namespace

UsageTotals UsageReader::totals(const UsageQuery& query) const
{
    if (query.toMs <= query.fromMs)
        return {};
    const Where where =
        rollupWhere(query, u"slot_ms"_s, UsageSeries::slotStart(query.fromMs), query.toMs);
    QSqlQuery sql =
        m_session.prepare(u"SELECT %1 FROM %2%3"_s.arg(SumSelect, rollupTable(query), where.sql()));
    bindAll(sql, where.values);
    m_session.run(sql);
    return sql.next() ? totalsAt(sql, 0) : UsageTotals();
}

QList<UsageSeries::Point> UsageReader::slotRows(const UsageQuery& query) const
{
    QList<UsageSeries::Point> points;
    if (query.toMs <= query.fromMs)
        return points;
    const Where where =
        rollupWhere(query, u"slot_ms"_s, UsageSeries::slotStart(query.fromMs), query.toMs);
    QSqlQuery sql =
        m_session.prepare(u"SELECT slot_ms, %1 FROM %2%3 GROUP BY slot_ms ORDER BY slot_ms"_s.arg(
            SumSelect, rollupTable(query), where.sql()));
    bindAll(sql, where.values);
    m_session.run(sql);
    while (sql.next())
        points << UsageSeries::Point{sql.value(0).toLongLong(), totalsAt(sql, 1)};
    return points;
}

QList<UsageSeries::Point> UsageReader::keyDayRows(const UsageQuery& query) const
{
    QList<UsageSeries::Point> points;
    if (query.toMs <= query.fromMs)
        return points;
    const auto [rowsSql, values] =
        unionOf(keyDayParts(UsageSeries::slotStart(query.fromMs), query.toMs), query, {});
    QSqlQuery sql = m_session.prepare(
        u"SELECT grp, %1 FROM (%2) AS grouped GROUP BY grp ORDER BY grp"_s.arg(SumSelect, rowsSql));
    bindAll(sql, values);
    m_session.run(sql);
    while (sql.next())
        points << UsageSeries::Point{sql.value(0).toLongLong(), totalsAt(sql, 1)};
    return points;
}

QList<UsageGroupRow> UsageReader::groups(const UsageQuery& query,
                                         UsageStore::Grouping grouping) const
{
    QList<UsageGroupRow> rows;
    if (query.toMs <= query.fromMs)
        return rows;
    const bool byKey = grouping == UsageStore::Grouping::Key;
    const QString group = byKey ? u"key_id"_s : u"model"_s;
    const qint64 from = UsageSeries::slotStart(query.fromMs);
    const qint64 to = query.toMs;

    QList<RollupPart> parts;
    if (byKey && query.models.isEmpty()) {
        parts = keyDayParts(from, to);
    } else {
        const bool needsKeys = byKey || !query.keyIds.isEmpty();
        parts << RollupPart{needsKeys ? u"usage_slots"_s : u"usage_model_slots"_s, u"slot_ms"_s,
                            from, to};
    }

    const auto [rowsSql, values] = unionOf(parts, query, group);
    // Column 6 is the cost sum.
    QSqlQuery sql = m_session.prepare(
        u"SELECT grp, %1 FROM (%2) AS grouped GROUP BY grp ORDER BY 6 DESC, grp"_s.arg(SumSelect,
                                                                                       rowsSql));
    bindAll(sql, values);
    m_session.run(sql);
    while (sql.next())
        rows << UsageGroupRow{sql.value(0).toString(), 0, totalsAt(sql, 1)};
    return rows;
}

UsageStore::LogPage UsageReader::logs(const UsageQuery& query, UsageStore::LogColumn column,
                                      Qt::SortOrder order, const QString& cursor, int limit) const
{
    UsageStore::LogPage page;
    if (query.toMs <= query.fromMs || limit <= 0)
        return page;
    const bool textColumn = column == UsageStore::LogColumn::Key ||
                            column == UsageStore::LogColumn::Model ||
                            column == UsageStore::LogColumn::Endpoint;
    Where where = eventWhere(query, unpublished());
    const QString sortColumn = logColumn(column);
    const bool ascending = order == Qt::AscendingOrder;
    if (!cursor.isEmpty()) {
        const qsizetype colon = cursor.indexOf(u':');
        bool idOk = false;
        bool valueOk = textColumn;
        const qint64 afterId = colon > 0 ? cursor.left(colon).toLongLong(&idOk) : 0;
        const QString valueText = cursor.mid(colon + 1);
        QVariant afterValue = valueText;
        if (!textColumn)
            afterValue = valueText.toLongLong(&valueOk);
        if (!idOk || !valueOk) {
            throw StoreError(StoreError::Code::Invalid, u"That page of the log does not exist."_s,
                             {FieldError{u"cursor"_s, u"is not one this store gave"_s}});
        }
        // Row values compare column by column: the sort value, then storage order.
        where.add(u"(%1, id) %2 (?, ?)"_s.arg(sortColumn, ascending ? u">"_s : u"<"_s),
                  {afterValue, afterId});
    }
    const QString direction = ascending ? u"ASC"_s : u"DESC"_s;
    QSqlQuery sql = m_session.prepare(
        u"SELECT %1, id, %2 FROM usage_events%3 ORDER BY %2 %4, id %4 LIMIT ?"_s.arg(
            EventColumns, sortColumn, where.sql(), direction));
    bindAll(sql, where.values + QVariantList{limit});
    m_session.run(sql);
    QList<UsageEvent>& events = page.events;
    events.reserve(limit);
    qint64 lastId = 0;
    QString lastValue;
    while (sql.next()) {
        UsageEvent event;
        event.timeMs = sql.value(0).toLongLong();
        event.key = sql.value(1).toString();
        event.model = sql.value(2).toString();
        event.endpoint = sql.value(3).toString();
        event.status = sql.value(4).toInt();
        event.promptTokens = sql.value(5).toLongLong();
        event.completionTokens = sql.value(6).toLongLong();
        event.costMicros = sql.value(7).toLongLong();
        event.latencyMs = sql.value(8).toLongLong();
        event.clientIp = sql.value(9).toString();
        event.requestId = sql.value(10).toString();
        lastId = sql.value(11).toLongLong();
        lastValue = sql.value(12).toString();
        events << event;
    }
    if (events.size() == limit)
        page.nextCursor = QString::number(lastId) + u':' + lastValue;
    return page;
}

qint64 UsageReader::logCount(const UsageQuery& query) const
{
    if (query.toMs <= query.fromMs)
        return 0;
    const Where where = eventWhere(query, unpublished());
    QSqlQuery sql = m_session.prepare(u"SELECT count(*) FROM usage_events"_s + where.sql());
    bindAll(sql, where.values);
    m_session.run(sql);
    return sql.next() ? sql.value(0).toLongLong() : 0;
}

QStringList UsageReader::models() const
{
    // One index seek per distinct model instead of a scan of every roll-up row.
    QSqlQuery sql = m_session.run(
        u"WITH RECURSIVE m(model) AS (SELECT min(model) FROM usage_model_slots UNION ALL "
        "SELECT (SELECT min(model) FROM usage_model_slots WHERE model > m.model) FROM m "
        "WHERE m.model IS NOT NULL) SELECT model FROM m WHERE model IS NOT NULL"_s);
    QStringList models;
    while (sql.next())
        models << sql.value(0).toString();
    return models;
}

QHash<QString, UsageReader::KeySpend> UsageReader::keySpend(qint64 nowMs,
                                                            const QStringList& keyIds) const
{
    const SpendWindows w = SpendWindows::at(nowMs);
    const qint64 dayFrom = w.dayFromMs, dayTo = w.dayToMs;
    const qint64 weekFrom = w.weekFromMs, weekTo = w.weekToMs;
    const qint64 monthFrom = w.monthFromMs, monthTo = w.monthToMs;

    Where where;
    where.add(u"day_ms >= ?"_s, {qMin(weekFrom, monthFrom)})
        .add(u"day_ms < ?"_s, {qMax(weekTo, monthTo)});
    where.in(u"key_id"_s, keyIds);
    const QString window =
        u"coalesce(sum(CASE WHEN day_ms >= ? AND day_ms < ? THEN cost_micros END), 0)"_s;
    QSqlQuery sql =
        m_session.prepare(u"SELECT key_id, %1, %1, %1 FROM usage_key_day%2 GROUP BY key_id"_s.arg(
            window, where.sql()));
    bindAll(sql, QVariantList{dayFrom, dayTo, weekFrom, weekTo, monthFrom, monthTo} + where.values);
    m_session.run(sql);
    QHash<QString, KeySpend> spend;
    while (sql.next()) {
        spend.insert(sql.value(0).toString(), {sql.value(1).toLongLong(), sql.value(2).toLongLong(),
                                               sql.value(3).toLongLong()});
    }
    return spend;
}

QHash<QString, qint64> UsageReader::cycleUsage(qint64 nowMs, const QStringList& keyIds) const
{
    // Billing days are 1-28: one cycle start per day, joined by the key's (bounded) day.
    QStringList rows;
    QVariantList values;
    for (int day = 1; day <= 28; ++day) {
        // Typed: PostgreSQL takes an untyped parameter in VALUES for text.
        rows << u"(CAST(? AS BIGINT), CAST(? AS BIGINT))"_s;
        values << day << BillingCycle::cycleStart(day, nowMs);
    }
    Where where;
    where.add(u"k.type = 'subscription'"_s, {});
    where.in(u"k.id"_s, keyIds);
    QSqlQuery sql = m_session.prepare(
        u"WITH cycles (day, start_ms) AS (VALUES %1) "
        "SELECT k.id, sum(d.cost_micros) FROM keys k "
        "JOIN cycles c ON c.day = CASE WHEN k.billing_cycle_day < 1 THEN 1 WHEN "
        "k.billing_cycle_day > 28 THEN 28 ELSE k.billing_cycle_day END "
        "JOIN usage_key_day d ON d.key_id = k.id AND d.day_ms >= c.start_ms%2 GROUP BY k.id"_s.arg(
            rows.join(u", "_s), where.sql()));
    bindAll(sql, values + where.values);
    m_session.run(sql);
    QHash<QString, qint64> used;
    while (sql.next())
        used.insert(sql.value(0).toString(), sql.value(1).toLongLong());
    return used;
}

qint64 UsageReader::keyCost(const QString& keyId, qint64 fromMs, qint64 toMs) const
{
    QSqlQuery sql = m_session.prepare(u"SELECT coalesce(sum(cost_micros), 0) FROM usage_key_day "
                                      "WHERE key_id = ? AND day_ms >= ? AND day_ms < ?"_s);
    bindAll(sql, {keyId, fromMs, toMs});
    m_session.run(sql);
    return sql.next() ? sql.value(0).toLongLong() : 0;
}

QString UsageReader::unpublished() const
{
    QSqlQuery running = m_session.run(u"SELECT EXISTS (SELECT 1 FROM usage_imports)"_s);
    if (!running.next() || !running.value(0).toBool())
        return {};
    return u"(import_id IS NULL OR import_id NOT IN (SELECT id FROM usage_imports))"_s;
}

UsageReader::ChangeMark UsageReader::changeMark() const
{
    const QString hidden = unpublished();
    QSqlQuery sql = m_session.run(u"SELECT (SELECT coalesce(max(id), 0) FROM usage_events%1), "
                                  u"(SELECT coalesce(max(CAST(value "
                                  "AS INTEGER)), 0) FROM meta WHERE key = 'usage_publishes')"_s.arg(
                                      hidden.isEmpty() ? QString() : u" WHERE "_s + hidden));
    return sql.next() ? ChangeMark{sql.value(0).toLongLong(), sql.value(1).toLongLong()}
                      : ChangeMark{};
}
