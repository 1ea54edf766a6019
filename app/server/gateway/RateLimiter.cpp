#include "RateLimiter.h"

#include <cmath>

namespace {
constexpr double MinuteMs = 60'000.0;
}

RateLimiter::RateLimiter(MonotonicClock clock)
    : m_clock(std::move(clock))
{}

void RateLimiter::refill(Bucket& bucket, qint64 capacity, qint64 nowMs)
{
    // A new bucket, or a limit that changed, starts full at the new size.
    if (bucket.capacity != capacity) {
        bucket.level = double(capacity);
        bucket.capacity = capacity;
    } else {
        bucket.level = std::min(double(capacity), bucket.level + double(nowMs - bucket.updatedMs) *
                                                                     double(capacity) / MinuteMs);
    }
    bucket.updatedMs = nowMs;
}

qint64 RateLimiter::msUntil(const Bucket& bucket, double level)
{
    if (bucket.level >= level || bucket.capacity <= 0)
        return 0;
    return qint64(std::ceil((level - bucket.level) * MinuteMs / double(bucket.capacity)));
}

RateLimiter::Standing RateLimiter::standingOf(const Buckets& buckets, const Limits& limits) const
{
    Standing standing;
    standing.requestLimit = limits.requestsPerMinute;
    if (limits.requestsPerMinute) {
        standing.requestsRemaining = qMax<qint64>(0, qint64(std::floor(buckets.requests.level)));
        standing.requestsResetMs = msUntil(buckets.requests, double(*limits.requestsPerMinute));
    }
    standing.tokenLimit = limits.tokensPerMinute;
    if (limits.tokensPerMinute) {
        standing.tokensRemaining = qMax<qint64>(0, qint64(std::floor(buckets.tokens.level)));
        standing.tokensResetMs = msUntil(buckets.tokens, double(*limits.tokensPerMinute));
    }
    return standing;
}

RateLimiter::Decision RateLimiter::admit(const QString& keyId, const Limits& limits,
                                         qint64 estimatedTokens)
{
    const qint64 now = m_clock();
    const QMutexLocker lock(&m_mutex);
    Buckets& buckets = m_keys[keyId];
    if (limits.requestsPerMinute)
        refill(buckets.requests, *limits.requestsPerMinute, now);
    if (limits.tokensPerMinute)
        refill(buckets.tokens, *limits.tokensPerMinute, now);
    Decision decision;
    if (limits.requestsPerMinute && buckets.requests.level < 1.0) {
        decision.retryAfterMs = msUntil(buckets.requests, 1.0);
    } else if (limits.tokensPerMinute && buckets.tokens.level < double(estimatedTokens)) {
        decision.byTokens = true;
        // A request larger than a whole minute's tokens never fits: it waits for a full bucket,
        // and is refused again then.
        decision.retryAfterMs = msUntil(
            buckets.tokens, std::min(double(estimatedTokens), double(*limits.tokensPerMinute)));
    } else {
        decision.allowed = true;
        if (limits.requestsPerMinute)
            buckets.requests.level -= 1.0;
        if (limits.tokensPerMinute)
            buckets.tokens.level -= double(estimatedTokens);
    }
    decision.standing = standingOf(buckets, limits);
    return decision;
}

void RateLimiter::settle(const QString& keyId, const Limits& limits, qint64 estimatedTokens,
                         qint64 actualTokens)
{
    if (!limits.tokensPerMinute || estimatedTokens == actualTokens)
        return;
    const qint64 now = m_clock();
    const QMutexLocker lock(&m_mutex);
    Buckets& buckets = m_keys[keyId];
    refill(buckets.tokens, *limits.tokensPerMinute, now);
    // Owed tokens may take the level below zero: the next requests wait until it is paid.
    buckets.tokens.level = std::min(double(*limits.tokensPerMinute),
                                    buckets.tokens.level + double(estimatedTokens - actualTokens));
}

QByteArray RateLimiter::duration(qint64 ms)
{
    if (ms < 1000)
        return QByteArray::number(ms) + "ms";
    const qint64 seconds = (ms + 999) / 1000;
    if (seconds < 60)
        return QByteArray::number(seconds) + 's';
    return QByteArray::number(seconds / 60) + 'm' + QByteArray::number(seconds % 60) + 's';
}

QList<QPair<QByteArray, QByteArray>> RateLimiter::headers(const Standing& standing)
{
    QList<QPair<QByteArray, QByteArray>> list;
    if (standing.requestLimit) {
        list.append({"x-ratelimit-limit-requests", QByteArray::number(*standing.requestLimit)});
        list.append(
            {"x-ratelimit-remaining-requests", QByteArray::number(standing.requestsRemaining)});
        list.append({"x-ratelimit-reset-requests", duration(standing.requestsResetMs)});
    }
    if (standing.tokenLimit) {
        list.append({"x-ratelimit-limit-tokens", QByteArray::number(*standing.tokenLimit)});
        list.append({"x-ratelimit-remaining-tokens", QByteArray::number(standing.tokensRemaining)});
        list.append({"x-ratelimit-reset-tokens", duration(standing.tokensResetMs)});
    }
    return list;
}
