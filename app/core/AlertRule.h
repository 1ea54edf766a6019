#pragma once

#include <QString>
#include <QStringList>

// A condition worth a warning. Thresholds: micro-USD for money kinds, a percentage (1-99) for
// QuotaRemainingBelowPercent, of a quota or spend cap used (1-100, 100: reached, requests are
// refused) for LimitUsedPercent, days for ExpiringWithinDays and RotationDue, and for
// RotationPending the days of grace a rotated key has to fall quiet before its alert is a warning.
struct AlertRule
{
    enum class Kind
    {
        QuotaRemainingBelowUsd,
        QuotaRemainingBelowPercent,
        SpendPerDayAbove,
        SpendPerWeekAbove,
        ExpiringWithinDays,
        RotationDue,
        LimitUsedPercent,
        RotationPending,
    };

    qint64 id = 0; // assigned by the store
    Kind kind = Kind::RotationDue;
    qint64 threshold = 90;
    QString keyId; // empty: every key
    bool enabled = true;

    static QString kindName(Kind kind);
    static std::optional<Kind> kindFromName(QStringView name);
    static QStringList kindNames();
    // "Quota remaining below 20%", "Spend over $5.00 per day", "Rotation due after 90 days",
    // "Rotated key not yet revoked (7 days of grace)".
    QString describe() const;
    // Empty when the rule is usable; otherwise what is wrong with the threshold.
    QString validate() const;

    friend bool operator==(const AlertRule&, const AlertRule&) = default;
};
