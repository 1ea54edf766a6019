#pragma once

#include <QString>
#include <optional>

// A raised alert: one per rule, key and occurrence of the condition. It stays open until the
// condition clears; acknowledging it only silences it.
struct Alert
{
    qint64 id = 0; // assigned by the store
    qint64 ruleId = 0;
    QString keyId;
    QString message;
    qint64 raisedAtMs = 0;
    std::optional<qint64> acknowledgedAtMs;
    std::optional<qint64> clearedAtMs;

    bool isOpen() const { return !clearedAtMs.has_value(); }
    bool needsAttention() const { return isOpen() && !acknowledgedAtMs.has_value(); }
    friend bool operator==(const Alert&, const Alert&) = default;
};
