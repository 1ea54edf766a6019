#include "ApiKeyRecord.h"

bool ApiKeyRecord::isExpired(qint64 nowUtcMs) const
{
    return spec.expiresAtMs.has_value() && *spec.expiresAtMs <= nowUtcMs;
}

KeyStatus ApiKeyRecord::effectiveStatus(qint64 nowUtcMs) const
{
    if (status == KeyStatus::Revoked)
        return KeyStatus::Revoked;
    if (isExpired(nowUtcMs))
        return KeyStatus::Expired;
    return status;
}

std::optional<qint64> ApiKeyRecord::quotaRemainingMicros() const
{
    if (!spec.quotaLimitMicros)
        return std::nullopt;
    return qMax<qint64>(0, *spec.quotaLimitMicros - quotaUsedMicros);
}
