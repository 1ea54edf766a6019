#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QPair>
#include <QString>
#include <functional>
#include <optional>

// Requests and tokens per minute for each key, as token buckets on a monotonic clock: a bucket
// holds a minute's allowance and refills continuously, so a key may burst up to its limit and
// then goes at its rate. Tokens are taken at admission as an estimate (prompt + the most the
// answer may use) and settled to what the upstream reports. Thread-safe; per instance.
class RateLimiter final
{
    Q_DISABLE_COPY_MOVE(RateLimiter)

public:
    // Milliseconds on a clock that never goes back (QElapsedTimer's, or a test's).
    using MonotonicClock = std::function<qint64()>;
    explicit RateLimiter(MonotonicClock clock);

    struct Limits
    {
        // nullopt: unlimited.
        std::optional<qint64> requestsPerMinute;
        std::optional<qint64> tokensPerMinute;
    };
    // What a key's buckets held after the decision, for the x-ratelimit-* headers.
    struct Standing
    {
        std::optional<qint64> requestLimit;
        qint64 requestsRemaining = 0;
        qint64 requestsResetMs = 0;
        std::optional<qint64> tokenLimit;
        qint64 tokensRemaining = 0;
        qint64 tokensResetMs = 0;
    };
    struct Decision
    {
        bool allowed = false;
        // Refused: which bucket, and when it will hold enough.
        bool byTokens = false;
        qint64 retryAfterMs = 0;
        Standing standing;
    };

    // Takes one request and estimatedTokens, or nothing when either bucket lacks them.
    Decision admit(const QString& keyId, const Limits& limits, qint64 estimatedTokens);
    // The request used actualTokens where estimatedTokens were taken: the difference is
    // returned or owed.
    void settle(const QString& keyId, const Limits& limits, qint64 estimatedTokens,
                qint64 actualTokens);

    // x-ratelimit-limit-requests ... x-ratelimit-reset-tokens, for the limits that are set.
    static QList<QPair<QByteArray, QByteArray>> headers(const Standing& standing);
    // "1s", "6m0s", "250ms": the durations the hosted APIs' reset headers use.
    static QByteArray duration(qint64 ms);

private:
    struct Bucket
    {
        double level = 0;
        qint64 updatedMs = 0;
        qint64 capacity = 0;
    };
    struct Buckets
    {
        Bucket requests;
        Bucket tokens;
    };
    static void refill(Bucket& bucket, qint64 capacity, qint64 nowMs);
    static qint64 msUntil(const Bucket& bucket, double level);
    Standing standingOf(const Buckets& buckets, const Limits& limits) const;

    MonotonicClock m_clock;
    QMutex m_mutex;
    QHash<QString, Buckets> m_keys;
};
