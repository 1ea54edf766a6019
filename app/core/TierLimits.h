#pragma once

#include "KeyEnums.h"

#include <optional>

// Per-tier defaults. Requests/month and requests/minute follow the hosted gateways' published
// tier table; tokens/minute are KeyDeck's own defaults, as that table gives no TPM figures.
// nullopt means unlimited (Enterprise: custom limits set per key).
struct TierLimits
{
    std::optional<qint64> requestsPerMonth;
    std::optional<qint64> requestsPerMinute;
    std::optional<qint64> tokensPerMinute;

    static TierLimits forTier(Tier tier);
};
