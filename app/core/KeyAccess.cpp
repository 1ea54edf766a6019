#include "KeyAccess.h"

#include "CidrBlock.h"

KeyAccess::Verdict KeyAccess::check(const ApiKeyRecord& record, qint64 nowUtcMs,
                                    const std::optional<IpAddress>& client, Permission needed)
{
    switch (record.effectiveStatus(nowUtcMs)) {
    case KeyStatus::Revoked:
        return Verdict::Revoked;
    case KeyStatus::Expired:
        return Verdict::Expired;
    case KeyStatus::Disabled:
        return Verdict::Disabled;
    case KeyStatus::Active:
        break;
    }
    if (!ipAllowed(record.spec, client))
        return Verdict::IpNotAllowed;
    if (!record.spec.permissions.testFlag(needed))
        return Verdict::InsufficientPermissions;
    return Verdict::Allowed;
}

bool KeyAccess::ipAllowed(const KeySpec& spec, const std::optional<IpAddress>& client)
{
    if (spec.ipAllowlist.isEmpty())
        return true;
    if (!client)
        return false;
    for (const CidrBlock& block : spec.ipAllowlist) {
        if (block.contains(*client))
            return true;
    }
    return false;
}
