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

bool holds(const AlertRule& r, const ApiKeyRecord& k, qint64 now, QString* message = nullptr,
           Alert::Severity* severity = nullptr)
{
    const std::optional<AlertEvaluator::Finding> finding = AlertEvaluator::check(r, k, now);
    if (finding && message)
        *message = finding->message;
    if (finding && severity)
        *severity = finding->severity;
    return finding.has_value();
}

Alert::Severity severityOf(const AlertRule& r, const ApiKeyRecord& k, qint64 now)
{
    Alert::Severity severity = Alert::Severity::Notice;
    if (!holds(r, k, now, nullptr, &severity))
        qFatal("the rule does not hold");
    return severity;
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
        for (const Alert& changed : outcome.changed) {
            if (changed.id == a.id)
                a = changed;
        }
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
    void severityFollowsHowCloseTheKeyIs();
    void anAlertThatGrowsMoreSevereNeedsAttentionAgain();
    void aRotatedKeyIsPendingUntilRevoked();
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
    QVERIFY(!holds(percent, k, 0)); // unlimited
    k.spec.quotaLimitMicros = 10'000'000;
    k.quotaUsedMicros = 8'000'000; // exactly 20% left: not below
    QVERIFY(!holds(percent, k, 0));
    k.quotaUsedMicros = 8'000'001;
    QString message;
    QVERIFY(holds(percent, k, 0, &message));
    QVERIFY2(message.contains(u"19%"), qPrintable(message));
}

void TestKeyLifecycle::spendAndExpiryRules()
{
    const qint64 now = at(u"2027-01-10T12:00:00Z");
    ApiKeyRecord k = key(u"a"_s, now - DayMs);
    k.spendDayMicros = 5'000'000;
    QVERIFY(!holds(rule(1, AlertRule::Kind::SpendPerDayAbove, 5'000'000), k, now));
    QVERIFY(holds(rule(1, AlertRule::Kind::SpendPerDayAbove, 4'999'999), k, now));
    k.spendWeekMicros = 30'000'000;
    QVERIFY(holds(rule(2, AlertRule::Kind::SpendPerWeekAbove, 25'000'000), k, now));

    const AlertRule expiring = rule(3, AlertRule::Kind::ExpiringWithinDays, 14);
    k.spec.expiresAtMs = now + 14 * DayMs;
    QVERIFY(holds(expiring, k, now));
    k.spec.expiresAtMs = now + 14 * DayMs + 1;
    QVERIFY(!holds(expiring, k, now));
    k.spec.expiresAtMs = now; // already expired: no longer "expiring"
    QVERIFY(!holds(expiring, k, now));
}

void TestKeyLifecycle::severityFollowsHowCloseTheKeyIs()
{
    using Severity = Alert::Severity;
    const qint64 now = at(u"2027-01-10T12:00:00Z");
    ApiKeyRecord k = key(u"a"_s, now - DayMs);
    const AlertRule sixty = rule(1, AlertRule::Kind::LimitUsedPercent, 60);
    k.spec.quotaLimitMicros = 40'000'000;
    k.quotaUsedMicros = 26'000'000; // 65%: worth knowing
    QCOMPARE(severityOf(sixty, k, now), Severity::Notice);
    k.quotaUsedMicros = 34'560'000; // 86%: near
    QCOMPARE(severityOf(sixty, k, now), Severity::Warning);
    k.quotaUsedMicros = 40'000'000; // used up: requests get 402
    QCOMPARE(severityOf(sixty, k, now), Severity::Critical);
    QCOMPARE(severityOf(rule(2, AlertRule::Kind::QuotaRemainingBelowUsd, 5'000'000), k, now),
             Severity::Critical);
    k.quotaUsedMicros = 38'000'000;
    QCOMPARE(severityOf(rule(2, AlertRule::Kind::QuotaRemainingBelowUsd, 5'000'000), k, now),
             Severity::Warning);
    QCOMPARE(severityOf(rule(3, AlertRule::Kind::QuotaRemainingBelowPercent, 20), k, now),
             Severity::Warning);

    // Spending fast is a warning; into a cap that refuses requests, critical.
    const AlertRule daySpend = rule(4, AlertRule::Kind::SpendPerDayAbove, 4'000'000);
    k.spendDayMicros = 4'500'000;
    QCOMPARE(severityOf(daySpend, k, now), Severity::Warning);
    k.spec.spendCapDayMicros = 4'500'000;
    QCOMPARE(severityOf(daySpend, k, now), Severity::Critical);

    const AlertRule expiring = rule(5, AlertRule::Kind::ExpiringWithinDays, 30);
    k.spec.expiresAtMs = now + 20 * DayMs;
    QCOMPARE(severityOf(expiring, k, now), Severity::Notice);
    k.spec.expiresAtMs = now + 7 * DayMs;
    QCOMPARE(severityOf(expiring, k, now), Severity::Warning);
    k.spec.expiresAtMs = now + DayMs / 2;
    QCOMPARE(severityOf(expiring, k, now), Severity::Critical);

    QCOMPARE(severityOf(rule(6, AlertRule::Kind::RotationDue, 1), k, now), Severity::Notice);
}

void TestKeyLifecycle::anAlertThatGrowsMoreSevereNeedsAttentionAgain()
{
    const qint64 t0 = at(u"2027-01-10T12:00:00Z");
    ApiKeyRecord k = key(u"a"_s, t0 - DayMs);
    k.spec.quotaLimitMicros = 10'000'000;
    k.quotaUsedMicros = 8'500'000;
    const QList<AlertRule> rules{rule(1, AlertRule::Kind::LimitUsedPercent, 80)};
    QList<Alert> alerts;
    apply(alerts, AlertEvaluator::evaluate(rules, {k}, alerts, t0), t0);
    QCOMPARE(alerts.size(), 1);
    QCOMPARE(alerts[0].severity, Alert::Severity::Warning);
    alerts[0].acknowledgedAtMs = t0 + 1;

    // More of the same severity changes nothing: no write, still acknowledged.
    k.quotaUsedMicros = 9'000'000;
    AlertEvaluator::Outcome outcome = AlertEvaluator::evaluate(rules, {k}, alerts, t0 + 2);
    QVERIFY(outcome.raised.isEmpty() && outcome.changed.isEmpty() && outcome.clearedIds.isEmpty());

    // Used up: the same alert, now critical, with what requests get, and unacknowledged.
    k.quotaUsedMicros = 10'000'000;
    outcome = AlertEvaluator::evaluate(rules, {k}, alerts, t0 + 3);
    QVERIFY(outcome.raised.isEmpty());
    QCOMPARE(outcome.changed.size(), 1);
    QCOMPARE(outcome.escalatedIds, QList<qint64>{alerts[0].id});
    apply(alerts, outcome, t0 + 3);
    QCOMPARE(alerts.size(), 1);
    QCOMPARE(alerts[0].severity, Alert::Severity::Critical);
    QVERIFY(alerts[0].needsAttention());
    QVERIFY2(alerts[0].message.contains(u"402 insufficient_quota"), qPrintable(alerts[0].message));
    QCOMPARE(alerts[0].raisedAtMs, t0);

    // Back to near once the quota is raised: less severe, and an acknowledgement stays.
    alerts[0].acknowledgedAtMs = t0 + 4;
    k.spec.quotaLimitMicros = 11'000'000;
    outcome = AlertEvaluator::evaluate(rules, {k}, alerts, t0 + 5);
    QVERIFY(outcome.escalatedIds.isEmpty());
    apply(alerts, outcome, t0 + 5);
    QCOMPARE(alerts[0].severity, Alert::Severity::Warning);
    QCOMPARE(alerts[0].acknowledgedAtMs, std::optional<qint64>(t0 + 4));
}

void TestKeyLifecycle::aRotatedKeyIsPendingUntilRevoked()
{
    const qint64 rotatedAt = at(u"2027-03-01T09:00:00Z");
    ApiKeyRecord old = key(u"a"_s, rotatedAt - 100 * DayMs);
    ApiKeyRecord successor = key(u"b"_s, rotatedAt);
    old.rotatedToId = successor.id;
    successor.rotatedFromId = old.id;
    const QList<AlertRule> rules{rule(1, AlertRule::Kind::RotationPending, 7),
                                 rule(2, AlertRule::Kind::RotationDue, 90)};
    QList<Alert> alerts;

    // At once a notice on the old key (not "rotation due" again), none on its successor.
    apply(alerts, AlertEvaluator::evaluate(rules, {old, successor}, alerts, rotatedAt + 60'000),
          rotatedAt + 60'000);
    QCOMPARE(alerts.size(), 1);
    QCOMPARE(alerts[0].ruleId, qint64(1));
    QCOMPARE(alerts[0].keyId, old.id);
    QCOMPARE(alerts[0].severity, Alert::Severity::Notice);
    QCOMPARE(alerts[0].message,
             u"label-a: rotated to label-b; revoke it once its clients have moved"_s);

    // Past the grace period, a warning that says whether the old key is still in use.
    old.lastUsedAtMs = rotatedAt + 3 * DayMs;
    const qint64 later = rotatedAt + 8 * DayMs;
    apply(alerts, AlertEvaluator::evaluate(rules, {old, successor}, alerts, later), later);
    QCOMPARE(alerts.size(), 1);
    QCOMPARE(alerts[0].severity, Alert::Severity::Warning);
    QCOMPARE(alerts[0].message, u"label-a: rotated to label-b 8 days ago and still not revoked; "
                                "it is still used, so move its last clients first"_s);
    old.lastUsedAtMs = rotatedAt - 1;
    const auto unused = AlertEvaluator::check(rules[0], old, later, &successor);
    QVERIFY(unused);
    QVERIFY2(unused->message.endsWith(u"it has not been used since, so revoke it"),
             qPrintable(unused->message));

    // Revoked: the alert clears.
    old.status = KeyStatus::Revoked;
    apply(alerts, AlertEvaluator::evaluate(rules, {old, successor}, alerts, later + 1), later + 1);
    QCOMPARE(alerts[0].clearedAtMs, std::optional<qint64>(later + 1));
}

void TestKeyLifecycle::rotationDueSkipsRotatedAndRevokedKeys()
{
    const qint64 now = at(u"2027-06-01T00:00:00Z");
    const AlertRule due = rule(1, AlertRule::Kind::RotationDue, 90);
    ApiKeyRecord k = key(u"a"_s, now - 90 * DayMs);
    QVERIFY(holds(due, k, now));
    QVERIFY(!holds(due, k, now - 1));
    k.rotatedToId = u"b"_s;
    QVERIFY(!holds(due, k, now));
    k.rotatedToId.clear();
    k.status = KeyStatus::Revoked;
    QVERIFY(!holds(due, k, now));
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
          AlertRule::Kind::LimitUsedPercent, AlertRule::Kind::RotationPending})
        QCOMPARE(AlertRule::kindFromName(AlertRule::kindName(kind)), std::optional(kind));
    QVERIFY(rule(1, AlertRule::Kind::LimitUsedPercent, 100).validate().isEmpty());
    QVERIFY(rule(1, AlertRule::Kind::LimitUsedPercent, 101).validate().contains(u"1 to 100"));
    QCOMPARE(rule(1, AlertRule::Kind::LimitUsedPercent, 100).describe(),
             u"Quota used up or spend cap reached"_s);
    QCOMPARE(rule(1, AlertRule::Kind::LimitUsedPercent, 80).describe(),
             u"Quota or spend cap 80% used"_s);
    QVERIFY(rule(1, AlertRule::Kind::RotationPending, 0).validate().isEmpty());
    QVERIFY(rule(1, AlertRule::Kind::RotationPending, -1).validate().contains(u"0 to 3650"));
    QCOMPARE(rule(1, AlertRule::Kind::RotationPending, 7).describe(),
             u"Rotated key not yet revoked (7 days of grace)"_s);
    for (auto severity :
         {Alert::Severity::Notice, Alert::Severity::Warning, Alert::Severity::Critical})
        QCOMPARE(Alert::severityFromName(Alert::severityName(severity)), std::optional(severity));
    QCOMPARE(Alert::severityFromName(u"urgent"), std::nullopt);
}

void TestKeyLifecycle::limitRuleWarnsWhenAQuotaOrCapRefusesRequests()
{
    const qint64 now = at(u"2027-01-10T12:00:00Z");
    const AlertRule reached = rule(1, AlertRule::Kind::LimitUsedPercent, 100);
    const AlertRule eighty = rule(2, AlertRule::Kind::LimitUsedPercent, 80);
    ApiKeyRecord k = key(u"a"_s, now - DayMs);
    QVERIFY(!holds(reached, k, now)); // no limits at all
    k.spec.quotaLimitMicros = 40'000'000;
    k.quotaUsedMicros = 34'560'000;
    QVERIFY(!holds(reached, k, now));
    QString message;
    QVERIFY(holds(eighty, k, now, &message));
    // Money as money, and how close the key is.
    QCOMPARE(message, u"label-a: 86% of the quota used ($34.56 of $40.00)"_s);
    k.spec.spendCapDayMicros = 5'000'000;
    k.spendDayMicros = 5'760'000;
    QVERIFY(holds(reached, k, now, &message));
    QCOMPARE(message,
             u"label-a: day spend cap reached ($5.76 of $5.00), requests get 429 quota_exceeded"_s);
    k.quotaUsedMicros = 40'000'000;
    QVERIFY(holds(reached, k, now, &message));
    QCOMPARE(message,
             u"label-a: quota used up ($40.00 of $40.00), requests get 402 insufficient_quota"_s);
    // A disabled key is refused for that; its limits are not the news.
    k.status = KeyStatus::Disabled;
    QVERIFY(!holds(reached, k, now));
}

QTEST_GUILESS_MAIN(TestKeyLifecycle)
#include "tst_keylifecycle.moc"
