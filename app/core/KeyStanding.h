#pragma once

#include "ApiKeyRecord.h"

#include <QList>
#include <QString>
#include <optional>

// How close a key is to the limits that refuse its requests while its status still says
// active: its quota (402 insufficient_quota once used up, until an admin raises it or a
// subscription's next cycle) and its day, week and month spend caps (429 quota_exceeded until
// the window ends). Read from the spend a store derives, so the keys page and the alerts say
// what the gateway would answer.
class KeyStanding final
{
public:
    enum class Limit
    {
        DayCap,
        WeekCap,
        MonthCap,
        Quota,
    };
    enum class Level
    {
        Clear,
        Near,
        Reached,
    };
    struct Use
    {
        Limit limit = Limit::Quota;
        qint64 usedMicros = 0;
        qint64 limitMicros = 0;
        // When requests pass again by themselves; none for a pay-as-you-go quota.
        std::optional<qint64> resetsAtMs;

        // Rounded down, so 100 means reached; a limit of zero is reached at once.
        int percent() const;
        bool reached() const { return usedMicros >= limitMicros; }
        friend bool operator==(const Use&, const Use&) = default;
    };

    // From this share of a limit on, a key is near it.
    static constexpr int NearPercent = 80;

    // Every limit the key has, in the gateway's order (day, week, month, quota).
    static QList<Use> uses(const ApiKeyRecord& key, qint64 nowUtcMs);
    // The one that matters most: a reached limit that lasts longest (the quota, then the month,
    // week, day), else the closest to its limit; nullopt for a key without limits.
    static std::optional<Use> worst(const ApiKeyRecord& key, qint64 nowUtcMs);
    static Level level(const std::optional<Use>& use);
    // "Quota exhausted", "Day cap reached", "Day cap at 85%".
    static QString shortText(const Use& use);
    // "day spend cap", "quota".
    static QString limitName(Limit limit);
    // What requests get once it is reached: "429 quota_exceeded", "402 insufficient_quota".
    static QString refusalText(Limit limit);
};
