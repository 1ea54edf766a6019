#pragma once

#include "KeySpec.h"

#include <QByteArray>

// A key as every store keeps it. The secret itself is never part of a record: only its
// SHA-256 digest (for lookup) and a display hint (prefix + first 4 ... last 4).
struct ApiKeyRecord
{
    QString id;
    KeySpec spec;
    KeyStatus status = KeyStatus::Active; // Active, Disabled or Revoked
    QString prefix;
    QString hint;
    QByteArray digestHex;
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;
    std::optional<qint64> lastUsedAtMs;
    std::optional<qint64> revokedAtMs;
    // Rotation links: the key this one replaced, and the key that replaced it.
    QString rotatedFromId;
    QString rotatedToId;
    qint64 quotaUsedMicros = 0;
    // The name of the keychain entry that holds the secret, and whether this store may remove
    // it: a copy of a store refers to the original's entries but must not delete them.
    QString vaultEntry;
    bool ownsVaultEntry = true;
    // Derived from usage: spend in the current UTC day, ISO week (from Monday) and month.
    qint64 spendDayMicros = 0;
    qint64 spendWeekMicros = 0;
    qint64 spendMonthMicros = 0;

    // Revoked wins over expired, expired over disabled: it says why a request would fail.
    KeyStatus effectiveStatus(qint64 nowUtcMs) const;
    bool isExpired(qint64 nowUtcMs) const;
    // nullopt: unlimited. Never negative.
    std::optional<qint64> quotaRemainingMicros() const;

    friend bool operator==(const ApiKeyRecord&, const ApiKeyRecord&) = default;
};

// What creating a key returns: the record and, exactly once, the secret.
struct CreatedKey
{
    ApiKeyRecord record;
    QString secret;
};
