#include "AlertEvaluator.h"

#include "KeyStanding.h"
#include "UsdAmount.h"

#include <QHash>
#include <QSet>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 DayMs = 86'400'000;

QString daysText(qint64 ms)
{
    const qint64 days = ms / DayMs;
    return days == 1 ? u"1 day"_s : u"%1 days"_s.arg(days);
}
} // namespace

bool AlertEvaluator::holds(const AlertRule& rule, const ApiKeyRecord& key, qint64 now,
                           QString* message)
{
    if (!rule.enabled || key.status == KeyStatus::Revoked ||
        (!rule.keyId.isEmpty() && rule.keyId != key.id))
        return false;
    const QString& label = key.spec.label;
    QString text;
    bool result = false;
    switch (rule.kind) {
    case AlertRule::Kind::QuotaRemainingBelowUsd: {
        const auto remaining = key.quotaRemainingMicros();
        result = remaining && *remaining < rule.threshold;
        if (result)
            text = u"%1: quota remaining %2 (below %3)"_s.arg(
                label, UsdAmount::displayCents(*remaining),
                UsdAmount::displayCents(rule.threshold));
        break;
    }
    case AlertRule::Kind::QuotaRemainingBelowPercent: {
        const auto remaining = key.quotaRemainingMicros();
        const auto limit = key.spec.quotaLimitMicros;
        // remaining / limit < threshold %, in integers.
        result = remaining && limit && *limit > 0 && *remaining * 100 < rule.threshold * *limit;
        if (result)
            text = u"%1: %2% of the quota left (%3 of %4)"_s.arg(label)
                       .arg(*remaining * 100 / *limit)
                       .arg(UsdAmount::displayCents(*remaining), UsdAmount::displayCents(*limit));
        break;
    }
    case AlertRule::Kind::SpendPerDayAbove:
        result = key.spendDayMicros > rule.threshold;
        if (result)
            text = u"%1: spent %2 today (over %3)"_s.arg(
                label, UsdAmount::displayCents(key.spendDayMicros),
                UsdAmount::displayCents(rule.threshold));
        break;
    case AlertRule::Kind::SpendPerWeekAbove:
        result = key.spendWeekMicros > rule.threshold;
        if (result)
            text = u"%1: spent %2 this week (over %3)"_s.arg(
                label, UsdAmount::displayCents(key.spendWeekMicros),
                UsdAmount::displayCents(rule.threshold));
        break;
    case AlertRule::Kind::ExpiringWithinDays:
        result = key.spec.expiresAtMs && *key.spec.expiresAtMs > now &&
                 *key.spec.expiresAtMs - now <= rule.threshold * DayMs;
        if (result)
            text = u"%1: expires in %2"_s.arg(label, *key.spec.expiresAtMs - now < DayMs
                                                         ? u"less than a day"_s
                                                         : daysText(*key.spec.expiresAtMs - now));
        break;
    case AlertRule::Kind::LimitUsedPercent: {
        // A key refused for its status is past what its limits say.
        const std::optional<KeyStanding::Use> worst = key.effectiveStatus(now) == KeyStatus::Active
                                                          ? KeyStanding::worst(key, now)
                                                          : std::nullopt;
        result = worst && worst->percent() >= rule.threshold;
        if (!result)
            break;
        const QString amounts = u"%1 of %2"_s.arg(UsdAmount::displayCents(worst->usedMicros),
                                                  UsdAmount::displayCents(worst->limitMicros));
        const QString name = KeyStanding::limitName(worst->limit);
        text = worst->reached()
                   ? u"%1: %2 %3 (%4), requests get %5"_s.arg(
                         label, name,
                         worst->limit == KeyStanding::Limit::Quota ? u"used up"_s : u"reached"_s,
                         amounts, KeyStanding::refusalText(worst->limit))
                   : u"%1: %2% of the %3 used (%4)"_s.arg(label)
                         .arg(worst->percent())
                         .arg(name, amounts);
        break;
    }
    case AlertRule::Kind::RotationDue:
        // A key already replaced by rotation is waiting to be revoked, not to be rotated again.
        result = key.rotatedToId.isEmpty() && now - key.createdAtMs >= rule.threshold * DayMs;
        if (result)
            text = u"%1: created %2 ago, rotation is due (every %3 days)"_s
                       .arg(label, daysText(now - key.createdAtMs))
                       .arg(rule.threshold);
        break;
    }
    if (result && message)
        *message = text;
    return result;
}

AlertEvaluator::Outcome AlertEvaluator::evaluate(const QList<AlertRule>& rules,
                                                 const QList<ApiKeyRecord>& keys,
                                                 const QList<Alert>& openAlerts, qint64 now)
{
    QHash<QPair<qint64, QString>, qint64> open;
    for (const Alert& a : openAlerts) {
        if (a.isOpen())
            open.insert({a.ruleId, a.keyId}, a.id);
    }
    Outcome outcome;
    QSet<QPair<qint64, QString>> stillHolding;
    for (const AlertRule& rule : rules) {
        for (const ApiKeyRecord& key : keys) {
            QString message;
            if (!holds(rule, key, now, &message))
                continue;
            stillHolding.insert({rule.id, key.id});
            if (!open.contains({rule.id, key.id}))
                outcome.raised << Alert{0,   rule.id,      key.id,      message,
                                        now, std::nullopt, std::nullopt};
        }
    }
    for (auto it = open.cbegin(); it != open.cend(); ++it) {
        if (!stillHolding.contains(it.key()))
            outcome.clearedIds << it.value();
    }
    std::sort(outcome.clearedIds.begin(), outcome.clearedIds.end());
    return outcome;
}
