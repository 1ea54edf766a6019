#include "ApiKeyFormat.h"
#include "ApiKeyRecord.h"
#include "KeyValidator.h"
#include "TierLimits.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 Now = 1'800'000'000'000;

KeySpec validSpec()
{
    KeySpec spec;
    spec.label = u"prod-web-app"_s;
    spec.environment = u"prod"_s;
    return spec;
}

QStringList fieldsOf(const FieldErrors& errors)
{
    QStringList fields;
    for (const FieldError& e : errors)
        fields << e.field;
    return fields;
}
} // namespace

class TestKeyValidator final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validSpecPasses();
    void badFieldsAreNamed_data();
    void badFieldsAreNamed();
    void nonAsciiLabelIsFine();
    void secretAndIdShapedTextIsRefused();
    void everyBadFieldIsReportedAtOnce();
    void tierFiguresMatchTheSeed();
    void overridesMayLowerButNotRaise();
    void expiryIsExclusive();
    void unchangedPastExpiryIsNotRejudged();
    void revokedWinsOverExpired();
    void quotaRemainingNeverNegative();
};

void TestKeyValidator::validSpecPasses()
{
    QVERIFY(KeyValidator::validate(validSpec(), Now).isEmpty());
}

void TestKeyValidator::badFieldsAreNamed_data()
{
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("field");
    const char* rows[][2] = {
        {"empty label", "label"},
        {"huge label", "label"},
        {"newline label", "label"},
        {"padded label", "label"},
        {"NUL label", "label"},
        {"env upper", "environment"},
        {"env space", "environment"},
        {"billing day 29", "billing_cycle_day"},
        {"no permissions", "permissions"},
        {"expired", "expires"},
        {"negative quota", "quota_usd"},
        {"zero quota", "quota_usd"},
        {"negative cap", "spend_cap_day"},
        {"day over week", "spend_cap_day"},
        {"rpm over tier", "rpm"},
        {"tpm zero", "tpm"},
        {"bad model", "models"},
        {"duplicate model", "models"},
    };
    int i = 0;
    for (const auto& row : rows)
        QTest::newRow(row[0]) << i++ << QString::fromLatin1(row[1]);
}

void TestKeyValidator::badFieldsAreNamed()
{
    QFETCH(int, which);
    QFETCH(QString, field);
    KeySpec s = validSpec();
    switch (which) {
    case 0:
        s.label = u"   "_s;
        break;
    case 1:
        s.label = QString(10'000, u'x');
        break;
    case 2:
        s.label = u"prod\nweb"_s;
        break;
    case 3:
        s.label = u" prod"_s;
        break;
    case 4:
        s.label = u"prod"_s + QChar(0) + u"x"_s;
        break;
    case 5:
        s.environment = u"Prod"_s;
        break;
    case 6:
        s.environment = u"my env"_s;
        break;
    case 7:
        s.type = KeyType::Subscription;
        s.billingCycleDay = 29;
        break;
    case 8:
        s.permissions = {};
        break;
    case 9:
        s.expiresAtMs = Now - 1;
        break;
    case 10:
        s.quotaLimitMicros = -1;
        break;
    case 11:
        s.quotaLimitMicros = 0;
        break;
    case 12:
        s.spendCapDayMicros = -5;
        break;
    case 13:
        s.spendCapDayMicros = 10'000'000;
        s.spendCapWeekMicros = 5'000'000;
        break;
    case 14:
        s.tier = Tier::Free;
        s.rpmOverride = 10;
        break;
    case 15:
        s.tpmOverride = 0;
        break;
    case 16:
        s.models = {u"gpt 4o"_s};
        break;
    case 17:
        s.models = {u"gpt-4o"_s, u"gpt-4o"_s};
        break;
    }
    const FieldErrors errors = KeyValidator::validate(s, Now);
    QVERIFY2(fieldsOf(errors).contains(field), qPrintable(fieldsOf(errors).join(u',')));
    for (const FieldError& e : errors)
        QVERIFY(!e.message.isEmpty());
}

void TestKeyValidator::nonAsciiLabelIsFine()
{
    KeySpec s = validSpec();
    s.label = u"Produktion – Zürich 🚀"_s;
    QVERIFY(KeyValidator::validate(s, Now).isEmpty());
}

// Free-text fields are stored and shown in plain text: a secret must never get in through them.
void TestKeyValidator::secretAndIdShapedTextIsRefused()
{
    QRandomGenerator rng(5);
    const QString secret = ApiKeyFormat::generate(u"sk-", rng);
    const QString random = secret.mid(3, 30);
    const auto errorsFor = [](const KeySpec& spec) {
        return KeyValidator::validate(spec, Now);
    };
    for (const QString& label : {secret, u"my "_s + secret, u"key for "_s + secret + u" (old)"_s,
                                 u"key_AbCdEfGh12345678"_s}) {
        KeySpec s = validSpec();
        s.label = label;
        const FieldErrors errors = errorsFor(s);
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.first().field, u"label"_s);
        QVERIFY(!errors.first().message.contains(random));
    }
    KeySpec models = validSpec();
    models.models = {u"gpt-4o"_s, secret};
    FieldErrors errors = errorsFor(models);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().field, u"models"_s);
    QVERIFY2(!errors.first().message.contains(random), qPrintable(errors.first().message));
    // Ordinary names of that kind stay fine, and 32 emoji are 32 characters, not 64.
    KeySpec fine = validSpec();
    fine.label = u"eu-internationalization-team"_s;
    fine.environment = u"sk-"_s + QString(KeyValidator::MaxEnvironmentLength - 3, u'q');
    QVERIFY(errorsFor(fine).isEmpty());
    fine.label = u"key_rotation-test"_s;
    fine.models = {u"claude-3-5-sonnet-20241022"_s, u"gpt-4o-mini-2024-07-18"_s};
    QVERIFY(errorsFor(fine).isEmpty());
    fine.label = QString();
    for (int i = 0; i < KeyValidator::MaxLabelLength; ++i)
        fine.label += u"🚀"_s;
    QVERIFY(errorsFor(fine).isEmpty());
    fine.label += u"🚀"_s;
    QVERIFY(errorsFor(fine).value(0).message.startsWith(
        u"has %1 characters"_s.arg(KeyValidator::MaxLabelLength + 1)));
}

void TestKeyValidator::everyBadFieldIsReportedAtOnce()
{
    KeySpec s = validSpec();
    s.label.clear();
    s.environment.clear();
    s.quotaLimitMicros = -1;
    const QStringList fields = fieldsOf(KeyValidator::validate(s, Now));
    QCOMPARE(fields, (QStringList{u"label"_s, u"environment"_s, u"quota_usd"_s}));
}

void TestKeyValidator::tierFiguresMatchTheSeed()
{
    QCOMPARE(TierLimits::forTier(Tier::Free).requestsPerMonth, std::optional<qint64>(500));
    QCOMPARE(TierLimits::forTier(Tier::Free).requestsPerMinute, std::optional<qint64>(5));
    QCOMPARE(TierLimits::forTier(Tier::Starter).requestsPerMonth, std::optional<qint64>(10'000));
    QCOMPARE(TierLimits::forTier(Tier::Starter).requestsPerMinute, std::optional<qint64>(100));
    QCOMPARE(TierLimits::forTier(Tier::Pro).requestsPerMonth, std::optional<qint64>(100'000));
    QCOMPARE(TierLimits::forTier(Tier::Pro).requestsPerMinute, std::optional<qint64>(1'000));
    QVERIFY(!TierLimits::forTier(Tier::Enterprise).requestsPerMonth);
    QVERIFY(!TierLimits::forTier(Tier::Enterprise).requestsPerMinute);
}

void TestKeyValidator::overridesMayLowerButNotRaise()
{
    KeySpec s = validSpec();
    s.tier = Tier::Pro;
    s.rpmOverride = 1'000;
    QVERIFY(KeyValidator::validate(s, Now).isEmpty());
    s.rpmOverride = 1'001;
    const FieldErrors errors = KeyValidator::validate(s, Now);
    QCOMPARE(fieldsOf(errors), QStringList{u"rpm"_s});
    QVERIFY2(errors.first().message.contains(u"Pro"), qPrintable(errors.first().message));
    s.tier = Tier::Enterprise;
    s.rpmOverride = 1'000'000;
    QVERIFY(KeyValidator::validate(s, Now).isEmpty());
}

void TestKeyValidator::expiryIsExclusive()
{
    ApiKeyRecord r;
    r.spec.expiresAtMs = Now;
    QVERIFY(r.isExpired(Now));
    QVERIFY(!r.isExpired(Now - 1));
    QCOMPARE(r.effectiveStatus(Now), KeyStatus::Expired);
    r.spec.expiresAtMs.reset();
    QCOMPARE(r.effectiveStatus(Now), KeyStatus::Active);
}

void TestKeyValidator::unchangedPastExpiryIsNotRejudged()
{
    KeySpec stored = validSpec();
    stored.expiresAtMs = Now - 1000;
    KeySpec edited = stored;
    edited.tier = Tier::Pro;
    QVERIFY(KeyValidator::validate(edited, Now, &stored).isEmpty());
    edited.expiresAtMs = Now - 1;
    QCOMPARE(fieldsOf(KeyValidator::validate(edited, Now, &stored)), QStringList{u"expires"_s});
}

void TestKeyValidator::revokedWinsOverExpired()
{
    ApiKeyRecord r;
    r.spec.expiresAtMs = Now - 10;
    r.status = KeyStatus::Revoked;
    QCOMPARE(r.effectiveStatus(Now), KeyStatus::Revoked);
    r.status = KeyStatus::Disabled;
    QCOMPARE(r.effectiveStatus(Now), KeyStatus::Expired);
}

void TestKeyValidator::quotaRemainingNeverNegative()
{
    ApiKeyRecord r;
    QVERIFY(!r.quotaRemainingMicros());
    r.spec.quotaLimitMicros = 5'000'000;
    r.quotaUsedMicros = 7'000'000;
    QCOMPARE(r.quotaRemainingMicros(), std::optional<qint64>(0));
    r.quotaUsedMicros = 1'500'000;
    QCOMPARE(r.quotaRemainingMicros(), std::optional<qint64>(3'500'000));
}

QTEST_GUILESS_MAIN(TestKeyValidator)
#include "tst_keyvalidator.moc"
