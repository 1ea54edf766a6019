#pragma once

#include "ApiKeyRecord.h"

#include <QString>
#include <optional>

// The fields of a key that usage derives (last use, quota used, spend windows): what a view of
// keys refreshes when usage arrives, without listing the keys again.
struct KeyUsage
{
    QString keyId;
    std::optional<qint64> lastUsedAtMs;
    qint64 quotaUsedMicros = 0;
    qint64 spendDayMicros = 0;
    qint64 spendWeekMicros = 0;
    qint64 spendMonthMicros = 0;

    static KeyUsage of(const ApiKeyRecord& record)
    {
        return {record.id,
                record.lastUsedAtMs,
                record.quotaUsedMicros,
                record.spendDayMicros,
                record.spendWeekMicros,
                record.spendMonthMicros};
    }
    void applyTo(ApiKeyRecord& record) const
    {
        record.lastUsedAtMs = lastUsedAtMs;
        record.quotaUsedMicros = quotaUsedMicros;
        record.spendDayMicros = spendDayMicros;
        record.spendWeekMicros = spendWeekMicros;
        record.spendMonthMicros = spendMonthMicros;
    }

    friend bool operator==(const KeyUsage&, const KeyUsage&) = default;
};
