#include "KeyAccess.h"

#include "CidrBlock.h"

KeyAccess::Verdict KeyAccess::check(const ApiKeyRecord& record, qint64 nowUtcMs,
                                    const std::optional<IpAddress>& client, Permission needed)
{
    // A disabled key that also expired is refused as disabled: enabling it is not enough.
    if (record.status == KeyStatus::Revoked)
        return Verdict::Revoked;
    if (record.status == KeyStatus::Disabled)
        return Verdict::Disabled;
    if (record.isExpired(nowUtcMs))
        return Verdict::Expired;
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

bool KeyAccess::modelAllowed(const KeySpec& spec, const QString& model)
{
    return spec.models.isEmpty() || spec.models.contains(model);
}
