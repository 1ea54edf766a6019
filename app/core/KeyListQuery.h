#pragma once

#include "KeyEnums.h"

#include <QString>
#include <optional>

// One page of the key list, filtered: what an admin API client asks a store for instead of
// every key at once.
struct KeyListQuery
{
    // Empty: every environment. Otherwise exact.
    QString environment;
    // The effective status (an expired key is Expired, not Active). nullopt: every status.
    std::optional<KeyStatus> status;
    // Case-insensitive part of a label, hint or id. Empty: no search.
    QString search;
    // A nextCursor the same store gave for the same filters; empty: the first page.
    QString cursor;
    // 1 to MaxLimit.
    int limit = 100;

    static constexpr int MaxLimit = 1000;
};
