#pragma once

#include "KeyEnums.h"

#include <optional>

// Per-tier defaults. Requests/month and requests/minute come from the Aqta tier table
// (seed 000); tokens/minute are KeyDeck defaults, since the seeds name TPM without figures.
// nullopt means unlimited (Enterprise: custom limits set per key).
struct TierLimits
{
    std::optional<qint64> requestsPerMonth;
    std::optional<qint64> requestsPerMinute;
    std::optional<qint64> tokensPerMinute;

    static TierLimits forTier(Tier tier);
};
