#pragma once

#include <QtGlobal>

// Subscription keys: quota is counted per billing cycle, which starts at 00:00 UTC on the key's
// billing day (1-28, so every month has it).
class BillingCycle final
{
public:
    // Start of the cycle holding nowUtcMs.
    static qint64 cycleStart(int billingDay, qint64 nowUtcMs);
    // Start of the next cycle (the renewal instant).
    static qint64 nextCycleStart(int billingDay, qint64 nowUtcMs);
};
