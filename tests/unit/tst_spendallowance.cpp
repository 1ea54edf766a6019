// The gateway's admission rule for money: windows in UTC, caps before the quota, a request
// refused when what is committed reaches a limit or its worst case would pass one.
#include "SpendAllowance.h"
#include "TestSupport.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestSpendAllowance final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void windowsAreUtcDayIsoWeekAndMonth()
    {
        // Sunday late evening: the ISO week began the Monday before.
        const SpendWindows w = SpendWindows::at(TestSupport::at("2026-03-01T23:59:59.999Z"));
        QCOMPARE(w.dayFromMs, TestSupport::at("2026-03-01T00:00:00Z"));
        QCOMPARE(w.dayToMs, TestSupport::at("2026-03-02T00:00:00Z"));
        QCOMPARE(w.weekFromMs, TestSupport::at("2026-02-23T00:00:00Z"));
        QCOMPARE(w.weekToMs, TestSupport::at("2026-03-02T00:00:00Z"));
        QCOMPARE(w.monthFromMs, TestSupport::at("2026-03-01T00:00:00Z"));
        QCOMPARE(w.monthToMs, TestSupport::at("2026-04-01T00:00:00Z"));
        QCOMPARE(w.endOf(SpendWindows::Window::Week), TestSupport::at("2026-03-02T00:00:00Z"));
        // A leap day's month, and a year's turn.
        QCOMPARE(SpendWindows::at(TestSupport::at("2028-02-29T12:00:00Z")).monthToMs,
                 TestSupport::at("2028-03-01T00:00:00Z"));
        QCOMPARE(SpendWindows::at(TestSupport::at("2026-12-31T12:00:00Z")).weekToMs,
                 TestSupport::at("2027-01-04T00:00:00Z"));
    }

    void onlyKeysWithACapAQuotaOrAMonthlyTierAreLimited()
    {
        KeySpec spec;
        spec.tier = Tier::Enterprise;
        QVERIFY(!SpendAllowance::isLimited(spec));
        spec.spendCapWeekMicros = 1;
        QVERIFY(SpendAllowance::isLimited(spec));
        QVERIFY(SpendAllowance::limitsSpend(spec));
        spec = {};
        spec.tier = Tier::Enterprise;
        spec.quotaLimitMicros = 0;
        QVERIFY(SpendAllowance::isLimited(spec));
        // Free, Starter and Pro count requests a month: admitted by reservation, but what a
        // request may cost does not matter to them.
        for (Tier tier : {Tier::Free, Tier::Starter, Tier::Pro}) {
            spec = {};
            spec.tier = tier;
            QVERIFY(SpendAllowance::isLimited(spec));
            QVERIFY(!SpendAllowance::limitsSpend(spec));
        }
    }

    void aTiersRequestsAMonthCountServedAndInFlight()
    {
        const qint64 now = TestSupport::at("2026-12-31T23:00:00Z");
        KeySpec spec;
        spec.tier = Tier::Starter;
        QVERIFY(!SpendAllowance::checkRequests(spec, 9'990, 9, now));
        const auto full = SpendAllowance::checkRequests(spec, 9'990, 10, now);
        QVERIFY(full);
        QCOMPARE(full->kind, SpendAllowance::Refusal::Kind::MonthlyRequests);
        QCOMPARE(full->limitRequests, qint64(10'000));
        QCOMPARE(full->committedRequests, qint64(10'000));
        QCOMPARE(full->resetsAtMs, std::optional<qint64>(TestSupport::at("2027-01-01T00:00:00Z")));
        QCOMPARE(SpendAllowance::describe(*full),
                 u"this API key's tier allows 10,000 requests a month, and 10,000 are served or "
                 "under way; it resets at 2027-01-01T00:00:00Z"_s);
        spec.tier = Tier::Enterprise;
        QVERIFY(!SpendAllowance::checkRequests(spec, 1'000'000'000, 1'000, now));
    }

    void theWorstCaseMustFitEveryCap()
    {
        const qint64 now = TestSupport::at("2026-01-07T12:00:00Z");
        ApiKeyRecord key;
        key.spec.spendCapDayMicros = 1'000'000;
        key.spec.spendCapMonthMicros = 5'000'000;
        key.spendDayMicros = 400'000;
        key.spendMonthMicros = 4'500'000;
        QVERIFY(!SpendAllowance::check(key, 100'000, 400'000, now));
        // 0.4 spent + 0.1 reserved + 0.5: exactly the day's cap, then the month's passes.
        const auto month = SpendAllowance::check(key, 100'000, 500'000, now);
        QVERIFY(month);
        QCOMPARE(month->kind, SpendAllowance::Refusal::Kind::SpendCap);
        QCOMPARE(month->window, SpendWindows::Window::Month);
        QCOMPARE(month->committedMicros, qint64(4'600'000));
        QCOMPARE(month->resetsAtMs, std::optional<qint64>(TestSupport::at("2026-02-01T00:00:00Z")));
        const auto day = SpendAllowance::check(key, 100'000, 500'001, now);
        QCOMPARE(day->window, SpendWindows::Window::Day);
        // Nothing left, even for a free request.
        key.spendDayMicros = 1'000'000;
        QVERIFY(SpendAllowance::check(key, 0, 0, now));
    }

    void theQuotaComesAfterTheCaps()
    {
        const qint64 now = TestSupport::at("2026-01-07T12:00:00Z");
        ApiKeyRecord key;
        key.spec.quotaLimitMicros = 2'000'000;
        key.spec.spendCapDayMicros = 10'000'000;
        key.quotaUsedMicros = 1'900'000;
        const auto quota = SpendAllowance::check(key, 0, 200'000, now);
        QVERIFY(quota);
        QCOMPARE(quota->kind, SpendAllowance::Refusal::Kind::Quota);
        QCOMPARE(quota->resetsAtMs, std::optional<qint64>());
        key.spec.type = KeyType::Subscription;
        key.spec.billingCycleDay = 3;
        QCOMPARE(SpendAllowance::check(key, 0, 200'000, now)->resetsAtMs,
                 std::optional<qint64>(TestSupport::at("2026-02-03T00:00:00Z")));
        key.spendDayMicros = 10'000'000;
        QCOMPARE(SpendAllowance::check(key, 0, 200'000, now)->kind,
                 SpendAllowance::Refusal::Kind::SpendCap);
    }

    void theMessageSaysWhatWhenAndHowMuch()
    {
        SpendAllowance::Refusal cap{SpendAllowance::Refusal::Kind::SpendCap,
                                    SpendWindows::Window::Day,
                                    5'000'000,
                                    4'990'000,
                                    20'000,
                                    TestSupport::at("2026-12-03T00:00:00Z")};
        QCOMPARE(SpendAllowance::describe(cap),
                 u"this API key's spend cap of $5.00 per day is reached ($4.99 spent or reserved, "
                 "this request may cost up to $0.02); it resets at 2026-12-03T00:00:00Z"_s);
        SpendAllowance::Refusal quota{SpendAllowance::Refusal::Kind::Quota,
                                      SpendWindows::Window::Day,
                                      1'000'000,
                                      1'000'000,
                                      0,
                                      std::nullopt};
        QCOMPARE(SpendAllowance::describe(quota),
                 u"this API key's quota of $1.00 is used up ($1.00 spent or reserved, this request "
                 "may cost up to $0.00); an admin can raise it"_s);
    }
};

QTEST_GUILESS_MAIN(TestSpendAllowance)
#include "tst_spendallowance.moc"
