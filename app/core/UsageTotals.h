#pragma once

#include "UsageEvent.h"

// Sums over a set of events: one roll-up bucket, a summary card, a group-by row.
struct UsageTotals
{
    qint64 requests = 0;
    qint64 errors = 0;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 costMicros = 0;
    qint64 latencyMsSum = 0;

    void add(const UsageEvent& event);
    void merge(const UsageTotals& other);
    qint64 totalTokens() const { return promptTokens + completionTokens; }
    // 0..1; 0 when there were no requests.
    double errorRate() const { return requests == 0 ? 0.0 : double(errors) / double(requests); }
    friend bool operator==(const UsageTotals&, const UsageTotals&) = default;
};
