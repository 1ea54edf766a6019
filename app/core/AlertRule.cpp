#include "AlertRule.h"

#include "UsdAmount.h"

using namespace Qt::StringLiterals;

namespace {
struct KindInfo
{
    AlertRule::Kind kind;
    const char16_t* name;
};
constexpr KindInfo Kinds[] = {
    {AlertRule::Kind::QuotaRemainingBelowUsd, u"quota_remaining_below_usd"},
    {AlertRule::Kind::QuotaRemainingBelowPercent, u"quota_remaining_below_percent"},
    {AlertRule::Kind::SpendPerDayAbove, u"spend_per_day_above"},
    {AlertRule::Kind::SpendPerWeekAbove, u"spend_per_week_above"},
    {AlertRule::Kind::ExpiringWithinDays, u"expiring_within_days"},
    {AlertRule::Kind::RotationDue, u"rotation_due"},
    {AlertRule::Kind::LimitUsedPercent, u"limit_used_percent"},
    {AlertRule::Kind::RotationPending, u"rotation_pending"},
};
} // namespace

QString AlertRule::kindName(Kind kind)
{
    for (const KindInfo& k : Kinds) {
        if (k.kind == kind)
            return QString::fromUtf16(k.name);
    }
    return {};
}

std::optional<AlertRule::Kind> AlertRule::kindFromName(QStringView name)
{
    for (const KindInfo& k : Kinds) {
        if (name == QStringView(k.name))
            return k.kind;
    }
    return std::nullopt;
}

QStringList AlertRule::kindNames()
{
    QStringList names;
    for (const KindInfo& k : Kinds)
        names << QString::fromUtf16(k.name);
    return names;
}

QString AlertRule::describe() const
{
    switch (kind) {
    case Kind::QuotaRemainingBelowUsd:
        return u"Quota remaining below %1"_s.arg(UsdAmount::display(threshold));
    case Kind::QuotaRemainingBelowPercent:
        return u"Quota remaining below %1%"_s.arg(threshold);
    case Kind::SpendPerDayAbove:
        return u"Spend over %1 per day"_s.arg(UsdAmount::display(threshold));
    case Kind::SpendPerWeekAbove:
        return u"Spend over %1 per week"_s.arg(UsdAmount::display(threshold));
    case Kind::ExpiringWithinDays:
        return u"Expiring within %1 days"_s.arg(threshold);
    case Kind::RotationDue:
        return u"Rotation due after %1 days"_s.arg(threshold);
    case Kind::LimitUsedPercent:
        return threshold >= 100 ? u"Quota used up or spend cap reached"_s
                                : u"Quota or spend cap %1% used"_s.arg(threshold);
    case Kind::RotationPending:
        return threshold == 0 ? u"Rotated key not yet revoked"_s
                              : u"Rotated key not yet revoked (%1 of grace)"_s.arg(
                                    threshold == 1 ? u"1 day"_s : u"%1 days"_s.arg(threshold));
    }
    return {};
}

QString AlertRule::validate() const
{
    switch (kind) {
    case Kind::QuotaRemainingBelowPercent:
        return threshold >= 1 && threshold <= 99 ? QString()
                                                 : u"the percentage must be from 1 to 99"_s;
    case Kind::LimitUsedPercent:
        return threshold >= 1 && threshold <= 100 ? QString()
                                                  : u"the percentage must be from 1 to 100"_s;
    case Kind::ExpiringWithinDays:
    case Kind::RotationDue:
        return threshold >= 1 && threshold <= 3650 ? QString()
                                                   : u"the number of days must be from 1 to 3650"_s;
    case Kind::RotationPending:
        return threshold >= 0 && threshold <= 3650 ? QString()
                                                   : u"the number of days must be from 0 to 3650"_s;
    case Kind::QuotaRemainingBelowUsd:
    case Kind::SpendPerDayAbove:
    case Kind::SpendPerWeekAbove:
        return threshold > 0 ? QString() : u"the amount must be above $0"_s;
    }
    return {};
}
