#include "SpendStoreContract.h"

#include "LifecycleStore.h"
#include "StoreOutcome.h"
#include "TestSupport.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 DayMs = 24 * 60 * 60 * 1000;
// Priced at one micro-USD a token, so a claim's tokens are its cost.
const QString Model = u"metered-model"_s;

UsageEvent eventOf(const QString& keyId, qint64 timeMs, qint64 costMicros)
{
    UsageEvent event;
    event.timeMs = timeMs;
    event.key = keyId;
    event.model = Model;
    event.endpoint = u"/v1/chat/completions"_s;
    event.status = 200;
    event.promptTokens = costMicros;
    event.costMicros = costMicros;
    return event;
}
} // namespace

SpendStoreContract::SpendStoreContract(Factory factory, QObject* parent)
    : QObject(parent)
    , m_factory(std::move(factory))
{}

SpendStoreContract::~SpendStoreContract() = default;

void SpendStoreContract::init()
{
    m_clock = std::make_unique<ManualClock>(StartMs);
    m_store = m_factory(*m_clock);
    QVERIFY2(m_store, "the factory could not make a fresh store");
    QVERIFY2(m_store->spend(), "the store keeps no spend ledger");
    PriceTable prices = PriceTable::defaults();
    prices.setPrice(Model, {1'000'000, 1'000'000});
    const auto set = outcomeOf(usage().setPriceTable(prices));
    QVERIFY2(set.ok(), qPrintable(set.describe()));
}

void SpendStoreContract::cleanup()
{
    m_store.reset();
    m_clock.reset();
}

QString SpendStoreContract::createKey(KeySpec spec)
{
    if (spec.label.isEmpty())
        spec.label = u"capped"_s;
    const auto created = outcomeOf(keys().createKey(spec));
    if (!created.ok()) {
        qWarning("cannot create a key: %s", qPrintable(created.describe()));
        return {};
    }
    return created.value().record.id;
}

SpendStore::Claim SpendStoreContract::claim(const QString& keyId, qint64 promptTokens,
                                            const QString& holder) const
{
    return {keyId, Model, promptTokens, 0, holder};
}

std::optional<SpendStore::Admission> SpendStoreContract::reserve(const SpendStore::Claim& claim)
{
    const auto admission = outcomeOf(spend().reserveSpend(claim));
    if (!admission.ok()) {
        qWarning("reserveSpend failed: %s", qPrintable(admission.describe()));
        return std::nullopt;
    }
    return admission.value();
}

bool SpendStoreContract::spent(const QString& keyId, const QList<std::pair<qint64, qint64>>& costs)
{
    QList<UsageEvent> events;
    for (const auto& [timeMs, costMicros] : costs)
        events << eventOf(keyId, timeMs, costMicros);
    const auto recorded = outcomeOf(usage().recordUsage(events));
    if (!recorded.ok())
        qWarning("recordUsage failed: %s", qPrintable(recorded.describe()));
    return recorded.ok();
}

qint64 SpendStoreContract::reserved(const QString& keyId)
{
    const auto sum = outcomeOf(spend().reservedMicros(keyId));
    return sum.ok() ? sum.value() : -1;
}

void SpendStoreContract::reservesWhileTheWorstCaseFitsTheDailyCap()
{
    KeySpec spec;
    spec.spendCapDayMicros = 1'000'000;
    const QString id = createKey(spec);
    QVERIFY(!id.isEmpty());
    using Verdict = SpendStore::Admission::Verdict;
    for (int i = 0; i < 3; ++i) {
        const auto admission = reserve(claim(id, 300'000));
        QVERIFY(admission);
        QCOMPARE(admission->verdict, Verdict::Reserved);
        QCOMPARE(admission->amountMicros, qint64(300'000));
        QVERIFY(admission->reservationId.startsWith(u"rsv_"_s));
    }
    QCOMPARE(reserved(id), qint64(900'000));
    // 0.9 committed: a 0.3 worst case would pass the cap, a 0.1 one fits it exactly.
    const auto refused = reserve(claim(id, 300'000));
    QVERIFY(refused);
    QCOMPARE(refused->verdict, Verdict::Refused);
    QVERIFY(refused->reservationId.isEmpty());
    QVERIFY(refused->refusal);
    QCOMPARE(refused->refusal->kind, SpendAllowance::Refusal::Kind::SpendCap);
    QCOMPARE(refused->refusal->window, SpendWindows::Window::Day);
    QCOMPARE(refused->refusal->limitMicros, qint64(1'000'000));
    QCOMPARE(refused->refusal->committedMicros, qint64(900'000));
    QCOMPARE(refused->refusal->requestMicros, qint64(300'000));
    QCOMPARE(refused->refusal->resetsAtMs,
             std::optional<qint64>(TestSupport::at("2026-01-08T00:00:00Z")));
    QCOMPARE(reserve(claim(id, 100'000))->verdict, Verdict::Reserved);
    // Nothing left: even a request the price table makes free waits for the next day.
    QCOMPARE(reserve(claim(id, 0))->verdict, Verdict::Refused);
    QCOMPARE(reserved(id), qint64(1'000'000));
}

void SpendStoreContract::weeklyAndMonthlyCapsCountEarlierDays()
{
    KeySpec spec;
    spec.spendCapDayMicros = 2'000'000;
    spec.spendCapWeekMicros = 2'000'000;
    spec.spendCapMonthMicros = 3'000'000;
    const QString id = createKey(spec);
    QVERIFY(!id.isEmpty());
    // Monday of this week, and the last day of the week before (still this month).
    QVERIFY(spent(id, {{TestSupport::at("2026-01-05T09:00:00Z"), 1'500'000},
                       {TestSupport::at("2026-01-04T09:00:00Z"), 1'000'000}}));
    const auto week = reserve(claim(id, 600'000));
    QVERIFY(week);
    QCOMPARE(week->verdict, SpendStore::Admission::Verdict::Refused);
    QCOMPARE(week->refusal->window, SpendWindows::Window::Week);
    QCOMPARE(week->refusal->committedMicros, qint64(1'500'000));
    QCOMPARE(week->refusal->resetsAtMs,
             std::optional<qint64>(TestSupport::at("2026-01-12T00:00:00Z")));
    QCOMPARE(reserve(claim(id, 400'000))->verdict, SpendStore::Admission::Verdict::Reserved);
    // 1.9 of the week's 2 is committed now.
    const auto both = reserve(claim(id, 200'000));
    QVERIFY(both);
    QCOMPARE(both->verdict, SpendStore::Admission::Verdict::Refused);
    QCOMPARE(both->refusal->window, SpendWindows::Window::Week);
    // A new week (the reservation long lapsed): only the month's 2.5 of 3 stands in the way.
    m_clock->advanceMs(7 * DayMs);
    const auto month = reserve(claim(id, 600'000));
    QVERIFY(month);
    QCOMPARE(month->verdict, SpendStore::Admission::Verdict::Refused);
    QCOMPARE(month->refusal->window, SpendWindows::Window::Month);
    QCOMPARE(month->refusal->committedMicros, qint64(2'500'000));
    QCOMPARE(month->refusal->resetsAtMs,
             std::optional<qint64>(TestSupport::at("2026-02-01T00:00:00Z")));
    QCOMPARE(reserve(claim(id, 500'000))->verdict, SpendStore::Admission::Verdict::Reserved);
}

void SpendStoreContract::aQuotaRefusesAsInsufficient()
{
    KeySpec spec;
    spec.quotaLimitMicros = 500'000;
    const QString id = createKey(spec);
    QVERIFY(!id.isEmpty());
    QCOMPARE(reserve(claim(id, 300'000))->verdict, SpendStore::Admission::Verdict::Reserved);
    const auto refused = reserve(claim(id, 300'000));
    QVERIFY(refused);
    QCOMPARE(refused->verdict, SpendStore::Admission::Verdict::Refused);
    QCOMPARE(refused->refusal->kind, SpendAllowance::Refusal::Kind::Quota);
    QCOMPARE(refused->refusal->limitMicros, qint64(500'000));
    QCOMPARE(refused->refusal->committedMicros, qint64(300'000));
    // A pay-as-you-go quota does not renew by itself.
    QCOMPARE(refused->refusal->resetsAtMs, std::optional<qint64>());
}

void SpendStoreContract::aSubscriptionQuotaResetsWithItsCycle()
{
    KeySpec spec;
    spec.type = KeyType::Subscription;
    spec.billingCycleDay = 15;
    spec.quotaLimitMicros = 1'000'000;
    const QString id = createKey(spec);
    QVERIFY(!id.isEmpty());
    // Spent in this cycle (from 2025-12-15) and in the one before, which no longer counts.
    QVERIFY(spent(id, {{TestSupport::at("2025-12-20T10:00:00Z"), 900'000},
                       {TestSupport::at("2025-12-10T10:00:00Z"), 5'000'000}}));
    const auto refused = reserve(claim(id, 200'000));
    QVERIFY(refused);
    QCOMPARE(refused->verdict, SpendStore::Admission::Verdict::Refused);
    QCOMPARE(refused->refusal->kind, SpendAllowance::Refusal::Kind::Quota);
    QCOMPARE(refused->refusal->committedMicros, qint64(900'000));
    QCOMPARE(refused->refusal->resetsAtMs,
             std::optional<qint64>(TestSupport::at("2026-01-15T00:00:00Z")));
    QCOMPARE(reserve(claim(id, 100'000))->verdict, SpendStore::Admission::Verdict::Reserved);
}

void SpendStoreContract::settlingRecordsTheRealCostAndReleases()
{
    KeySpec spec;
    spec.spendCapDayMicros = 1'000'000;
    const QString id = createKey(spec);
    QVERIFY(!id.isEmpty());
    const auto first = reserve(claim(id, 600'000));
    QVERIFY(first && first->verdict == SpendStore::Admission::Verdict::Reserved);
    QCOMPARE(reserve(claim(id, 600'000))->verdict, SpendStore::Admission::Verdict::Refused);

    UsageEvent event = eventOf(id, StartMs, 0);
    event.costMicros.reset();
    event.promptTokens = 120;
    event.completionTokens = 30;
    event.requestId = u"req-settled"_s;
    const auto settled = outcomeOf(spend().settleSpend({{first->reservationId, event}}));
    QVERIFY2(settled.ok(), qPrintable(settled.describe()));
    QCOMPARE(settled.value(), qint64(1));
    QCOMPARE(reserved(id), qint64(0));
    // Priced from the table, as recordUsage() prices: 150 tokens, 150 micro-USD.
    const auto key = outcomeOf(keys().findKey(id));
    QVERIFY2(key.ok(), qPrintable(key.describe()));
    QCOMPARE(key.value().spendDayMicros, qint64(150));
    QCOMPARE(key.value().lastUsedAtMs, std::optional<qint64>(StartMs));
    QCOMPARE(reserve(claim(id, 600'000))->verdict, SpendStore::Admission::Verdict::Reserved);
    // Settled twice (a batch sent again at shutdown): stored once, nothing else released.
    const auto again = outcomeOf(spend().settleSpend({{first->reservationId, event}}));
    QVERIFY2(again.ok(), qPrintable(again.describe()));
    QCOMPARE(again.value(), qint64(0));
    QCOMPARE(reserved(id), qint64(600'000));
    // A request that reserved nothing settles as a plain usage event.
    UsageEvent plain = eventOf(id, StartMs, 7);
    plain.requestId = u"req-plain"_s;
    QCOMPARE(outcomeOf(spend().settleSpend({{QString(), plain}})).value(), qint64(1));
    QCOMPARE(outcomeOf(keys().findKey(id)).value().spendDayMicros, qint64(157));
}

void SpendStoreContract::theKeysStateIsReadFromTheStore()
{
    using Verdict = SpendStore::Admission::Verdict;
    KeySpec spec;
    spec.spendCapDayMicros = 1'000'000;
    spec.expiresAtMs = StartMs + DayMs;
    const QString id = createKey(spec);
    QVERIFY(!id.isEmpty());
    QCOMPARE(reserve(claim(id, 1))->verdict, Verdict::Reserved);
    QVERIFY(outcomeOf(keys().setKeyStatus(id, KeyStatus::Disabled)).ok());
    QCOMPARE(reserve(claim(id, 1))->verdict, Verdict::Disabled);
    // Refused claims reserve nothing.
    QCOMPARE(reserved(id), qint64(1));
    QVERIFY(outcomeOf(keys().setKeyStatus(id, KeyStatus::Active)).ok());
    m_clock->advanceMs(DayMs);
    QCOMPARE(reserve(claim(id, 1))->verdict, Verdict::Expired);
    QVERIFY(outcomeOf(keys().setKeyStatus(id, KeyStatus::Revoked)).ok());
    QCOMPARE(reserve(claim(id, 1))->verdict, Verdict::Revoked);
    QCOMPARE(reserve(claim(u"key_doesNotExist"_s, 1))->verdict, Verdict::NotFound);
}

void SpendStoreContract::lapsedReservationsStopCountingAndAreSwept()
{
    KeySpec spec;
    spec.spendCapDayMicros = 1'000'000;
    const QString id = createKey(spec);
    QVERIFY(!id.isEmpty());
    QCOMPARE(reserve(claim(id, 1'000'000, u"gw-crashed"_s))->verdict,
             SpendStore::Admission::Verdict::Reserved);
    QCOMPARE(reserve(claim(id, 1))->verdict, SpendStore::Admission::Verdict::Refused);
    m_clock->advanceMs(SpendStore::LeaseMs - 1);
    QCOMPARE(outcomeOf(spend().sweepReservations()).value(), qint64(0));
    QCOMPARE(reserved(id), qint64(1'000'000));
    m_clock->advanceMs(1);
    // Its holder never renewed it: from now it promises nothing, and the sweep removes it.
    QCOMPARE(reserved(id), qint64(0));
    QCOMPARE(reserve(claim(id, 1))->verdict, SpendStore::Admission::Verdict::Reserved);
    QCOMPARE(outcomeOf(spend().sweepReservations()).value(), qint64(1));
    QCOMPARE(reserved(id), qint64(1));
}

void SpendStoreContract::renewalKeepsAReservation()
{
    KeySpec spec;
    spec.spendCapDayMicros = 1'000'000;
    const QString id = createKey(spec);
    QVERIFY(!id.isEmpty());
    QVERIFY(reserve(claim(id, 400'000, u"gw-a"_s)));
    QVERIFY(reserve(claim(id, 300'000, u"gw-b"_s)));
    for (int i = 0; i < 3; ++i) {
        m_clock->advanceMs(SpendStore::LeaseMs * 2 / 3);
        QCOMPARE(outcomeOf(spend().renewReservations(u"gw-a"_s)).value(), qint64(1));
    }
    QCOMPARE(reserved(id), qint64(400'000));
    QCOMPARE(outcomeOf(spend().sweepReservations()).value(), qint64(1));
}

void SpendStoreContract::releaseFreesOnlyTheHoldersReservations()
{
    KeySpec spec;
    spec.quotaLimitMicros = 1'000'000;
    const QString id = createKey(spec);
    QVERIFY(!id.isEmpty());
    QVERIFY(reserve(claim(id, 100'000, u"gw-a"_s)));
    QVERIFY(reserve(claim(id, 200'000, u"gw-a"_s)));
    QVERIFY(reserve(claim(id, 400'000, u"gw-b"_s)));
    QCOMPARE(outcomeOf(spend().releaseReservations(u"gw-a"_s)).value(), qint64(2));
    QCOMPARE(reserved(id), qint64(400'000));
    QCOMPARE(outcomeOf(spend().releaseReservations(u"gw-a"_s)).value(), qint64(0));
}

void SpendStoreContract::manyClaimsAtOnceNeverOverbook()
{
    KeySpec spec;
    spec.spendCapDayMicros = 1'000'000;
    const QString id = createKey(spec);
    QVERIFY(!id.isEmpty());
    QList<QFuture<SpendStore::Admission>> claims;
    for (int i = 0; i < 200; ++i)
        claims << spend().reserveSpend(claim(id, 30'000 + i % 7));
    qint64 reservedSum = 0;
    int admitted = 0;
    for (const QFuture<SpendStore::Admission>& future : claims) {
        const auto admission = outcomeOf(future);
        QVERIFY2(admission.ok(), qPrintable(admission.describe()));
        if (admission.value().verdict == SpendStore::Admission::Verdict::Reserved) {
            ++admitted;
            reservedSum += admission.value().amountMicros;
        }
    }
    QVERIFY(admitted >= 30);
    QVERIFY(reservedSum <= 1'000'000);
    QCOMPARE(reserved(id), reservedSum);
}

void SpendStoreContract::claimsOnSeveralKeysAtOnceEachGetTheirOwnAnswer()
{
    KeySpec spec;
    spec.spendCapDayMicros = 1'000'000;
    spec.label = u"first"_s;
    const QString first = createKey(spec);
    spec.label = u"second"_s;
    const QString second = createKey(spec);
    spec.label = u"revoked"_s;
    const QString revoked = createKey(spec);
    QVERIFY(!first.isEmpty() && !second.isEmpty() && !revoked.isEmpty());
    QVERIFY(outcomeOf(keys().setKeyStatus(revoked, KeyStatus::Revoked)).ok());
    // Issued without waiting, so a store that admits claims together gets them together.
    QList<QFuture<SpendStore::Admission>> onFirst;
    QList<QFuture<SpendStore::Admission>> onSecond;
    QList<QFuture<SpendStore::Admission>> others;
    for (int i = 0; i < 30; ++i) {
        onFirst << spend().reserveSpend(claim(first, 100'000));
        onSecond << spend().reserveSpend(claim(second, 300'000));
        if (i % 10 == 0) {
            others << spend().reserveSpend(claim(revoked, 1));
            others << spend().reserveSpend(claim(u"key_neverwas"_s, 1));
            others << spend().reserveSpend(claim(first, -1));
        }
    }
    using Verdict = SpendStore::Admission::Verdict;
    const auto reservedOf = [](const QList<QFuture<SpendStore::Admission>>& futures) {
        int count = 0;
        for (const QFuture<SpendStore::Admission>& future : futures) {
            const auto admission = outcomeOf(future);
            if (!admission.ok()) {
                qWarning("reserveSpend failed: %s", qPrintable(admission.describe()));
                return -1;
            }
            count += admission.value().verdict == Verdict::Reserved ? 1 : 0;
        }
        return count;
    };
    // Exactly what fits, on each key: none refused early, none admitted past the cap.
    QCOMPARE(reservedOf(onFirst), 10);
    QCOMPARE(reservedOf(onSecond), 3);
    QCOMPARE(reserved(first), qint64(1'000'000));
    QCOMPARE(reserved(second), qint64(900'000));
    for (qsizetype i = 0; i < others.size(); i += 3) {
        QCOMPARE(outcomeOf(others.at(i)).value().verdict, Verdict::Revoked);
        QCOMPARE(outcomeOf(others.at(i + 1)).value().verdict, Verdict::NotFound);
        QVERIFY(outcomeOf(others.at(i + 2)).failedWith(StoreError::Code::Invalid));
    }
    QCOMPARE(reserved(revoked), qint64(0));
}

void SpendStoreContract::aTiersRequestsAMonthCountServedAndInFlightRequests()
{
    KeySpec spec;
    spec.tier = Tier::Free;
    const QString id = createKey(spec);
    QVERIFY(!id.isEmpty());
    // 498 answered this month, refusals that use none of the 500, and last month's requests.
    QList<UsageEvent> events;
    for (int i = 0; i < 498; ++i)
        events << eventOf(id, StartMs - i * 1000, 0);
    for (int i = 0; i < 5; ++i) {
        UsageEvent refused = eventOf(id, StartMs - i * 1000, 0);
        refused.status = 429;
        events << refused;
    }
    for (int i = 0; i < 10; ++i)
        events << eventOf(id, TestSupport::at("2025-12-31T23:00:00Z") + i, 0);
    for (qsizetype i = 0; i < events.size(); ++i)
        events[i].requestId = u"req-%1"_s.arg(i);
    QVERIFY(outcomeOf(usage().recordUsage(events)).ok());

    using Verdict = SpendStore::Admission::Verdict;
    const auto first = reserve(claim(id, 1));
    QVERIFY(first);
    QCOMPARE(first->verdict, Verdict::Reserved);
    QCOMPARE(reserve(claim(id, 1))->verdict, Verdict::Reserved);
    // 498 served and 2 in flight: the 501st waits for the next month.
    const auto refused = reserve(claim(id, 1));
    QVERIFY(refused);
    QCOMPARE(refused->verdict, Verdict::Refused);
    QCOMPARE(refused->refusal->kind, SpendAllowance::Refusal::Kind::MonthlyRequests);
    QCOMPARE(refused->refusal->limitRequests, qint64(500));
    QCOMPARE(refused->refusal->committedRequests, qint64(500));
    QCOMPARE(refused->refusal->resetsAtMs,
             std::optional<qint64>(TestSupport::at("2026-02-01T00:00:00Z")));

    // A settlement that was an error frees its place; one that was answered keeps it.
    UsageEvent failed = eventOf(id, StartMs, 0);
    failed.status = 502;
    failed.requestId = u"req-failed"_s;
    QVERIFY(outcomeOf(spend().settleSpend({{first->reservationId, failed}})).ok());
    QCOMPARE(reserve(claim(id, 1))->verdict, Verdict::Reserved);
    QCOMPARE(reserve(claim(id, 1))->verdict, Verdict::Refused);

    // An enterprise key has no such limit.
    spec.tier = Tier::Enterprise;
    spec.label = u"unlimited"_s;
    const QString unlimited = createKey(spec);
    QVERIFY(!unlimited.isEmpty());
    QVERIFY(!SpendAllowance::isLimited(spec));
    QCOMPARE(reserve(claim(unlimited, 1))->verdict, Verdict::Reserved);

    m_clock->setNowUtcMs(TestSupport::at("2026-02-01T00:00:01Z"));
    QCOMPARE(reserve(claim(id, 1))->verdict, Verdict::Reserved);
}

void SpendStoreContract::aRotatedKeyAndItsSuccessorShareOneBudget()
{
    KeySpec spec;
    spec.spendCapDayMicros = 1'000'000;
    spec.quotaLimitMicros = 1'500'000;
    const QString old = createKey(spec);
    QVERIFY(!old.isEmpty());
    // 90% of the day cap spent, then rotated: the successor starts where the old key is.
    QVERIFY(spent(old, {{StartMs - 60'000, 900'000}}));
    const auto rotated = outcomeOf(m_store->lifecycle().rotateKey(old));
    QVERIFY2(rotated.ok(), qPrintable(rotated.describe()));
    const QString successor = rotated.value().record.id;
    using Verdict = SpendStore::Admission::Verdict;
    const auto refused = reserve(claim(successor, 200'000));
    QVERIFY(refused);
    QCOMPARE(refused->verdict, Verdict::Refused);
    QCOMPARE(refused->refusal->kind, SpendAllowance::Refusal::Kind::SpendCap);
    QCOMPARE(refused->refusal->committedMicros, qint64(900'000));
    QCOMPARE(reserve(claim(successor, 100'000))->verdict, Verdict::Reserved);
    // What one has reserved counts for the other: the cap is full for both.
    const auto full = reserve(claim(old, 1));
    QVERIFY(full);
    QCOMPARE(full->verdict, Verdict::Refused);
    QCOMPARE(full->refusal->committedMicros, qint64(1'000'000));
    const auto record = outcomeOf(keys().findKey(successor));
    QVERIFY2(record.ok(), qPrintable(record.describe()));
    QCOMPARE(record.value().spendDayMicros, qint64(900'000));
    QCOMPARE(record.value().quotaUsedMicros, qint64(900'000));

    // A new day frees the day cap but not the quota, which counts the chain's whole spend.
    m_clock->setNowUtcMs(StartMs + DayMs);
    QVERIFY(spent(successor, {{StartMs + DayMs, 500'000}}));
    const auto overQuota = reserve(claim(successor, 200'000));
    QVERIFY(overQuota);
    QCOMPARE(overQuota->verdict, Verdict::Refused);
    QCOMPARE(overQuota->refusal->kind, SpendAllowance::Refusal::Kind::Quota);
    QCOMPARE(reserve(claim(old, 100'000))->verdict, Verdict::Reserved);
}

void SpendStoreContract::aSettlementNamingNoKeyFailsWhole()
{
    KeySpec spec;
    spec.quotaLimitMicros = 1'000'000;
    const QString id = createKey(spec);
    QVERIFY(!id.isEmpty());
    const auto admission = reserve(claim(id, 100'000));
    QVERIFY(admission);
    UsageEvent good = eventOf(id, StartMs, 10);
    good.requestId = u"req-good"_s;
    UsageEvent stray = eventOf(u"key_gone"_s, StartMs, 10);
    stray.requestId = u"req-stray"_s;
    const auto settled =
        outcomeOf(spend().settleSpend({{admission->reservationId, good}, {QString(), stray}}));
    QVERIFY(settled.failedWith(StoreError::Code::Invalid));
    QVERIFY(settled.namesField(u"key"_s));
    // Nothing was stored and nothing released.
    QCOMPARE(reserved(id), qint64(100'000));
    QCOMPARE(outcomeOf(keys().findKey(id)).value().spendDayMicros, qint64(0));
}

void SpendStoreContract::aBadClaimIsInvalid()
{
    KeySpec spec;
    spec.quotaLimitMicros = 1'000'000;
    const QString id = createKey(spec);
    QVERIFY(!id.isEmpty());
    const auto negative = outcomeOf(spend().reserveSpend(claim(id, -1)));
    QVERIFY(negative.failedWith(StoreError::Code::Invalid));
    QVERIFY(negative.namesField(u"tokens"_s));
    const auto anonymous = outcomeOf(spend().reserveSpend(claim(id, 1, QString())));
    QVERIFY(anonymous.failedWith(StoreError::Code::Invalid));
    QVERIFY(anonymous.namesField(u"holder"_s));
    QCOMPARE(reserved(id), qint64(0));
}
