#include "SpendAllowance.h"

#include "BillingCycle.h"
#include "CountText.h"
#include "TierLimits.h"
#include "UsdAmount.h"
#include "UtcTime.h"

using namespace Qt::StringLiterals;

bool SpendAllowance::isLimited(const KeySpec& spec)
{
    return limitsSpend(spec) || TierLimits::forTier(spec.tier).requestsPerMonth;
}

bool SpendAllowance::limitsSpend(const KeySpec& spec)
{
    return spec.spendCapDayMicros || spec.spendCapWeekMicros || spec.spendCapMonthMicros ||
           spec.quotaLimitMicros;
}

std::optional<SpendAllowance::Refusal> SpendAllowance::checkRequests(const KeySpec& spec,
                                                                     qint64 servedThisMonth,
                                                                     qint64 inFlight,
                                                                     qint64 nowUtcMs)
{
    const std::optional<qint64> limit = TierLimits::forTier(spec.tier).requestsPerMonth;
    const qint64 committed = servedThisMonth + inFlight;
    if (!limit || committed + 1 <= *limit)
        return std::nullopt;
    Refusal refusal;
    refusal.kind = Refusal::Kind::MonthlyRequests;
    refusal.window = SpendWindows::Window::Month;
    refusal.limitRequests = *limit;
    refusal.committedRequests = committed;
    refusal.resetsAtMs = SpendWindows::at(nowUtcMs).endOf(SpendWindows::Window::Month);
    return refusal;
}

std::optional<SpendAllowance::Refusal> SpendAllowance::check(const ApiKeyRecord& key,
                                                             qint64 reservedMicros,
                                                             qint64 requestMicros, qint64 nowUtcMs)
{
    const auto exceeds = [reservedMicros, requestMicros](qint64 limit, qint64 used) {
        const qint64 committed = used + reservedMicros;
        return committed >= limit || committed + requestMicros > limit;
    };
    const SpendWindows windows = SpendWindows::at(nowUtcMs);
    using Window = SpendWindows::Window;
    const std::initializer_list<std::tuple<Window, std::optional<qint64>, qint64>> caps{
        {Window::Day, key.spec.spendCapDayMicros, key.spendDayMicros},
        {Window::Week, key.spec.spendCapWeekMicros, key.spendWeekMicros},
        {Window::Month, key.spec.spendCapMonthMicros, key.spendMonthMicros},
    };
    for (const auto& [window, cap, spent] : caps) {
        if (cap && exceeds(*cap, spent))
            return Refusal{Refusal::Kind::SpendCap, window,        *cap,
                           spent + reservedMicros,  requestMicros, windows.endOf(window)};
    }
    if (key.spec.quotaLimitMicros && exceeds(*key.spec.quotaLimitMicros, key.quotaUsedMicros)) {
        std::optional<qint64> renewal;
        if (key.spec.type == KeyType::Subscription)
            renewal = BillingCycle::nextCycleStart(key.spec.billingCycleDay, nowUtcMs);
        return Refusal{Refusal::Kind::Quota,
                       Window::Day,
                       *key.spec.quotaLimitMicros,
                       key.quotaUsedMicros + reservedMicros,
                       requestMicros,
                       renewal};
    }
    return std::nullopt;
}

QString SpendAllowance::describe(const Refusal& refusal)
{
    if (refusal.kind == Refusal::Kind::MonthlyRequests)
        return u"this API key's tier allows %1 requests a month, and %2 are served or under way; "
               "it resets at %3"_s.arg(CountText::grouped(refusal.limitRequests),
                                       CountText::grouped(refusal.committedRequests),
                                       UtcTime::toRfc3339(refusal.resetsAtMs.value_or(0)));
    const QString what = refusal.kind == Refusal::Kind::SpendCap
                             ? u"this API key's spend cap of %1 per %2 is reached"_s.arg(
                                   UsdAmount::display(refusal.limitMicros),
                                   QString::fromLatin1(SpendWindows::name(refusal.window)))
                             : u"this API key's quota of %1 is used up"_s.arg(
                                   UsdAmount::display(refusal.limitMicros));
    QString text = u"%1 (%2 spent or reserved, this request may cost up to %3)"_s.arg(
        what, UsdAmount::display(refusal.committedMicros),
        UsdAmount::display(refusal.requestMicros));
    if (refusal.resetsAtMs)
        text += u"; it resets at %1"_s.arg(UtcTime::toRfc3339(*refusal.resetsAtMs));
    else
        text += u"; an admin can raise it"_s;
    return text;
}
