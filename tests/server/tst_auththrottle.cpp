#include "AuthThrottle.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestAuthThrottle final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void throttleSlowsRepeatedFailuresFromOneAddress()
    {
        qint64 now = 0;
        AuthThrottle throttle([&now] { return now; });
        const QString attacker = u"203.0.113.9"_s;
        for (int i = 0; i < AuthThrottle::FreeFailures; ++i) {
            QCOMPARE(throttle.delayFor(attacker), 0);
            throttle.failed(attacker);
        }
        QCOMPARE(throttle.delayFor(attacker), AuthThrottle::BaseDelayMs);
        throttle.failed(attacker);
        QCOMPARE(throttle.delayFor(attacker), 2 * AuthThrottle::BaseDelayMs);
        for (int i = 0; i < 40; ++i)
            throttle.failed(attacker);
        QCOMPARE(throttle.delayFor(attacker), AuthThrottle::MaxDelayMs);
        // Others are not slowed down by one address's guessing.
        QCOMPARE(throttle.delayFor(u"198.51.100.1"_s), 0);
        // A quiet period forgets.
        now += AuthThrottle::ForgetAfterMs + 1;
        QCOMPARE(throttle.delayFor(attacker), 0);
        throttle.failed(attacker);
        QCOMPARE(throttle.delayFor(attacker), 0);
        // Success clears the record.
        for (int i = 0; i < 10; ++i)
            throttle.failed(attacker);
        throttle.succeeded(attacker);
        QCOMPARE(throttle.delayFor(attacker), 0);
    }

    void throttleMemoryIsBounded()
    {
        qint64 now = 0;
        AuthThrottle throttle([&now] { return now; });
        for (int i = 0; i < AuthThrottle::MaxAddresses + 10; ++i) {
            ++now;
            throttle.failed(u"10.%1.%2.%3"_s.arg(i >> 16).arg((i >> 8) & 255).arg(i & 255));
        }
        // The newest address is remembered; the oldest were let go to make room.
        const QString newest = u"10.%1.%2.%3"_s.arg((AuthThrottle::MaxAddresses + 9) >> 16)
                                   .arg(((AuthThrottle::MaxAddresses + 9) >> 8) & 255)
                                   .arg((AuthThrottle::MaxAddresses + 9) & 255);
        for (int i = 0; i < AuthThrottle::FreeFailures; ++i)
            throttle.failed(newest);
        QVERIFY(throttle.delayFor(newest) > 0);
    }
};

QTEST_GUILESS_MAIN(TestAuthThrottle)
#include "tst_auththrottle.moc"
