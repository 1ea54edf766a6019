#pragma once

#include "CidrBlock.h"
#include "KeyEnums.h"

#include <QStringList>
#include <optional>

// Everything an admin chooses about a key: what Generate New Key and Edit set.
struct KeySpec
{
    QString label;
    QString environment = QStringLiteral("dev");
    KeyType type = KeyType::Standard;
    int billingCycleDay = 1; // subscription keys: quota resets on this day of the month (1-28)
    Permissions permissions = Permissions(Permission::Read) | Permission::Write;
    std::optional<qint64> expiresAtMs;      // nullopt: never expires
    std::optional<qint64> quotaLimitMicros; // nullopt: unlimited
    std::optional<qint64> spendCapDayMicros;
    std::optional<qint64> spendCapWeekMicros;
    std::optional<qint64> spendCapMonthMicros;
    Tier tier = Tier::Free;
    std::optional<qint64> rpmOverride; // never above the tier's figure
    std::optional<qint64> tpmOverride;
    QStringList models;           // empty: every model
    QList<CidrBlock> ipAllowlist; // empty: every address
    // Who answers for the key (a person or team) and why it exists: free text the store keeps
    // for admins, never used to admit a request.
    QString owner;
    QString note;

    friend bool operator==(const KeySpec&, const KeySpec&) = default;
};
