#include "LifecycleStoreContract.h"

#include "ApiKeyFormat.h"
#include "RecordPrinting.h"
#include "StoreOutcome.h"
#include "TestSupport.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 HourMs = 3'600'000;
constexpr qint64 DayMs = 24 * HourMs;
constexpr qint64 Usd = 1'000'000;

KeySpec specNamed(const QString& label)
{
    KeySpec spec;
    spec.label = label;
    return spec;
}

QList<KeyEvent::Kind> kindsOf(const QList<KeyEvent>& events)
{
    QList<KeyEvent::Kind> kinds;
    for (const KeyEvent& event : events)
        kinds << event.kind;
    return kinds;
}

qsizetype countOf(const QList<KeyEvent>& events, KeyEvent::Kind kind)
{
    return kindsOf(events).count(kind);
}
} // namespace

LifecycleStoreContract::LifecycleStoreContract(Factory factory, QObject* parent)
    : QObject(parent)
    , m_factory(std::move(factory))
{}

LifecycleStoreContract::~LifecycleStoreContract() = default;

void LifecycleStoreContract::init()
{
    m_clock = std::make_unique<ManualClock>(StartMs);
    m_store = m_factory(*m_clock);
    QVERIFY2(m_store, "the factory could not make a fresh store");
}

void LifecycleStoreContract::cleanup()
{
    m_store.reset();
    m_clock.reset();
}

std::optional<CreatedKey> LifecycleStoreContract::create(const KeySpec& spec)
{
    const auto created = outcomeOf(keys().createKey(spec));
    if (!created.ok()) {
        qWarning("cannot create key %s: %s", qPrintable(spec.label),
                 qPrintable(created.describe()));
        return std::nullopt;
    }
    return created.value();
}

std::optional<ApiKeyRecord> LifecycleStoreContract::find(const QString& idOrLabel)
{
    const auto found = outcomeOf(keys().findKey(idOrLabel));
    if (!found.ok())
        return std::nullopt;
    return found.value();
}

QList<KeyEvent> LifecycleStoreContract::events(const QString& keyId)
{
    const auto events = outcomeOf(lifecycle().keyEvents(keyId));
    if (!events.ok())
        qWarning("cannot read the events of %s: %s", qPrintable(keyId),
                 qPrintable(events.describe()));
    return events.ok() ? events.value() : QList<KeyEvent>();
}

QList<Alert> LifecycleStoreContract::evaluate()
{
    const auto raised = outcomeOf(lifecycle().evaluateAlerts());
    if (!raised.ok())
        qWarning("cannot evaluate alerts: %s", qPrintable(raised.describe()));
    return raised.ok() ? raised.value() : QList<Alert>();
}

QList<Alert> LifecycleStoreContract::openAlerts()
{
    const auto open = outcomeOf(lifecycle().alerts(false));
    if (!open.ok())
        qWarning("cannot list alerts: %s", qPrintable(open.describe()));
    return open.ok() ? open.value() : QList<Alert>();
}

bool LifecycleStoreContract::spend(const QString& keyId, qint64 micros)
{
    static int requests = 0;
    UsageEvent event;
    event.timeMs = m_clock->nowUtcMs();
    event.key = keyId;
    event.model = u"gpt-4o"_s;
    event.endpoint = u"/v1/chat/completions"_s;
    event.status = 200;
    event.promptTokens = 100;
    event.completionTokens = 40;
    event.costMicros = micros;
    event.latencyMs = 250;
    event.requestId = u"req-lifecycle-%1"_s.arg(++requests);
    const auto recorded = outcomeOf(usage().recordUsage({event}));
    if (!recorded.ok())
        qWarning("cannot record usage: %s", qPrintable(recorded.describe()));
    return recorded.ok() && recorded.value() == 1;
}

QString LifecycleStoreContract::quotaKeyWithoutRules(KeySpec* spec)
{
    if (!clearRules())
        return {};
    *spec = specNamed(u"prod-web-app"_s);
    spec->quotaLimitMicros = 10 * Usd;
    const auto key = create(*spec);
    return key ? key->record.id : QString();
}

bool LifecycleStoreContract::clearRules()
{
    const auto rules = outcomeOf(lifecycle().alertRules());
    if (!rules.ok())
        return false;
    for (const AlertRule& rule : rules.value()) {
        if (!outcomeOf(lifecycle().deleteAlertRule(rule.id)).ok())
            return false;
    }
    return true;
}

std::optional<AlertRule> LifecycleStoreContract::addRule(AlertRule::Kind kind, qint64 threshold,
                                                         const QString& keyId)
{
    AlertRule rule;
    rule.kind = kind;
    rule.threshold = threshold;
    rule.keyId = keyId;
    const auto saved = outcomeOf(lifecycle().saveAlertRule(rule));
    if (!saved.ok()) {
        qWarning("cannot save the rule: %s", qPrintable(saved.describe()));
        return std::nullopt;
    }
    return saved.value();
}

void LifecycleStoreContract::rotationBumpsTheLabelVersion_data()
{
    QTest::addColumn<QString>("label");
    QTest::addColumn<QString>("rotated");
    QTest::newRow("no suffix") << u"prod-web-app"_s << u"prod-web-app-v2"_s;
    QTest::newRow("v2") << u"prod-web-app-v2"_s << u"prod-web-app-v3"_s;
    QTest::newRow("v9") << u"ci-runner-v9"_s << u"ci-runner-v10"_s;
}

void LifecycleStoreContract::rotationBumpsTheLabelVersion()
{
    QFETCH(QString, label);
    QFETCH(QString, rotated);
    const auto old = create(specNamed(label));
    QVERIFY(old);
    const auto created = outcomeOf(lifecycle().rotateKey(old->record.id));
    QVERIFY2(created.ok(), qPrintable(created.describe()));
    QCOMPARE(created.value().record.spec.label, rotated);
    QCOMPARE(find(rotated).value_or(ApiKeyRecord()).id, created.value().record.id);
}

void LifecycleStoreContract::rotationSkipsTakenLabels()
{
    const auto old = create(specNamed(u"billing"_s));
    QVERIFY(old);
    QVERIFY(create(specNamed(u"billing-v2"_s)));
    QVERIFY(create(specNamed(u"billing-v3"_s)));
    const auto created = outcomeOf(lifecycle().rotateKey(old->record.id));
    QVERIFY2(created.ok(), qPrintable(created.describe()));
    QCOMPARE(created.value().record.spec.label, u"billing-v4"_s);
}

void LifecycleStoreContract::rotationCopiesSettingsAndLinksBothWays()
{
    KeySpec spec;
    spec.label = u"billing-worker"_s;
    spec.environment = u"prod"_s;
    spec.type = KeyType::Subscription;
    spec.billingCycleDay = 15;
    spec.permissions = Permissions(Permission::Read) | Permission::Webhook;
    spec.expiresAtMs = StartMs + 60 * DayMs;
    spec.quotaLimitMicros = 50 * Usd;
    spec.spendCapDayMicros = 5 * Usd;
    spec.tier = Tier::Pro;
    spec.rpmOverride = 100;
    spec.models = QStringList{u"gpt-4o"_s};
    spec.ipAllowlist = {*CidrBlock::parse(u"10.0.0.0/8"_s)};
    const auto old = create(spec);
    QVERIFY(old);
    m_clock->advanceMs(HourMs);

    const auto rotated = outcomeOf(lifecycle().rotateKey(old->record.id));
    QVERIFY2(rotated.ok(), qPrintable(rotated.describe()));
    const CreatedKey& fresh = rotated.value();
    KeySpec expected = spec;
    expected.label = u"billing-worker-v2"_s;
    QCOMPARE(fresh.record.spec, expected);
    QVERIFY(ApiKeyFormat::isWellFormed(fresh.secret));
    QVERIFY(fresh.secret.startsWith(ApiKeyFormat::subscriptionPrefix()));
    QVERIFY(fresh.secret != old->secret);
    QVERIFY(fresh.record.digestHex != old->record.digestHex);
    QCOMPARE(fresh.record.status, KeyStatus::Active);
    QCOMPARE(fresh.record.createdAtMs, StartMs + HourMs);
    QCOMPARE(fresh.record.rotatedFromId, old->record.id);

    const auto oldNow = find(old->record.id);
    const auto freshNow = find(fresh.record.id);
    QVERIFY(oldNow && freshNow);
    QCOMPARE(oldNow->rotatedToId, fresh.record.id);
    QVERIFY(oldNow->rotatedFromId.isEmpty());
    QCOMPARE(freshNow->rotatedFromId, old->record.id);
    QVERIFY(freshNow->rotatedToId.isEmpty());
    // The old key keeps working until it is revoked.
    QCOMPARE(oldNow->status, KeyStatus::Active);
    QCOMPARE(oldNow->spec, spec);

    const auto listed = outcomeOf(keys().listKeys());
    QVERIFY2(listed.ok(), qPrintable(listed.describe()));
    QCOMPARE(listed.value().size(), 2);
    QCOMPARE(listed.value().at(0), *freshNow);
    QCOMPARE(listed.value().at(1), *oldNow);
}

void LifecycleStoreContract::rotationDropsAnExpiryThatPassed()
{
    KeySpec spec = specNamed(u"short-lived"_s);
    spec.expiresAtMs = StartMs + DayMs;
    const auto old = create(spec);
    QVERIFY(old);
    m_clock->advanceMs(2 * DayMs);
    QCOMPARE(find(old->record.id)->effectiveStatus(m_clock->nowUtcMs()), KeyStatus::Expired);

    const auto rotated = outcomeOf(lifecycle().rotateKey(old->record.id));
    QVERIFY2(rotated.ok(), qPrintable(rotated.describe()));
    QCOMPARE(rotated.value().record.spec.expiresAtMs, std::nullopt);
    QCOMPARE(rotated.value().record.effectiveStatus(m_clock->nowUtcMs()), KeyStatus::Active);
    const QList<KeyEvent> history = events(rotated.value().record.id);
    QCOMPARE(countOf(history, KeyEvent::Kind::Rotated), 1);
    QVERIFY2(history.last().detail.contains(u"expiry"_s), qPrintable(history.last().detail));
}

void LifecycleStoreContract::revokedOrAlreadyRotatedKeysCannotBeRotated()
{
    const auto old = create(specNamed(u"prod-web-app"_s));
    QVERIFY(old);
    const auto first = outcomeOf(lifecycle().rotateKey(old->record.id));
    QVERIFY2(first.ok(), qPrintable(first.describe()));

    const auto again = outcomeOf(lifecycle().rotateKey(old->record.id));
    QVERIFY2(again.failedWith(StoreError::Code::Conflict), qPrintable(again.describe()));
    QVERIFY2(again.error()->message().contains(u"prod-web-app-v2"_s),
             qPrintable(again.error()->message()));

    QVERIFY(outcomeOf(keys().revokeKey(old->record.id)).ok());
    const auto revoked = outcomeOf(lifecycle().rotateKey(old->record.id));
    QVERIFY2(revoked.failedWith(StoreError::Code::Final), qPrintable(revoked.describe()));

    const auto listed = outcomeOf(keys().listKeys());
    QVERIFY(listed.ok());
    QCOMPARE(listed.value().size(), 2);

    // The replacement rotates in its turn.
    const auto next = outcomeOf(lifecycle().rotateKey(first.value().record.id));
    QVERIFY2(next.ok(), qPrintable(next.describe()));
    QCOMPARE(next.value().record.spec.label, u"prod-web-app-v3"_s);
}

void LifecycleStoreContract::unknownKeyCannotBeRotated()
{
    const auto rotated = outcomeOf(lifecycle().rotateKey(u"key_doesnotexist000"_s));
    QVERIFY2(rotated.failedWith(StoreError::Code::NotFound), qPrintable(rotated.describe()));
}

void LifecycleStoreContract::writesAreRecordedAsKeyEvents()
{
    const auto old = create(specNamed(u"prod-web-app"_s));
    QVERIFY(old);
    const QString id = old->record.id;
    m_clock->advanceMs(HourMs);
    KeySpec changed = old->record.spec;
    changed.environment = u"prod"_s;
    QVERIFY(outcomeOf(keys().updateKey(id, changed)).ok());
    QVERIFY(outcomeOf(keys().disableKey(id)).ok());
    QVERIFY(outcomeOf(keys().enableKey(id)).ok());
    m_clock->advanceMs(HourMs);
    const auto rotated = outcomeOf(lifecycle().rotateKey(id));
    QVERIFY2(rotated.ok(), qPrintable(rotated.describe()));
    QVERIFY(outcomeOf(keys().revokeKey(id)).ok());

    const QList<KeyEvent> history = events(id);
    using Kind = KeyEvent::Kind;
    QCOMPARE(kindsOf(history), (QList<Kind>{Kind::Created, Kind::Updated, Kind::Disabled,
                                            Kind::Enabled, Kind::Rotated, Kind::Revoked}));
    QCOMPARE(history.first().atMs, StartMs);
    QCOMPARE(history.at(4).atMs, StartMs + 2 * HourMs);
    QCOMPARE(history.at(4).detail, u"rotated to prod-web-app-v2"_s);
    for (const KeyEvent& event : history)
        QCOMPARE(event.keyId, id);

    const QList<KeyEvent> fresh = events(rotated.value().record.id);
    QCOMPARE(kindsOf(fresh), (QList<Kind>{Kind::Created, Kind::Rotated}));
    QCOMPARE(fresh.last().detail, u"rotated from prod-web-app"_s);
}

void LifecycleStoreContract::newStoreHasTheDefaultRules()
{
    const auto rules = outcomeOf(lifecycle().alertRules());
    QVERIFY2(rules.ok(), qPrintable(rules.describe()));
    QCOMPARE(rules.value().size(), 4);
    QList<AlertRule> expected(4);
    expected[0].kind = AlertRule::Kind::RotationDue;
    expected[0].threshold = 90;
    expected[1].kind = AlertRule::Kind::ExpiringWithinDays;
    expected[1].threshold = 14;
    // A key whose quota or cap refuses its requests while it still says active.
    expected[2].kind = AlertRule::Kind::LimitUsedPercent;
    expected[2].threshold = 100;
    // A rotated key's clients get a week to move before it is a warning.
    expected[3].kind = AlertRule::Kind::RotationPending;
    expected[3].threshold = 7;
    for (qsizetype i = 0; i < 4; ++i) {
        QVERIFY(rules.value().at(i).id != 0);
        expected[i].id = rules.value().at(i).id;
    }
    QCOMPARE(rules.value(), expected);
}

void LifecycleStoreContract::alertRulesCanBeAddedChangedAndDeleted()
{
    const auto key = create(specNamed(u"prod-web-app"_s));
    QVERIFY(key);
    auto added = addRule(AlertRule::Kind::SpendPerDayAbove, 5 * Usd, key->record.id);
    QVERIFY(added);
    QVERIFY(added->id != 0);

    auto rules = outcomeOf(lifecycle().alertRules());
    QVERIFY(rules.ok());
    QCOMPARE(rules.value().size(), 5);
    QCOMPARE(rules.value().last(), *added);

    added->threshold = 7 * Usd;
    added->enabled = false;
    const auto changed = outcomeOf(lifecycle().saveAlertRule(*added));
    QVERIFY2(changed.ok(), qPrintable(changed.describe()));
    QCOMPARE(changed.value(), *added);
    rules = outcomeOf(lifecycle().alertRules());
    QVERIFY(rules.ok());
    QCOMPARE(rules.value().size(), 5);
    QCOMPARE(rules.value().last(), *added);

    QVERIFY(outcomeOf(lifecycle().deleteAlertRule(added->id)).ok());
    rules = outcomeOf(lifecycle().alertRules());
    QVERIFY(rules.ok());
    QCOMPARE(rules.value().size(), 4);
    QVERIFY(
        outcomeOf(lifecycle().deleteAlertRule(added->id)).failedWith(StoreError::Code::NotFound));
    QVERIFY(outcomeOf(lifecycle().saveAlertRule(*added)).failedWith(StoreError::Code::NotFound));
}

void LifecycleStoreContract::invalidAlertRulesAreRejected_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<qint64>("threshold");
    QTest::addColumn<bool>("unknownKey");
    QTest::addColumn<QString>("field");
    using Kind = AlertRule::Kind;
    QTest::newRow("percent 0") << int(Kind::QuotaRemainingBelowPercent) << qint64(0) << false
                               << u"threshold"_s;
    QTest::newRow("percent 100") << int(Kind::QuotaRemainingBelowPercent) << qint64(100) << false
                                 << u"threshold"_s;
    QTest::newRow("no amount") << int(Kind::SpendPerWeekAbove) << qint64(0) << false
                               << u"threshold"_s;
    QTest::newRow("negative amount")
        << int(Kind::QuotaRemainingBelowUsd) << qint64(-Usd) << false << u"threshold"_s;
    QTest::newRow("0 days") << int(Kind::ExpiringWithinDays) << qint64(0) << false
                            << u"threshold"_s;
    QTest::newRow("3651 days") << int(Kind::RotationDue) << qint64(3651) << false << u"threshold"_s;
    QTest::newRow("unknown key") << int(Kind::RotationDue) << qint64(30) << true << u"key"_s;
}

void LifecycleStoreContract::invalidAlertRulesAreRejected()
{
    QFETCH(int, kind);
    QFETCH(qint64, threshold);
    QFETCH(bool, unknownKey);
    QFETCH(QString, field);
    AlertRule rule;
    rule.kind = AlertRule::Kind(kind);
    rule.threshold = threshold;
    if (unknownKey)
        rule.keyId = u"key_doesnotexist000"_s;
    const auto saved = outcomeOf(lifecycle().saveAlertRule(rule));
    QVERIFY2(saved.failedWith(StoreError::Code::Invalid), qPrintable(saved.describe()));
    QVERIFY2(saved.namesField(field), qPrintable(saved.describe()));
    const auto rules = outcomeOf(lifecycle().alertRules());
    QVERIFY(rules.ok());
    QCOMPARE(rules.value().size(), 4);
}

void LifecycleStoreContract::alertFiresOncePerCondition()
{
    QVERIFY(clearRules());
    KeySpec spec = specNamed(u"prod-web-app"_s);
    spec.quotaLimitMicros = 10 * Usd;
    spec.expiresAtMs = StartMs + 5 * DayMs;
    const auto key = create(spec);
    QVERIFY(key);
    const QString id = key->record.id;
    using Kind = AlertRule::Kind;
    const auto expiring = addRule(Kind::ExpiringWithinDays, 7);
    const auto quotaUsd = addRule(Kind::QuotaRemainingBelowUsd, 5 * Usd);
    const auto quotaPercent = addRule(Kind::QuotaRemainingBelowPercent, 50, id);
    const auto perDay = addRule(Kind::SpendPerDayAbove, Usd);
    const auto perWeek = addRule(Kind::SpendPerWeekAbove, 2 * Usd);
    QVERIFY(expiring && quotaUsd && quotaPercent && perDay && perWeek);

    QList<Alert> raised = evaluate();
    QCOMPARE(raised.size(), 1);
    QCOMPARE(raised.first().ruleId, expiring->id);
    QCOMPARE(raised.first().keyId, id);
    QCOMPARE(raised.first().raisedAtMs, StartMs);
    QVERIFY(raised.first().id != 0);
    QVERIFY2(raised.first().message.contains(u"prod-web-app"_s),
             qPrintable(raised.first().message));
    QCOMPARE(evaluate(), QList<Alert>());

    QVERIFY(spend(id, 6 * Usd));
    raised = evaluate();
    QSet<qint64> rules;
    for (const Alert& alert : std::as_const(raised)) {
        QCOMPARE(alert.keyId, id);
        rules.insert(alert.ruleId);
    }
    QCOMPARE(rules, (QSet<qint64>{quotaUsd->id, quotaPercent->id, perDay->id, perWeek->id}));
    QCOMPARE(raised.size(), 4);
    QCOMPARE(evaluate(), QList<Alert>());
    QCOMPARE(openAlerts().size(), 5);
    for (const Alert& alert : openAlerts())
        QVERIFY(alert.needsAttention());
}

void LifecycleStoreContract::acknowledgedAlertStaysQuietUntilTheConditionReturns()
{
    KeySpec spec;
    const QString id = quotaKeyWithoutRules(&spec);
    QVERIFY(!id.isEmpty());
    const auto rule = addRule(AlertRule::Kind::QuotaRemainingBelowUsd, 5 * Usd);
    QVERIFY(rule);
    QVERIFY(spend(id, 6 * Usd));

    QList<Alert> raised = evaluate();
    QCOMPARE(raised.size(), 1);
    const qint64 first = raised.first().id;
    m_clock->advanceMs(HourMs);
    const auto acked = outcomeOf(lifecycle().acknowledgeAlert(first));
    QVERIFY2(acked.ok(), qPrintable(acked.describe()));
    QCOMPARE(acked.value().acknowledgedAtMs, StartMs + HourMs);
    QVERIFY(acked.value().isOpen());
    QVERIFY(!acked.value().needsAttention());
    QCOMPARE(evaluate(), QList<Alert>());
    QCOMPARE(openAlerts(), QList<Alert>{acked.value()});

    // More quota clears the condition...
    spec.quotaLimitMicros = 100 * Usd;
    QVERIFY(outcomeOf(keys().updateKey(id, spec)).ok());
    m_clock->advanceMs(HourMs);
    QCOMPARE(evaluate(), QList<Alert>());
    QCOMPARE(openAlerts(), QList<Alert>());
    const auto all = outcomeOf(lifecycle().alerts(true));
    QVERIFY(all.ok());
    QCOMPARE(all.value().size(), 1);
    QCOMPARE(all.value().first().clearedAtMs, StartMs + 2 * HourMs);
    QCOMPARE(evaluate(), QList<Alert>());

    // ...and its return raises a new alert.
    spec.quotaLimitMicros = 10 * Usd;
    QVERIFY(outcomeOf(keys().updateKey(id, spec)).ok());
    raised = evaluate();
    QCOMPARE(raised.size(), 1);
    QVERIFY(raised.first().id != first);
    QVERIFY(raised.first().needsAttention());
    QCOMPARE(evaluate(), QList<Alert>());
    const auto newestFirst = outcomeOf(lifecycle().alerts(true));
    QVERIFY(newestFirst.ok());
    QCOMPARE(newestFirst.value().size(), 2);
    QCOMPARE(newestFirst.value().first().id, raised.first().id);
}

void LifecycleStoreContract::rotationDueAlertsFollowKeyAge()
{
    const auto key = create(specNamed(u"prod-web-app"_s));
    QVERIFY(key);
    QCOMPARE(evaluate(), QList<Alert>());
    m_clock->advanceMs(89 * DayMs);
    QCOMPARE(evaluate(), QList<Alert>());
    m_clock->advanceMs(DayMs);
    const QList<Alert> raised = evaluate();
    QCOMPARE(raised.size(), 1);
    QCOMPARE(raised.first().keyId, key->record.id);
    QVERIFY2(raised.first().message.contains(u"rotation"_s), qPrintable(raised.first().message));

    QCOMPARE(raised.first().severity, Alert::Severity::Notice);

    // Rotating answers it, and the old key is pending until it is revoked: a notice at once, a
    // warning once its clients have had the week of grace; the new key is young.
    const auto rotated = outcomeOf(lifecycle().rotateKey(key->record.id));
    QVERIFY2(rotated.ok(), qPrintable(rotated.describe()));
    const QList<Alert> pending = evaluate();
    QCOMPARE(pending.size(), 1);
    QCOMPARE(pending.first().keyId, key->record.id);
    QCOMPARE(pending.first().severity, Alert::Severity::Notice);
    QCOMPARE(pending.first().message,
             u"prod-web-app: rotated to prod-web-app-v2; revoke it once its clients have moved"_s);
    QCOMPARE(openAlerts(), pending);
    m_clock->advanceMs(7 * DayMs);
    const QList<Alert> overdue = evaluate();
    QCOMPARE(overdue.size(), 1);
    QCOMPARE(overdue.first().id, pending.first().id);
    QCOMPARE(overdue.first().severity, Alert::Severity::Warning);
    QVERIFY2(overdue.first().message.contains(u"7 days ago and still not revoked"_s),
             qPrintable(overdue.first().message));
    QVERIFY(outcomeOf(keys().revokeKey(key->record.id)).ok());
    QCOMPARE(evaluate(), QList<Alert>());
    QCOMPARE(openAlerts(), QList<Alert>());
}

void LifecycleStoreContract::rotationNeverResetsALimit()
{
    KeySpec spec;
    const QString old = quotaKeyWithoutRules(&spec);
    QVERIFY(!old.isEmpty());
    spec.spendCapDayMicros = 5 * Usd;
    QVERIFY(outcomeOf(keys().updateKey(old, spec)).ok());
    QVERIFY(spend(old, 4 * Usd + Usd / 2));
    const auto rotated = outcomeOf(lifecycle().rotateKey(old));
    QVERIFY2(rotated.ok(), qPrintable(rotated.describe()));
    const QString successor = rotated.value().record.id;
    // Every way a key is read says the same: the successor starts with the old key's spend,
    // and what either spends counts for both.
    const auto budgetOf = [this](const QString& id) {
        const auto found = outcomeOf(keys().findKey(id));
        return found.ok() ? std::pair(found.value().quotaUsedMicros, found.value().spendDayMicros)
                          : std::pair(qint64(-1), qint64(-1));
    };
    QCOMPARE(budgetOf(successor), std::pair(4 * Usd + Usd / 2, 4 * Usd + Usd / 2));
    QVERIFY(spend(successor, Usd / 4));
    const qint64 both = 4 * Usd + 3 * Usd / 4;
    QCOMPARE(budgetOf(old), std::pair(both, both));
    QCOMPARE(budgetOf(successor), std::pair(both, both));
    const auto listed = outcomeOf(keys().listKeys());
    QVERIFY(listed.ok());
    for (const ApiKeyRecord& record : listed.value()) {
        QCOMPARE(record.quotaUsedMicros, both);
        QCOMPARE(record.spendDayMicros, both);
    }
    const auto live = outcomeOf(usage().keyUsage());
    QVERIFY(live.ok());
    QCOMPARE(live.value().size(), 2);
    for (const KeyUsage& key : live.value()) {
        QCOMPARE(key.quotaUsedMicros, both);
        QCOMPARE(key.spendDayMicros, both);
    }
    // Revoking the old key keeps what it spent: that money is gone from the budget.
    QVERIFY(outcomeOf(keys().revokeKey(old)).ok());
    QCOMPARE(budgetOf(successor), std::pair(both, both));
    // A key outside the chain is untouched.
    const auto other = create(specNamed(u"batch-jobs"_s));
    QVERIFY(other);
    QCOMPARE(budgetOf(other->record.id), std::pair(qint64(0), qint64(0)));
}

void LifecycleStoreContract::severityFollowsTheKeyAndAnEscalationNeedsAttentionAgain()
{
    KeySpec spec;
    const QString id = quotaKeyWithoutRules(&spec);
    QVERIFY(!id.isEmpty());
    QVERIFY(addRule(AlertRule::Kind::LimitUsedPercent, 80));
    QVERIFY(spend(id, 8 * Usd + Usd / 2));
    const QList<Alert> raised = evaluate();
    QCOMPARE(raised.size(), 1);
    QCOMPARE(raised.first().severity, Alert::Severity::Warning);
    QVERIFY(outcomeOf(lifecycle().acknowledgeAlert(raised.first().id)).ok());
    QVERIFY(spend(id, Usd / 4));
    QCOMPARE(evaluate(), QList<Alert>());

    // Used up: the same alert, critical, and no longer acknowledged.
    QVERIFY(spend(id, Usd + Usd / 2));
    const QList<Alert> escalated = evaluate();
    QCOMPARE(escalated.size(), 1);
    QCOMPARE(escalated.first().id, raised.first().id);
    QCOMPARE(escalated.first().severity, Alert::Severity::Critical);
    QVERIFY(escalated.first().needsAttention());
    QVERIFY2(escalated.first().message.contains(u"requests get 402 insufficient_quota"_s),
             qPrintable(escalated.first().message));
    QCOMPARE(openAlerts(), escalated);
    QCOMPARE(evaluate(), QList<Alert>());

    // A quota raised back to near: a warning again, and nothing new to notify.
    spec.quotaLimitMicros = 11 * Usd;
    QVERIFY(outcomeOf(keys().updateKey(id, spec)).ok());
    QCOMPARE(evaluate(), QList<Alert>());
    const QList<Alert> open = openAlerts();
    QCOMPARE(open.size(), 1);
    QCOMPARE(open.first().severity, Alert::Severity::Warning);
}

void LifecycleStoreContract::deletingARuleClosesItsAlerts()
{
    QVERIFY(clearRules());
    const auto key = create(specNamed(u"prod-web-app"_s));
    QVERIFY(key);
    const auto rule = addRule(AlertRule::Kind::SpendPerDayAbove, Usd);
    QVERIFY(rule);
    QVERIFY(spend(key->record.id, 2 * Usd));
    QCOMPARE(evaluate().size(), 1);
    QVERIFY(outcomeOf(lifecycle().deleteAlertRule(rule->id)).ok());
    QCOMPARE(openAlerts(), QList<Alert>());
    const auto all = outcomeOf(lifecycle().alerts(true));
    QVERIFY(all.ok());
    QCOMPARE(all.value().size(), 1);
    QVERIFY(!all.value().first().isOpen());
    QCOMPARE(evaluate(), QList<Alert>());
}

void LifecycleStoreContract::acknowledgingAnUnknownAlertIsNotFound()
{
    const auto acked = outcomeOf(lifecycle().acknowledgeAlert(4242));
    QVERIFY2(acked.failedWith(StoreError::Code::NotFound), qPrintable(acked.describe()));
}

void LifecycleStoreContract::subscriptionQuotaResetsOnTheCycleDay()
{
    m_clock->setNowUtcMs(TestSupport::at("2026-03-02T10:00:00Z"));
    KeySpec spec = specNamed(u"team-subscription"_s);
    spec.type = KeyType::Subscription;
    spec.billingCycleDay = 15;
    spec.quotaLimitMicros = 20 * Usd;
    const auto subscription = create(spec);
    const auto standard = create(specNamed(u"standard"_s));
    QVERIFY(subscription && standard);
    const QString sub = subscription->record.id;
    QVERIFY(spend(sub, 3 * Usd));
    QVERIFY(spend(standard->record.id, 3 * Usd));
    QCOMPARE(evaluate(), QList<Alert>());

    m_clock->setNowUtcMs(TestSupport::at("2026-03-14T23:59:00Z"));
    QVERIFY(spend(sub, 9'400'000));
    QCOMPARE(find(sub)->quotaUsedMicros, 12'400'000);
    QCOMPARE(find(sub)->quotaRemainingMicros(), 7'600'000);
    evaluate();
    QCOMPARE(countOf(events(sub), KeyEvent::Kind::QuotaReset), 0);

    m_clock->setNowUtcMs(TestSupport::at("2026-03-15T00:00:00Z"));
    QCOMPARE(find(sub)->quotaUsedMicros, 0);
    const auto listed = outcomeOf(keys().listKeys());
    QVERIFY(listed.ok());
    for (const ApiKeyRecord& record : listed.value())
        QCOMPARE(record.quotaUsedMicros, record.id == sub ? 0 : 3 * Usd);
    evaluate();
    evaluate();
    QList<KeyEvent> history = events(sub);
    QCOMPARE(countOf(history, KeyEvent::Kind::QuotaReset), 1);
    QCOMPARE(history.last().kind, KeyEvent::Kind::QuotaReset);
    QCOMPARE(history.last().atMs, TestSupport::at("2026-03-15T00:00:00Z"));
    QVERIFY2(history.last().detail.contains(u"2026-03-15"_s), qPrintable(history.last().detail));
    QVERIFY2(history.last().detail.contains(u"$12.40"_s), qPrintable(history.last().detail));
    QCOMPARE(countOf(events(standard->record.id), KeyEvent::Kind::QuotaReset), 0);

    QVERIFY(spend(sub, 2 * Usd));
    QCOMPARE(find(sub)->quotaUsedMicros, 2 * Usd);
    m_clock->setNowUtcMs(TestSupport::at("2026-04-15T08:00:00Z"));
    QCOMPARE(find(sub)->quotaUsedMicros, 0);
    evaluate();
    history = events(sub);
    QCOMPARE(countOf(history, KeyEvent::Kind::QuotaReset), 2);
    QVERIFY2(history.last().detail.contains(u"$2.00"_s), qPrintable(history.last().detail));
}

void LifecycleStoreContract::listedAlertsAreCurrentWithoutAnEvaluation()
{
    QVERIFY(clearRules());
    const auto key = create(specNamed(u"prod-web-app"_s));
    QVERIFY(key);
    const auto rule = addRule(AlertRule::Kind::SpendPerDayAbove, Usd);
    QVERIFY(rule);
    QVERIFY(spend(key->record.id, 2 * Usd));
    // Nobody asked for an evaluation: the listing itself is current.
    const QList<Alert> open = openAlerts();
    QCOMPARE(open.size(), 1);
    QCOMPARE(open.first().keyId, key->record.id);
    QCOMPARE(open.first().ruleId, rule->id);
    // Listing again raises nothing twice.
    QCOMPARE(openAlerts(), open);
    QCOMPARE(evaluate(), QList<Alert>());
    // And the next UTC day the spend no longer counts: the alert clears as it is listed.
    m_clock->advanceMs(24 * 3600 * 1000);
    QCOMPARE(openAlerts(), QList<Alert>());
}

void LifecycleStoreContract::alertsChangedFollowsAlertWrites()
{
    QVERIFY(clearRules());
    QSignalSpy changed(&lifecycle(), &LifecycleStore::alertsChanged);
    const auto key = create(specNamed(u"prod-web-app"_s));
    QVERIFY(key);
    const auto rule = addRule(AlertRule::Kind::SpendPerDayAbove, Usd);
    QVERIFY(rule);
    QTRY_VERIFY(changed.size() >= 1);

    QVERIFY(spend(key->record.id, 2 * Usd));
    changed.clear();
    const QList<Alert> raised = evaluate();
    QCOMPARE(raised.size(), 1);
    QTRY_COMPARE(changed.size(), 1);

    changed.clear();
    QVERIFY(outcomeOf(lifecycle().acknowledgeAlert(raised.first().id)).ok());
    QTRY_COMPARE(changed.size(), 1);

    // Nothing new: no signal.
    changed.clear();
    QCOMPARE(evaluate(), QList<Alert>());
    QTest::qWait(50);
    QCOMPARE(changed.size(), 0);
}

void LifecycleStoreContract::workspaceKeepsTheLifecycleSettings()
{
    const auto defaults = outcomeOf(keys().workspaceSettings());
    QVERIFY2(defaults.ok(), qPrintable(defaults.describe()));
    QCOMPARE(defaults.value().expiryWarningDays, 14);
    QCOMPARE(defaults.value().rotationPeriodDays, 90);

    WorkspaceSettings settings = defaults.value();
    settings.expiryWarningDays = 30;
    settings.rotationPeriodDays = 3650;
    const auto saved = outcomeOf(keys().updateWorkspaceSettings(settings));
    QVERIFY2(saved.ok(), qPrintable(saved.describe()));
    QCOMPARE(saved.value(), settings);
    const auto read = outcomeOf(keys().workspaceSettings());
    QVERIFY(read.ok());
    QCOMPARE(read.value(), settings);
}

void LifecycleStoreContract::lifecycleSettingsOutOfRangeAreRejected_data()
{
    QTest::addColumn<int>("expiryWarningDays");
    QTest::addColumn<int>("rotationPeriodDays");
    QTest::addColumn<QString>("field");
    QTest::newRow("no warning days") << 0 << 90 << u"expiry_warning_days"_s;
    QTest::newRow("warning over 10 years") << 3651 << 90 << u"expiry_warning_days"_s;
    QTest::newRow("no rotation period") << 14 << 0 << u"rotation_period_days"_s;
    QTest::newRow("negative rotation period") << 14 << -5 << u"rotation_period_days"_s;
}

void LifecycleStoreContract::lifecycleSettingsOutOfRangeAreRejected()
{
    QFETCH(int, expiryWarningDays);
    QFETCH(int, rotationPeriodDays);
    QFETCH(QString, field);
    WorkspaceSettings settings;
    settings.expiryWarningDays = expiryWarningDays;
    settings.rotationPeriodDays = rotationPeriodDays;
    const auto saved = outcomeOf(keys().updateWorkspaceSettings(settings));
    QVERIFY2(saved.failedWith(StoreError::Code::Invalid), qPrintable(saved.describe()));
    QVERIFY2(saved.namesField(field), qPrintable(saved.describe()));
    const auto read = outcomeOf(keys().workspaceSettings());
    QVERIFY(read.ok());
    QCOMPARE(read.value(), WorkspaceSettings());
}
