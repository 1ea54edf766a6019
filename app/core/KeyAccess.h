#pragma once

#include "ApiKeyRecord.h"
#include "IpAddress.h"

#include <optional>

// Whether a key may make a request now, from this address, needing this permission: the
// checks the admin API and the gateway share, in the order that tells the caller the most
// useful reason (a revoked key is refused as revoked, whatever else is wrong with it; then
// disabled, then expired).
class KeyAccess final
{
public:
    enum class Verdict
    {
        Allowed,
        Revoked,
        Expired,
        Disabled,
        IpNotAllowed,
        InsufficientPermissions,
    };

    // client: nullopt when the peer address could not be read (never allowed by an allowlist).
    static Verdict check(const ApiKeyRecord& record, qint64 nowUtcMs,
                         const std::optional<IpAddress>& client, Permission needed);
    static bool ipAllowed(const KeySpec& spec, const std::optional<IpAddress>& client);
    // An empty list allows every model; otherwise the name must be listed exactly.
    static bool modelAllowed(const KeySpec& spec, const QString& model);
};
