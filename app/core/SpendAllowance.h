#pragma once

#include "ApiKeyRecord.h"
#include "SpendWindows.h"

#include <optional>

// Whether a request fits its tier's requests a month, and whether one that may cost up to a
// worst case fits a key's spend caps (day, week, month) and its quota, counting what the key has
// used and what requests still in flight have reserved: the gateway's admission rule, applied
// where reservations are made.
class SpendAllowance final
{
public:
    struct Refusal
    {
        enum class Kind
        {
            SpendCap,        // 429 quota_exceeded
            Quota,           // 402 insufficient_quota
            MonthlyRequests, // 429 rate_limit_exceeded: the tier's requests a month
        };
        Kind kind = Kind::SpendCap;
        SpendWindows::Window window = SpendWindows::Window::Day; // SpendCap only
        qint64 limitMicros = 0;
        // Spent plus reserved by requests in flight.
        qint64 committedMicros = 0;
        qint64 requestMicros = 0;
        // When spending is possible again: the window's end, a subscription's next cycle; none
        // for a pay-as-you-go quota, which only an admin can raise.
        std::optional<qint64> resetsAtMs;
        // MonthlyRequests only: the tier's limit, and the requests served or in flight.
        qint64 limitRequests = 0;
        qint64 committedRequests = 0;

        friend bool operator==(const Refusal&, const Refusal&) = default;
    };

    // A key with a cap, a quota or a tier that limits requests a month: its requests are
    // admitted by reservation.
    static bool isLimited(const KeySpec& spec);
    // A key with a cap or a quota: what a request may cost counts.
    static bool limitsSpend(const KeySpec& spec);
    // servedThisMonth: the key's requests answered without an error this UTC month; inFlight:
    // those admitted and not yet settled. Refused when one more would pass the tier's limit.
    static std::optional<Refusal> checkRequests(const KeySpec& spec, qint64 servedThisMonth,
                                                qint64 inFlight, qint64 nowUtcMs);
    // key: with its derived spend windows and quota used (as a store reads it at nowUtcMs).
    // Refused when what is committed already reaches a limit, or the request's worst case would
    // pass it. Caps are checked day, week, month, then the quota.
    static std::optional<Refusal> check(const ApiKeyRecord& key, qint64 reservedMicros,
                                        qint64 requestMicros, qint64 nowUtcMs);
    // "this API key's spend cap of $5.00 per day is reached ($4.99 spent or reserved, this
    // request may cost up to $0.02); it resets at 2026-12-03T00:00:00Z".
    static QString describe(const Refusal& refusal);
};
