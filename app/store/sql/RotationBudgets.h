#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

class SqlSession;

// Keys linked by rotation share one budget, so rotating is never a way around a limit: the
// quota used and the day / week / month spend of each key count those of every key in its
// rotation chain (the keys it replaced and the ones that replaced it, revoked or not).
class RotationBudgets final
{
public:
    struct Budget
    {
        qint64 quotaUsedMicros = 0;
        qint64 dayMicros = 0;
        qint64 weekMicros = 0;
        qint64 monthMicros = 0;

        Budget& operator+=(const Budget& other);
    };

    // From links a caller read anyway (key id, the id of the key it replaced; empty: none):
    // a list of every key knows them all without another pass over the keys.
    static RotationBudgets fromLinks(const QList<std::pair<QString, QString>>& links);
    // The chains of these keys only, followed link by link by id: for one key or a few.
    static RotationBudgets readFor(const SqlSession& session, const QStringList& keyIds);

    // The key and every key linked to it by rotation, either way; just the key without links.
    QStringList chainOf(const QString& keyId) const;
    bool isLinked(const QString& keyId) const { return m_chain.contains(keyId); }

    // own: the keys' own budgets, as derived for them alone. Returns each of them shared over
    // its chain; what a chain's other keys used is read from the store.
    QHash<QString, Budget> share(const SqlSession& session, qint64 nowMs,
                                 const QHash<QString, Budget>& own) const;
    // share() on items that carry quotaUsedMicros and spendDay/Week/MonthMicros (key records,
    // key usage), in place; idOf names an item's key.
    template <typename Item, typename IdOf>
    void shareIn(const SqlSession& session, qint64 nowMs, QList<Item>& items, IdOf idOf) const
    {
        QHash<QString, Budget> own;
        for (const Item& item : std::as_const(items)) {
            if (isLinked(idOf(item)))
                own.insert(idOf(item), {item.quotaUsedMicros, item.spendDayMicros,
                                        item.spendWeekMicros, item.spendMonthMicros});
        }
        if (own.isEmpty())
            return;
        const QHash<QString, Budget> shared = share(session, nowMs, own);
        for (Item& item : items) {
            const auto it = shared.constFind(idOf(item));
            if (it == shared.cend())
                continue;
            item.quotaUsedMicros = it->quotaUsedMicros;
            item.spendDayMicros = it->dayMicros;
            item.spendWeekMicros = it->weekMicros;
            item.spendMonthMicros = it->monthMicros;
        }
    }

private:
    void link(const QString& a, const QString& b);

    // Key id -> its chain's members (the same list for each member).
    QHash<QString, QStringList> m_chain;
};
