#pragma once

#include "Alert.h"
#include "AlertRule.h"
#include "ApiKeyRecord.h"

// Decides which alerts to raise and which to clear. An alert fires once per occurrence of its
// condition: not again while it is open (acknowledged or not), again only after the condition
// cleared and came back. Revoked keys raise nothing.
class AlertEvaluator final
{
public:
    struct Outcome
    {
        QList<Alert> raised;      // new alerts, id 0
        QList<qint64> clearedIds; // open alerts whose condition no longer holds
    };

    // message: what a notification says, e.g. "prod-web-app: quota remaining $1.20 (below $5.00)".
    static bool holds(const AlertRule& rule, const ApiKeyRecord& key, qint64 nowUtcMs,
                      QString* message = nullptr);
    static Outcome evaluate(const QList<AlertRule>& rules, const QList<ApiKeyRecord>& keys,
                            const QList<Alert>& openAlerts, qint64 nowUtcMs);
};
