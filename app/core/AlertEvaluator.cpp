#include "AlertEvaluator.h"

#include "KeyStanding.h"
#include "UsdAmount.h"

#include <QHash>
#include <QSet>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 DayMs = 86'400'000;
// A key that expires within a week is a warning, before that a notice.
constexpr qint64 WeekDays = 7;

QString daysText(qint64 ms)
{
    const qint64 days = ms / DayMs;
    return days == 1 ? u"1 day"_s : u"%1 days"_s.arg(days);
}
} // namespace

std::optional<AlertEvaluator::Finding> AlertEvaluator::check(const AlertRule& rule,
                                                             const ApiKeyRecord& key, qint64 now,
                                                             const ApiKeyRecord* successor)
{
    if (!rule.enabled || key.status == KeyStatus::Revoked ||
        (!rule.keyId.isEmpty() && rule.keyId != key.id))
        return std::nullopt;
    using Severity = Alert::Severity;
    const QString& label = key.spec.label;
    switch (rule.kind) {
    case AlertRule::Kind::QuotaRemainingBelowUsd: {
        const auto remaining = key.quotaRemainingMicros();
        if (!remaining || *remaining >= rule.threshold)
            return std::nullopt;
        return Finding{
            *remaining == 0 ? Severity::Critical : Severity::Warning,
            u"%1: quota remaining %2 (below %3)"_s.arg(label, UsdAmount::displayCents(*remaining),
                                                       UsdAmount::displayCents(rule.threshold))};
    }
    case AlertRule::Kind::QuotaRemainingBelowPercent: {
        const auto remaining = key.quotaRemainingMicros();
        const auto limit = key.spec.quotaLimitMicros;
        // remaining / limit < threshold %, in integers.
        if (!remaining || !limit || *limit <= 0 || *remaining * 100 >= rule.threshold * *limit)
            return std::nullopt;
        return Finding{
            *remaining == 0 ? Severity::Critical : Severity::Warning,
            u"%1: %2% of the quota left (%3 of %4)"_s.arg(label)
                .arg(*remaining * 100 / *limit)
                .arg(UsdAmount::displayCents(*remaining), UsdAmount::displayCents(*limit))};
    }
    case AlertRule::Kind::SpendPerDayAbove:
    case AlertRule::Kind::SpendPerWeekAbove: {
        const bool day = rule.kind == AlertRule::Kind::SpendPerDayAbove;
        const qint64 spent = day ? key.spendDayMicros : key.spendWeekMicros;
        if (spent <= rule.threshold)
            return std::nullopt;
        // Spending fast is a warning; spending into a cap that now refuses requests is not.
        const KeyStanding::Limit cap =
            day ? KeyStanding::Limit::DayCap : KeyStanding::Limit::WeekCap;
        bool capReached = false;
        for (const KeyStanding::Use& use : KeyStanding::uses(key, now))
            capReached = capReached || (use.limit == cap && use.reached());
        return Finding{capReached ? Severity::Critical : Severity::Warning,
                       u"%1: spent %2 %3 (over %4)"_s.arg(label, UsdAmount::displayCents(spent),
                                                          day ? u"today"_s : u"this week"_s,
                                                          UsdAmount::displayCents(rule.threshold))};
    }
    case AlertRule::Kind::ExpiringWithinDays: {
        if (!key.spec.expiresAtMs || *key.spec.expiresAtMs <= now ||
            *key.spec.expiresAtMs - now > rule.threshold * DayMs)
            return std::nullopt;
        const qint64 left = *key.spec.expiresAtMs - now;
        return Finding{left <= DayMs              ? Severity::Critical
                       : left <= WeekDays * DayMs ? Severity::Warning
                                                  : Severity::Notice,
                       u"%1: expires in %2"_s.arg(label, left < DayMs ? u"less than a day"_s
                                                                      : daysText(left))};
    }
    case AlertRule::Kind::LimitUsedPercent: {
        // A key refused for its status is past what its limits say.
        const std::optional<KeyStanding::Use> worst = key.effectiveStatus(now) == KeyStatus::Active
                                                          ? KeyStanding::worst(key, now)
                                                          : std::nullopt;
        if (!worst || worst->percent() < rule.threshold)
            return std::nullopt;
        const QString amounts = u"%1 of %2"_s.arg(UsdAmount::displayCents(worst->usedMicros),
                                                  UsdAmount::displayCents(worst->limitMicros));
        const QString name = KeyStanding::limitName(worst->limit);
        const KeyStanding::Level level = KeyStanding::level(worst);
        return Finding{
            level == KeyStanding::Level::Reached ? Severity::Critical
            : level == KeyStanding::Level::Near  ? Severity::Warning
                                                 : Severity::Notice,
            worst->reached()
                ? u"%1: %2 %3 (%4), requests get %5"_s.arg(
                      label, name,
                      worst->limit == KeyStanding::Limit::Quota ? u"used up"_s : u"reached"_s,
                      amounts, KeyStanding::refusalText(worst->limit))
                : u"%1: %2% of the %3 used (%4)"_s.arg(label)
                      .arg(worst->percent())
                      .arg(name, amounts)};
    }
    case AlertRule::Kind::RotationDue:
        // A key already replaced by rotation is waiting to be revoked, not to be rotated again.
        if (!key.rotatedToId.isEmpty() || now - key.createdAtMs < rule.threshold * DayMs)
            return std::nullopt;
        return Finding{Severity::Notice, u"%1: created %2 ago, rotation is due (every %3 days)"_s
                                             .arg(label, daysText(now - key.createdAtMs))
                                             .arg(rule.threshold)};
    case AlertRule::Kind::RotationPending: {
        if (key.rotatedToId.isEmpty())
            return std::nullopt;
        const QString successorName = successor ? successor->spec.label : key.rotatedToId;
        // Without its successor at hand, the old key's last change is when it was linked.
        const qint64 rotatedAt = successor ? successor->createdAtMs : key.updatedAtMs;
        if (now - rotatedAt < rule.threshold * DayMs) {
            return Finding{Severity::Notice,
                           u"%1: rotated to %2; revoke it once its clients have moved"_s.arg(
                               label, successorName)};
        }
        const bool stillUsed = key.lastUsedAtMs && *key.lastUsedAtMs > rotatedAt;
        return Finding{
            Severity::Warning,
            u"%1: rotated to %2 %3 ago and still not revoked; %4"_s.arg(
                label, successorName,
                now - rotatedAt < DayMs ? u"less than a day"_s : daysText(now - rotatedAt),
                stillUsed ? u"it is still used, so move its last clients first"_s
                          : u"it has not been used since, so revoke it"_s)};
    }
    }
    return std::nullopt;
}

AlertEvaluator::Outcome AlertEvaluator::evaluate(const QList<AlertRule>& rules,
                                                 const QList<ApiKeyRecord>& keys,
                                                 const QList<Alert>& openAlerts, qint64 now)
{
    QHash<QPair<qint64, QString>, const Alert*> open;
    for (const Alert& a : openAlerts) {
        if (a.isOpen())
            open.insert({a.ruleId, a.keyId}, &a);
    }
    QHash<QString, const ApiKeyRecord*> byId;
    for (const ApiKeyRecord& key : keys)
        byId.insert(key.id, &key);
    Outcome outcome;
    QSet<QPair<qint64, QString>> stillHolding;
    for (const AlertRule& rule : rules) {
        for (const ApiKeyRecord& key : keys) {
            const std::optional<Finding> finding =
                check(rule, key, now, byId.value(key.rotatedToId, nullptr));
            if (!finding)
                continue;
            stillHolding.insert({rule.id, key.id});
            const Alert* existing = open.value({rule.id, key.id}, nullptr);
            if (!existing) {
                Alert raised;
                raised.ruleId = rule.id;
                raised.keyId = key.id;
                raised.message = finding->message;
                raised.raisedAtMs = now;
                raised.severity = finding->severity;
                outcome.raised << raised;
            } else if (existing->severity != finding->severity) {
                Alert changed = *existing;
                if (finding->severity > existing->severity) {
                    changed.acknowledgedAtMs.reset();
                    outcome.escalatedIds << existing->id;
                }
                changed.severity = finding->severity;
                changed.message = finding->message;
                outcome.changed << changed;
            }
        }
    }
    for (auto it = open.cbegin(); it != open.cend(); ++it) {
        if (!stillHolding.contains(it.key()))
            outcome.clearedIds << it.value()->id;
    }
    std::sort(outcome.clearedIds.begin(), outcome.clearedIds.end());
    return outcome;
}
