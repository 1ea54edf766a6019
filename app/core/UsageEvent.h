#pragma once

#include <QString>
#include <optional>

// One API request as the usage log records it. Cost is integer micro-USD; an event without a
// cost is priced from the PriceTable when it is stored.
struct UsageEvent
{
    qint64 timeMs = 0;
    QString key; // key id once stored; in an import file, an id or a label
    QString model;
    QString endpoint;
    int status = 200;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    std::optional<qint64> costMicros;
    qint64 latencyMs = 0;
    QString clientIp;
    QString requestId; // empty: cannot be de-duplicated

    bool isError() const { return status >= 400; }
    qint64 totalTokens() const { return promptTokens + completionTokens; }
    friend bool operator==(const UsageEvent&, const UsageEvent&) = default;
};
