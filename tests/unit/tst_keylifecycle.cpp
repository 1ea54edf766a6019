#include "AlertEvaluator.h"
#include "BillingCycle.h"
#include "KeyLabel.h"
#include "UtcTime.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 DayMs = 86'400'000;

qint64 at(const char16_t* text)
{
    return *UtcTime::parseRfc3339(QStringView(text));
}

ApiKeyRecord key(const QString& id, qint64 createdAt)
{
    ApiKeyRecord r;
    r.id = id;
    r.spec.label = u"label-"_s + id;
    r.createdAtMs = createdAt;
    return r;
}

AlertRule rule(qint64 id, AlertRule::Kind kind, qint64 threshold)
{
    AlertRule r;
    r.id = id;
    r.kind = kind;
    r.threshold = threshold;
    return r;
}

// Applies an outcome the way a store would, so the test can run evaluation rounds.
void apply(QList<Alert>& alerts, const AlertEvaluator::Outcome& outcome, qint64 now)
{
    for (Alert a : outcome.raised) {
        a.id = alerts.size() + 1;
        alerts << a;
    }
    for (Alert& a : alerts) {
        if (outcome.clearedIds.contains(a.id))
            a.clearedAtMs = now;
    }
}
} // namespace

class TestKeyLifecycle final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void labelVersionBumps_data();
    void labelVersionBumps();
    void billingCycleStartsOnTheBillingDay();
    void alertFiresOncePerOccurrence();
    void quotaRules();
    void spendAndExpiryRules();
    void rotationDueSkipsRotatedAndRevokedKeys();
    void ruleForOneKeyIgnoresOthers();
    void ruleValidation();
    void limitRuleWarnsWhenAQuotaOrCapRefusesRequests();
};

void TestKeyLifecycle::labelVersionBumps_data()
{
    QTest::addColumn<QString>("label");
    QTest::addColumn<QString>("next");
    QTest::newRow("plain") << u"prod-web-app"_s << u"prod-web-app-v2"_s;
    QTest::newRow("v2") << u"prod-web-app-v2"_s << u"prod-web-app-v3"_s;
    QTest::newRow("v9") << u"prod-web-app-v9"_s << u"prod-web-app-v10"_s;
    QTest::newRow("v10") << u"x-v10"_s << u"x-v11"_s;
    QTest::newRow("v1 is not a version") << u"api-v1"_s << u"api-v1-v2"_s;
    QTest::newRow("leading zero") << u"api-v02"_s << u"api-v02-v2"_s;
    QTest::newRow("not a suffix") << u"v2-api"_s << u"v2-api-v2"_s;
    QTest::newRow("bare -v") << u"api-v"_s << u"api-v-v2"_s;
    QTest::newRow("non-ascii") << u"Zürich-v3"_s << u"Zürich-v4"_s;
    // The longest labels stay rotatable: the base gives way to the suffix.
    QTest::newRow("64 characters") << QString(64, u'a') << QString(61, u'a') + u"-v2"_s;
    QTest::newRow("63 and -v9") << QString(61, u'b') + u"-v9"_s << QString(60, u'b') + u"-v10"_s;
    QString rockets;
    for (int i = 0; i < 64; ++i)
        rockets += u"🚀"_s;
    QTest::newRow("64 emoji") << rockets << rockets.left(61 * 2) + u"-v2"_s;
    QTest::newRow("cut at a dash") << QString(60, u'c') + u"-dd"_s << QString(60, u'c') + u"-v2"_s;
}

void TestKeyLifecycle::labelVersionBumps()
{
    QFETCH(QString, label);
    QFETCH(QString, next);
    QCOMPARE(KeyLabel::nextVersion(label), next);
}

void TestKeyLifecycle::billingCycleStartsOnTheBillingDay()
{
    QCOMPARE(BillingCycle::cycleStart(15, at(u"2027-03-20T10:00:00Z")),
             at(u"2027-03-15T00:00:00Z"));
    QCOMPARE(BillingCycle::cycleStart(15, at(u"2027-03-14T23:59:59Z")),
             at(u"2027-02-15T00:00:00Z"));
    QCOMPARE(BillingCycle::cycleStart(15, at(u"2027-03-15T00:00:00Z")),
             at(u"2027-03-15T00:00:00Z"));
    QCOMPARE(BillingCycle::cycleStart(1, at(u"2027-01-01T00:00:00Z")), at(u"2027-01-01T00:00:00Z"));
    QCOMPARE(BillingCycle::cycleStart(28, at(u"2027-01-10T00:00:00Z")),
             at(u"2026-12-28T00:00:00Z"));
    QCOMPARE(BillingCycle::nextCycleStart(28, at(u"2027-01-30T00:00:00Z")),
             at(u"2027-02-28T00:00:00Z"));
}

void TestKeyLifecycle::alertFiresOncePerOccurrence()
{
    const qint64 t0 = at(u"2027-01-01T00:00:00Z");
    ApiKeyRecord k = key(u"a"_s, t0);
    k.spec.quotaLimitMicros = 10'000'000;
    const QList<AlertRule> rules{rule(1, AlertRule::Kind::QuotaRemainingBelowUsd, 2'000'000)};
    QList<Alert> alerts;

    k.quotaUsedMicros = 9'000'000; // $1 left: fires
    apply(alerts, AlertEvaluator::evaluate(rules, {k}, alerts, t0), t0);
    QCOMPARE(alerts.size(), 1);
    QVERIFY(alerts[0].message.contains(u"$1.00"));

    // Still below: no second alert, acknowledged or not.
    apply(alerts, AlertEvaluator::evaluate(rules, {k}, alerts, t0 + 1), t0 + 1);
    alerts[0].acknowledgedAtMs = t0 + 2;
    apply(alerts, AlertEvaluator::evaluate(rules, {k}, alerts, t0 + 3), t0 + 3);
    QCOMPARE(alerts.size(), 1);
    QVERIFY(alerts[0].isOpen());

    // Condition clears (quota raised): the alert closes.
    k.spec.quotaLimitMicros = 100'000'000;
    apply(alerts, AlertEvaluator::evaluate(rules, {k}, alerts, t0 + 4), t0 + 4);
    QCOMPARE(alerts.size(), 1);
    QCOMPARE(alerts[0].clearedAtMs, std::optional<qint64>(t0 + 4));

    // And returns: a new alert.
    k.quotaUsedMicros = 99'500'000;
    apply(alerts, AlertEvaluator::evaluate(rules, {k}, alerts, t0 + 5), t0 + 5);
    QCOMPARE(alerts.size(), 2);
    QVERIFY(alerts[1].needsAttention());
}

void TestKeyLifecycle::quotaRules()
{
    ApiKeyRecord k = key(u"a"_s, 0);
    const AlertRule percent = rule(1, AlertRule::Kind::QuotaRemainingBelowPercent, 20);
    QVERIFY(!AlertEvaluator::holds(percent, k, 0)); // unlimited
    k.spec.quotaLimitMicros = 10'000'000;
    k.quotaUsedMicros = 8'000'000; // exactly 20% left: not below
    QVERIFY(!AlertEvaluator::holds(percent, k, 0));
    k.quotaUsedMicros = 8'000'001;
    QString message;
    QVERIFY(AlertEvaluator::holds(percent, k, 0, &message));
    QVERIFY2(message.contains(u"19%"), qPrintable(message));
}

void TestKeyLifecycle::spendAndExpiryRules()
{
    const qint64 now = at(u"2027-01-10T12:00:00Z");
    ApiKeyRecord k = key(u"a"_s, now - DayMs);
    k.spendDayMicros = 5'000'000;
    QVERIFY(!AlertEvaluator::holds(rule(1, AlertRule::Kind::SpendPerDayAbove, 5'000'000), k, now));
    QVERIFY(AlertEvaluator::holds(rule(1, AlertRule::Kind::SpendPerDayAbove, 4'999'999), k, now));
    k.spendWeekMicros = 30'000'000;
    QVERIFY(AlertEvaluator::holds(rule(2, AlertRule::Kind::SpendPerWeekAbove, 25'000'000), k, now));

    const AlertRule expiring = rule(3, AlertRule::Kind::ExpiringWithinDays, 14);
    k.spec.expiresAtMs = now + 14 * DayMs;
    QVERIFY(AlertEvaluator::holds(expiring, k, now));
    k.spec.expiresAtMs = now + 14 * DayMs + 1;
    QVERIFY(!AlertEvaluator::holds(expiring, k, now));
    k.spec.expiresAtMs = now; // already expired: no longer "expiring"
    QVERIFY(!AlertEvaluator::holds(expiring, k, now));
}

void TestKeyLifecycle::rotationDueSkipsRotatedAndRevokedKeys()
{
    const qint64 now = at(u"2027-06-01T00:00:00Z");
    const AlertRule due = rule(1, AlertRule::Kind::RotationDue, 90);
    ApiKeyRecord k = key(u"a"_s, now - 90 * DayMs);
    QVERIFY(AlertEvaluator::holds(due, k, now));
    QVERIFY(!AlertEvaluator::holds(due, k, now - 1));
    k.rotatedToId = u"b"_s;
    QVERIFY(!AlertEvaluator::holds(due, k, now));
    k.rotatedToId.clear();
    k.status = KeyStatus::Revoked;
    QVERIFY(!AlertEvaluator::holds(due, k, now));
}

void TestKeyLifecycle::ruleForOneKeyIgnoresOthers()
{
    const qint64 now = 400 * DayMs;
    AlertRule due = rule(1, AlertRule::Kind::RotationDue, 90);
    due.keyId = u"a"_s;
    const auto outcome = AlertEvaluator::evaluate({due}, {key(u"a"_s, 0), key(u"b"_s, 0)}, {}, now);
    QCOMPARE(outcome.raised.size(), 1);
    QCOMPARE(outcome.raised[0].keyId, u"a"_s);
    due.enabled = false;
    QVERIFY(AlertEvaluator::evaluate({due}, {key(u"a"_s, 0)}, {}, now).raised.isEmpty());
}

void TestKeyLifecycle::ruleValidation()
{
    QVERIFY(
        rule(1, AlertRule::Kind::QuotaRemainingBelowPercent, 0).validate().contains(u"percentage"));
    QVERIFY(rule(1, AlertRule::Kind::QuotaRemainingBelowPercent, 100)
                .validate()
                .contains(u"percentage"));
    QVERIFY(rule(1, AlertRule::Kind::SpendPerDayAbove, 0).validate().contains(u"amount"));
    QVERIFY(rule(1, AlertRule::Kind::RotationDue, 90).validate().isEmpty());
    for (auto kind :
         {AlertRule::Kind::QuotaRemainingBelowUsd, AlertRule::Kind::QuotaRemainingBelowPercent,
          AlertRule::Kind::SpendPerDayAbove, AlertRule::Kind::SpendPerWeekAbove,
          AlertRule::Kind::ExpiringWithinDays, AlertRule::Kind::RotationDue,
          AlertRule::Kind::LimitUsedPercent})
        QCOMPARE(AlertRule::kindFromName(AlertRule::kindName(kind)), std::optional(kind));
    QVERIFY(rule(1, AlertRule::Kind::LimitUsedPercent, 100).validate().isEmpty());
    QVERIFY(rule(1, AlertRule::Kind::LimitUsedPercent, 101).validate().contains(u"1 to 100"));
    QCOMPARE(rule(1, AlertRule::Kind::LimitUsedPercent, 100).describe(),
             u"Quota used up or spend cap reached"_s);
    QCOMPARE(rule(1, AlertRule::Kind::LimitUsedPercent, 80).describe(),
             u"Quota or spend cap 80% used"_s);
}

void TestKeyLifecycle::limitRuleWarnsWhenAQuotaOrCapRefusesRequests()
{
    const qint64 now = at(u"2027-01-10T12:00:00Z");
    const AlertRule reached = rule(1, AlertRule::Kind::LimitUsedPercent, 100);
    const AlertRule eighty = rule(2, AlertRule::Kind::LimitUsedPercent, 80);
    ApiKeyRecord k = key(u"a"_s, now - DayMs);
    QVERIFY(!AlertEvaluator::holds(reached, k, now)); // no limits at all
    k.spec.quotaLimitMicros = 40'000'000;
    k.quotaUsedMicros = 34'560'000;
    QVERIFY(!AlertEvaluator::holds(reached, k, now));
    QString message;
    QVERIFY(AlertEvaluator::holds(eighty, k, now, &message));
    // Money as money, and how close the key is.
    QCOMPARE(message, u"label-a: 86% of the quota used ($34.56 of $40.00)"_s);
    k.spec.spendCapDayMicros = 5'000'000;
    k.spendDayMicros = 5'760'000;
    QVERIFY(AlertEvaluator::holds(reached, k, now, &message));
    QCOMPARE(message,
             u"label-a: day spend cap reached ($5.76 of $5.00), requests get 429 quota_exceeded"_s);
    k.quotaUsedMicros = 40'000'000;
    QVERIFY(AlertEvaluator::holds(reached, k, now, &message));
    QCOMPARE(message,
             u"label-a: quota used up ($40.00 of $40.00), requests get 402 insufficient_quota"_s);
    // A disabled key is refused for that; its limits are not the news.
    k.status = KeyStatus::Disabled;
    QVERIFY(!AlertEvaluator::holds(reached, k, now));
}

QTEST_GUILESS_MAIN(TestKeyLifecycle)
#include "tst_keylifecycle.moc"
