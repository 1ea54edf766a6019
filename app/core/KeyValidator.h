#pragma once

#include "FieldError.h"
#include "KeyLabel.h"
#include "KeySpec.h"

// Field names are the CLI's flag names without dashes and the JSON members: label,
// environment, type, billing_cycle_day, permissions, expires, quota_usd, spend_cap_day,
// spend_cap_week, spend_cap_month, tier, rpm, tpm, models, ips, owner, note.
class KeyValidator final
{
public:
    static constexpr int MaxLabelLength = int(KeyLabel::MaxLength);
    static constexpr int MaxEnvironmentLength = 32;
    static constexpr int MaxModelLength = 128;
    static constexpr int MaxModels = 200;
    static constexpr int MaxIpEntries = 200;
    static constexpr int MaxOwnerLength = 120;
    static constexpr int MaxNoteLength = 2000;

    // nowUtcMs judges the expiry: a key cannot be given an expiry in the past. When editing,
    // pass the stored spec: an expiry left as it was is not re-judged, so an expired key's other
    // fields can still be changed.
    static FieldErrors validate(const KeySpec& spec, qint64 nowUtcMs,
                                const KeySpec* stored = nullptr);
    static QString normalizedLabel(QStringView label);
    // Letters, digits and . - _ : / @ +, at most MaxModelLength characters.
    static bool isModelName(QStringView model);
};
