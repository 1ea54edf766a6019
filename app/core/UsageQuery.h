#pragma once

#include <QStringList>

// Which usage events a chart, a summary or the log table looks at: [fromMs, toMs).
struct UsageQuery
{
    enum class StatusClass
    {
        All,
        Success,
        ClientError,
        ServerError,
        Errors
    };

    qint64 fromMs = 0;
    qint64 toMs = 0;
    QStringList keyIds; // empty: every key
    QStringList models; // empty: every model
    StatusClass statusClass = StatusClass::All;

    // The statuses a class admits, as [low, high] HTTP codes.
    static std::pair<int, int> statusRange(StatusClass statusClass);
    friend bool operator==(const UsageQuery&, const UsageQuery&) = default;
};
