#pragma once

#include "Alert.h"
#include "AlertRule.h"
#include "ApiKeyRecord.h"

// Decides which alerts to raise, which to clear and which have changed severity. An alert fires
// once per occurrence of its condition: not again while it is open (acknowledged or not), again
// only after the condition cleared and came back. While it is open its severity follows the key
// (a quota 85% used, then used up), and one that grows more severe needs attention again even if
// it was acknowledged. Revoked keys raise nothing.
class AlertEvaluator final
{
public:
    struct Finding
    {
        Alert::Severity severity = Alert::Severity::Warning;
        // What a notification says, e.g. "prod-web-app: quota remaining $1.20 (below $5.00)".
        QString message;
    };
    struct Outcome
    {
        QList<Alert> raised;      // new alerts, id 0
        QList<qint64> clearedIds; // open alerts whose condition no longer holds
        // Open alerts with their new severity and message; one more severe than before (its id
        // in escalatedIds) is no longer acknowledged.
        QList<Alert> changed;
        QList<qint64> escalatedIds;
    };

    // successor: the key that replaced this one by rotation, when the caller has it (its
    // creation is when the rotation happened).
    static std::optional<Finding> check(const AlertRule& rule, const ApiKeyRecord& key,
                                        qint64 nowUtcMs, const ApiKeyRecord* successor = nullptr);
    static Outcome evaluate(const QList<AlertRule>& rules, const QList<ApiKeyRecord>& keys,
                            const QList<Alert>& openAlerts, qint64 nowUtcMs);
};
