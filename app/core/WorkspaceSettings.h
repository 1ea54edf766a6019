#pragma once

#include "ApiKeyFormat.h"
#include "KeyEnums.h"

// Per-workspace choices that shape new keys (e.g. branded "sk-aisa-" prefixes).
struct WorkspaceSettings
{
    QString standardPrefix = ApiKeyFormat::defaultPrefix();
    QString subscriptionPrefix = ApiKeyFormat::subscriptionPrefix();

    QString prefixFor(KeyType type) const
    {
        return type == KeyType::Subscription ? subscriptionPrefix : standardPrefix;
    }
    friend bool operator==(const WorkspaceSettings&, const WorkspaceSettings&) = default;
};
