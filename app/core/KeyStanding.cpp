#include "KeyStanding.h"

#include "BillingCycle.h"
#include "SpendWindows.h"

#include <cmath>

using namespace Qt::StringLiterals;

int KeyStanding::Use::percent() const
{
    if (usedMicros >= limitMicros)
        return 100;
    // In floating point: amounts up to 1e12 USD times 100 would not fit 64 bits of micros.
    return int(std::floor(double(usedMicros) / double(limitMicros) * 100.0));
}

QList<KeyStanding::Use> KeyStanding::uses(const ApiKeyRecord& key, qint64 nowUtcMs)
{
    const SpendWindows windows = SpendWindows::at(nowUtcMs);
    QList<Use> all;
    const auto cap = [&](Limit limit, const std::optional<qint64>& micros, qint64 spent,
                         SpendWindows::Window window) {
        if (micros)
            all.append({limit, spent, *micros, windows.endOf(window)});
    };
    cap(Limit::DayCap, key.spec.spendCapDayMicros, key.spendDayMicros, SpendWindows::Window::Day);
    cap(Limit::WeekCap, key.spec.spendCapWeekMicros, key.spendWeekMicros,
        SpendWindows::Window::Week);
    cap(Limit::MonthCap, key.spec.spendCapMonthMicros, key.spendMonthMicros,
        SpendWindows::Window::Month);
    if (key.spec.quotaLimitMicros) {
        std::optional<qint64> renewal;
        if (key.spec.type == KeyType::Subscription)
            renewal = BillingCycle::nextCycleStart(key.spec.billingCycleDay, nowUtcMs);
        all.append({Limit::Quota, key.quotaUsedMicros, *key.spec.quotaLimitMicros, renewal});
    }
    return all;
}

std::optional<KeyStanding::Use> KeyStanding::worst(const ApiKeyRecord& key, qint64 nowUtcMs)
{
    std::optional<Use> worst;
    for (const Use& use : uses(key, nowUtcMs)) {
        // Later limits in the list last longer: among reached ones, the later wins.
        const bool replaces =
            !worst || (use.reached() && worst->reached()) ||
            (use.reached() != worst->reached() ? use.reached() : use.percent() > worst->percent());
        if (replaces)
            worst = use;
    }
    return worst;
}

KeyStanding::Level KeyStanding::level(const std::optional<Use>& use)
{
    if (!use)
        return Level::Clear;
    if (use->reached())
        return Level::Reached;
    return use->percent() >= NearPercent ? Level::Near : Level::Clear;
}

QString KeyStanding::shortText(const Use& use)
{
    const QString what = use.limit == Limit::Quota     ? u"Quota"_s
                         : use.limit == Limit::DayCap  ? u"Day cap"_s
                         : use.limit == Limit::WeekCap ? u"Week cap"_s
                                                       : u"Month cap"_s;
    if (use.reached())
        return use.limit == Limit::Quota ? u"Quota exhausted"_s : what + u" reached"_s;
    return u"%1 at %2%"_s.arg(what).arg(use.percent());
}

QString KeyStanding::limitName(Limit limit)
{
    switch (limit) {
    case Limit::DayCap:
        return u"day spend cap"_s;
    case Limit::WeekCap:
        return u"week spend cap"_s;
    case Limit::MonthCap:
        return u"month spend cap"_s;
    case Limit::Quota:
        return u"quota"_s;
    }
    return {};
}

QString KeyStanding::refusalText(Limit limit)
{
    return limit == Limit::Quota ? u"402 insufficient_quota"_s : u"429 quota_exceeded"_s;
}
