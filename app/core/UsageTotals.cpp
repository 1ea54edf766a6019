#include "UsageTotals.h"

void UsageTotals::add(const UsageEvent& event)
{
    ++requests;
    errors += event.isError() ? 1 : 0;
    promptTokens += event.promptTokens;
    completionTokens += event.completionTokens;
    costMicros += event.costMicros.value_or(0);
    latencyMsSum += event.latencyMs;
}

void UsageTotals::merge(const UsageTotals& other)
{
    requests += other.requests;
    errors += other.errors;
    promptTokens += other.promptTokens;
    completionTokens += other.completionTokens;
    costMicros += other.costMicros;
    latencyMsSum += other.latencyMsSum;
}
