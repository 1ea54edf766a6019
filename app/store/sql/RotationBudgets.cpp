#include "RotationBudgets.h"

#include "KeyEnums.h"
#include "SqlSession.h"
#include "UsageReader.h"

#include <QSet>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

RotationBudgets::Budget& RotationBudgets::Budget::operator+=(const Budget& other)
{
    quotaUsedMicros += other.quotaUsedMicros;
    dayMicros += other.dayMicros;
    weekMicros += other.weekMicros;
    monthMicros += other.monthMicros;
    return *this;
}

void RotationBudgets::link(const QString& a, const QString& b)
{
    QStringList merged = m_chain.value(a, {a});
    for (const QString& member : m_chain.value(b, {b})) {
        if (!merged.contains(member))
            merged << member;
    }
    for (const QString& member : std::as_const(merged))
        m_chain.insert(member, merged);
}

RotationBudgets RotationBudgets::fromLinks(const QList<std::pair<QString, QString>>& links)
{
    RotationBudgets budgets;
    for (const auto& [id, from] : links) {
        if (!from.isEmpty())
            budgets.link(id, from);
    }
    return budgets;
}

RotationBudgets RotationBudgets::readFor(const SqlSession& session, const QStringList& keyIds)
{
    RotationBudgets budgets;
    QSqlQuery query =
        session.prepare(u"SELECT rotated_from_id, rotated_to_id FROM keys WHERE id = ?"_s);
    QSet<QString> seen;
    QStringList next = keyIds;
    while (!next.isEmpty()) {
        const QString id = next.takeLast();
        if (seen.contains(id))
            continue;
        seen.insert(id);
        query.addBindValue(id);
        session.run(query);
        const QStringList links =
            query.next() ? QStringList{query.value(0).toString(), query.value(1).toString()}
                         : QStringList();
        query.finish();
        for (const QString& other : links) {
            if (other.isEmpty())
                continue;
            budgets.link(id, other);
            next << other;
        }
    }
    return budgets;
}

QStringList RotationBudgets::chainOf(const QString& keyId) const
{
    return m_chain.value(keyId, {keyId});
}

QHash<QString, RotationBudgets::Budget>
RotationBudgets::share(const SqlSession& session, qint64 nowMs,
                       const QHash<QString, Budget>& own) const
{
    QHash<QString, Budget> shared = own;
    QStringList others;
    for (auto it = own.cbegin(); it != own.cend(); ++it) {
        for (const QString& member : chainOf(it.key())) {
            if (!own.contains(member) && !others.contains(member))
                others << member;
        }
    }
    // What the chains' other keys used: their quota as SqlKeyRows derives it (a subscription's
    // in its cycle), and their spend in each window.
    QHash<QString, Budget> theirs;
    if (!others.isEmpty()) {
        QSqlQuery query =
            session.prepare(u"SELECT id, type, quota_used_micros FROM keys WHERE id IN (%1)"_s.arg(
                QStringList(others.size(), u"?"_s).join(u',')));
        for (qsizetype i = 0; i < others.size(); ++i)
            query.bindValue(int(i), others.at(i));
        session.run(query);
        const QString subscription = KeyEnums::typeName(KeyType::Subscription);
        QStringList subscriptions;
        while (query.next()) {
            const QString id = query.value(0).toString();
            if (query.value(1).toString() == subscription)
                subscriptions << id;
            else
                theirs[id].quotaUsedMicros = query.value(2).toLongLong();
        }
        const UsageReader reader(session);
        if (!subscriptions.isEmpty()) {
            const QHash<QString, qint64> cycle = reader.cycleUsage(nowMs, subscriptions);
            for (const QString& id : std::as_const(subscriptions))
                theirs[id].quotaUsedMicros = cycle.value(id);
        }
        const QHash<QString, UsageReader::KeySpend> spend = reader.keySpend(nowMs, others);
        for (auto it = spend.cbegin(); it != spend.cend(); ++it) {
            Budget& budget = theirs[it.key()];
            budget.dayMicros = it->dayMicros;
            budget.weekMicros = it->weekMicros;
            budget.monthMicros = it->monthMicros;
        }
    }
    for (auto it = shared.begin(); it != shared.end(); ++it) {
        for (const QString& member : chainOf(it.key())) {
            if (member != it.key())
                *it += own.contains(member) ? own.value(member) : theirs.value(member);
        }
    }
    return shared;
}
