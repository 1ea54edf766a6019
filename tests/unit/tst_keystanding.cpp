// What an active key's row and alerts say about its limits: reached ones as the gateway refuses
// them (402 for the quota, 429 for a cap), near ones from 80%, the one that matters most first.
#include "KeyStanding.h"
#include "SpendAllowance.h"
#include "TestSupport.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 Usd = 1'000'000;

ApiKeyRecord key()
{
    ApiKeyRecord record;
    record.id = u"key_1"_s;
    record.status = KeyStatus::Active;
    return record;
}
} // namespace

class TestKeyStanding final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aKeyWithoutLimitsIsClear()
    {
        QVERIFY(KeyStanding::uses(key(), TestSupport::at("2026-12-03T10:00:00Z")).isEmpty());
        QVERIFY(!KeyStanding::worst(key(), TestSupport::at("2026-12-03T10:00:00Z")));
        QCOMPARE(KeyStanding::level(std::nullopt), KeyStanding::Level::Clear);
    }

    void aReachedDayCapSaysSoAndWhenItResets()
    {
        ApiKeyRecord k = key();
        k.spec.spendCapDayMicros = 5 * Usd;
        k.spendDayMicros = 5 * Usd;
        const qint64 now = TestSupport::at("2026-12-03T10:00:00Z");
        const auto worst = KeyStanding::worst(k, now);
        QVERIFY(worst);
        QCOMPARE(KeyStanding::level(worst), KeyStanding::Level::Reached);
        QCOMPARE(KeyStanding::shortText(*worst), u"Day cap reached"_s);
        QCOMPARE(worst->resetsAtMs, std::optional<qint64>(TestSupport::at("2026-12-04T00:00:00Z")));
        QCOMPARE(KeyStanding::refusalText(worst->limit), u"429 quota_exceeded"_s);
        // The gateway agrees: even a request that costs nothing is refused.
        QVERIFY(SpendAllowance::check(k, 0, 0, now));
    }

    void anExhaustedQuotaOutweighsAReachedCap()
    {
        ApiKeyRecord k = key();
        k.spec.spendCapDayMicros = 5 * Usd;
        k.spendDayMicros = 6 * Usd;
        k.spec.quotaLimitMicros = 40 * Usd;
        k.quotaUsedMicros = 40 * Usd;
        const auto worst = KeyStanding::worst(k, TestSupport::at("2026-12-03T10:00:00Z"));
        QCOMPARE(worst->limit, KeyStanding::Limit::Quota);
        QCOMPARE(KeyStanding::shortText(*worst), u"Quota exhausted"_s);
        QCOMPARE(KeyStanding::refusalText(worst->limit), u"402 insufficient_quota"_s);
        // A pay-as-you-go quota comes back only when an admin raises it.
        QVERIFY(!worst->resetsAtMs);
        QCOMPARE(KeyStanding::uses(k, TestSupport::at("2026-12-03T10:00:00Z")).size(), 2);
    }

    void aSubscriptionQuotaResetsWithTheNextCycle()
    {
        ApiKeyRecord k = key();
        k.spec.type = KeyType::Subscription;
        k.spec.billingCycleDay = 15;
        k.spec.quotaLimitMicros = 10 * Usd;
        k.quotaUsedMicros = 10 * Usd;
        const auto worst = KeyStanding::worst(k, TestSupport::at("2026-12-03T10:00:00Z"));
        QCOMPARE(worst->resetsAtMs, std::optional<qint64>(TestSupport::at("2026-12-15T00:00:00Z")));
    }

    void nearFromEightyPercentAndTheClosestWins()
    {
        ApiKeyRecord k = key();
        k.spec.spendCapWeekMicros = 100 * Usd;
        k.spendWeekMicros = 79'999'999;
        k.spec.spendCapMonthMicros = 200 * Usd;
        k.spendMonthMicros = 120 * Usd;
        const qint64 now = TestSupport::at("2026-12-03T10:00:00Z");
        auto worst = KeyStanding::worst(k, now);
        QCOMPARE(worst->limit, KeyStanding::Limit::WeekCap);
        QCOMPARE(worst->percent(), 79);
        QCOMPARE(KeyStanding::level(worst), KeyStanding::Level::Clear);
        k.spendWeekMicros = 80 * Usd;
        worst = KeyStanding::worst(k, now);
        QCOMPARE(KeyStanding::level(worst), KeyStanding::Level::Near);
        QCOMPARE(KeyStanding::shortText(*worst), u"Week cap at 80%"_s);
        // A hair under the limit is not reached, and never shows 100%.
        k.spendWeekMicros = 100 * Usd - 1;
        worst = KeyStanding::worst(k, now);
        QCOMPARE(worst->percent(), 99);
        QCOMPARE(KeyStanding::level(worst), KeyStanding::Level::Near);
    }

    void aZeroLimitIsReachedAtOnceAndHugeAmountsDoNotOverflow()
    {
        ApiKeyRecord k = key();
        k.spec.quotaLimitMicros = 0;
        QCOMPARE(KeyStanding::level(KeyStanding::worst(k, 0)), KeyStanding::Level::Reached);
        k.spec.quotaLimitMicros = 1'000'000'000'000 * Usd;
        k.quotaUsedMicros = 900'000'000'000 * Usd;
        QCOMPARE(KeyStanding::worst(k, 0)->percent(), 90);
    }
};

QTEST_GUILESS_MAIN(TestKeyStanding)
#include "tst_keystanding.moc"
