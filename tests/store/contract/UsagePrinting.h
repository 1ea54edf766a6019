#pragma once

#include "KeyUsage.h"
#include "UsageEvent.h"
#include "UsageGroupRow.h"
#include "UsageSeries.h"
#include "UtcTime.h"

#include <QTest>

// Readable QCOMPARE failures for usage types (found by argument-dependent lookup).
inline QString describe(const UsageTotals& t)
{
    return QStringLiteral("{requests %1, errors %2, prompt %3, completion %4, cost %5, latency %6}")
        .arg(t.requests)
        .arg(t.errors)
        .arg(t.promptTokens)
        .arg(t.completionTokens)
        .arg(t.costMicros)
        .arg(t.latencyMsSum);
}

inline char* toString(const UsageTotals& totals)
{
    return QTest::toString(describe(totals));
}

inline char* toString(const UsageSeries::Point& point)
{
    return QTest::toString(UtcTime::toRfc3339(point.startMs) + QLatin1Char(' ') +
                           describe(point.totals));
}

inline char* toString(const UsageGroupRow& row)
{
    return QTest::toString(row.group + QLatin1Char(' ') + describe(row.totals));
}

inline char* toString(const UsageEvent& e)
{
    return QTest::toString(
        QStringLiteral("%1 %2 %3 %4 status %5 tokens %6+%7 cost %8 req %9")
            .arg(UtcTime::toRfc3339(e.timeMs), e.key, e.model, e.endpoint)
            .arg(e.status)
            .arg(e.promptTokens)
            .arg(e.completionTokens)
            .arg(e.costMicros ? QString::number(*e.costMicros) : QStringLiteral("none"))
            .arg(e.requestId));
}

inline char* toString(const KeyUsage& usage)
{
    return QTest::toString(
        QStringLiteral("{%1: last used %2, quota used %3, spend day %4 week %5 month %6}")
            .arg(usage.keyId, usage.lastUsedAtMs ? UtcTime::toRfc3339(*usage.lastUsedAtMs)
                                                 : QStringLiteral("never"))
            .arg(usage.quotaUsedMicros)
            .arg(usage.spendDayMicros)
            .arg(usage.spendWeekMicros)
            .arg(usage.spendMonthMicros));
}
