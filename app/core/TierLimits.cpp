#include "TierLimits.h"

TierLimits TierLimits::forTier(Tier tier)
{
    switch (tier) {
    case Tier::Free:
        return {500, 5, 10'000};
    case Tier::Starter:
        return {10'000, 100, 200'000};
    case Tier::Pro:
        return {100'000, 1'000, 2'000'000};
    case Tier::Enterprise:
        return {std::nullopt, std::nullopt, std::nullopt};
    }
    return {};
}
