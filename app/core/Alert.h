#pragma once

#include <QString>
#include <optional>

// A raised alert: one per rule, key and occurrence of the condition. It stays open until the
// condition clears; acknowledging it only silences it, until it grows more severe.
struct Alert
{
    // How close the key is to what its requests would get: Critical once they are refused (or
    // about to be), Warning when near, Notice for hygiene that can wait.
    enum class Severity
    {
        Notice,
        Warning,
        Critical,
    };

    qint64 id = 0; // assigned by the store
    qint64 ruleId = 0;
    QString keyId;
    QString message;
    qint64 raisedAtMs = 0;
    std::optional<qint64> acknowledgedAtMs;
    std::optional<qint64> clearedAtMs;
    Severity severity = Severity::Warning;

    bool isOpen() const { return !clearedAtMs.has_value(); }
    bool needsAttention() const { return isOpen() && !acknowledgedAtMs.has_value(); }
    // "notice", "warning", "critical": JSON and the stores' column.
    static QString severityName(Severity severity);
    static std::optional<Severity> severityFromName(QStringView name);
    // "Notice", "Warning", "Critical".
    static QString severityText(Severity severity);
    friend bool operator==(const Alert&, const Alert&) = default;
};
