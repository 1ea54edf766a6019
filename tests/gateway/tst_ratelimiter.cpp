#include "RateLimiter.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestRateLimiter final : public QObject
{
    Q_OBJECT

private:
    qint64 m_now = 1'000'000;
    RateLimiter m_limiter{[this] {
        return m_now;
    }};

private Q_SLOTS:
    void init() { m_now += 3'600'000; }

    void requestsBurstToTheLimitThenGoAtTheRate()
    {
        const RateLimiter::Limits limits{5, std::nullopt};
        for (int i = 0; i < 5; ++i) {
            const RateLimiter::Decision decision = m_limiter.admit(u"burst"_s, limits, 0);
            QVERIFY(decision.allowed);
            QCOMPARE(decision.standing.requestsRemaining, qint64(4 - i));
        }
        RateLimiter::Decision refused = m_limiter.admit(u"burst"_s, limits, 0);
        QVERIFY(!refused.allowed);
        QVERIFY(!refused.byTokens);
        // 5 a minute: one comes back every 12 seconds.
        QCOMPARE(refused.retryAfterMs, qint64(12'000));
        QCOMPARE(refused.standing.requestsResetMs, qint64(60'000));
        m_now += 11'999;
        QVERIFY(!m_limiter.admit(u"burst"_s, limits, 0).allowed);
        m_now += 1;
        QVERIFY(m_limiter.admit(u"burst"_s, limits, 0).allowed);
        // Each key has its own buckets.
        QVERIFY(m_limiter.admit(u"other"_s, limits, 0).allowed);
    }

    void tokensAreEstimatedThenSettled()
    {
        const RateLimiter::Limits limits{std::nullopt, 1000};
        QVERIFY(m_limiter.admit(u"tokens"_s, limits, 600).allowed);
        RateLimiter::Decision refused = m_limiter.admit(u"tokens"_s, limits, 600);
        QVERIFY(!refused.allowed);
        QVERIFY(refused.byTokens);
        QCOMPARE(refused.standing.tokensRemaining, qint64(400));
        // 200 tokens short at 1000 a minute: 12 seconds.
        QCOMPARE(refused.retryAfterMs, qint64(12'000));
        // The first used 100 of its 600: the rest comes back at once.
        m_limiter.settle(u"tokens"_s, limits, 600, 100);
        QVERIFY(m_limiter.admit(u"tokens"_s, limits, 600).allowed);
        // Used more than estimated: owed, so the bucket goes below zero and the next waits.
        m_limiter.settle(u"tokens"_s, limits, 600, 1500);
        refused = m_limiter.admit(u"tokens"_s, limits, 1);
        QVERIFY(!refused.allowed);
        QCOMPARE(refused.standing.tokensRemaining, qint64(0));
    }

    void aRequestLargerThanTheMinuteIsRefusedUntilTheBucketIsFull()
    {
        const RateLimiter::Limits limits{std::nullopt, 1000};
        QVERIFY(m_limiter.admit(u"large"_s, limits, 500).allowed);
        const RateLimiter::Decision refused = m_limiter.admit(u"large"_s, limits, 5000);
        QVERIFY(!refused.allowed);
        QCOMPARE(refused.retryAfterMs, qint64(30'000));
    }

    void unlimitedKeysAreNeverRefused()
    {
        for (int i = 0; i < 1000; ++i)
            QVERIFY(m_limiter.admit(u"enterprise"_s, {}, 1'000'000).allowed);
        QVERIFY(RateLimiter::headers(m_limiter.admit(u"enterprise"_s, {}, 1).standing).isEmpty());
    }

    void aChangedLimitStartsFull()
    {
        QVERIFY(m_limiter.admit(u"change"_s, {1, std::nullopt}, 0).allowed);
        QVERIFY(!m_limiter.admit(u"change"_s, {1, std::nullopt}, 0).allowed);
        QVERIFY(m_limiter.admit(u"change"_s, {100, std::nullopt}, 0).allowed);
    }

    void headersNameEveryBucket()
    {
        const RateLimiter::Decision decision = m_limiter.admit(u"headers"_s, {100, 200'000}, 1500);
        const auto headers = RateLimiter::headers(decision.standing);
        const QList<QPair<QByteArray, QByteArray>> expected{
            {"x-ratelimit-limit-requests", "100"},      {"x-ratelimit-remaining-requests", "99"},
            {"x-ratelimit-reset-requests", "600ms"},    {"x-ratelimit-limit-tokens", "200000"},
            {"x-ratelimit-remaining-tokens", "198500"}, {"x-ratelimit-reset-tokens", "450ms"}};
        QCOMPARE(headers, expected);
        QCOMPARE(RateLimiter::duration(999), QByteArray("999ms"));
        QCOMPARE(RateLimiter::duration(1000), QByteArray("1s"));
        QCOMPARE(RateLimiter::duration(1001), QByteArray("2s"));
        QCOMPARE(RateLimiter::duration(360'000), QByteArray("6m0s"));
    }
};

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"
