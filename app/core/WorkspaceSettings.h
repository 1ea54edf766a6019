#pragma once

#include "ApiKeyFormat.h"
#include "KeyEnums.h"

// Per-workspace choices that shape new keys (e.g. branded "sk-aisa-" prefixes).
struct WorkspaceSettings
{
    QString standardPrefix = ApiKeyFormat::defaultPrefix();
    QString subscriptionPrefix = ApiKeyFormat::subscriptionPrefix();
    // The API Keys page flags keys expiring within this many days, and keys older than the
    // rotation period (the usual advice is to rotate every 90 days).
    int expiryWarningDays = 14;
    int rotationPeriodDays = 90;

    QString prefixFor(KeyType type) const
    {
        return type == KeyType::Subscription ? subscriptionPrefix : standardPrefix;
    }
    friend bool operator==(const WorkspaceSettings&, const WorkspaceSettings&) = default;
};
