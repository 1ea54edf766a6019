#pragma once

#include "UsageTotals.h"

// One row of a usage summary grouped by key, model, hour or day. For key groups `group` is the
// key id; for time groups it is the bucket start as RFC 3339 and startMs is set.
struct UsageGroupRow
{
    QString group;
    qint64 startMs = 0;
    UsageTotals totals;
    friend bool operator==(const UsageGroupRow&, const UsageGroupRow&) = default;
};
