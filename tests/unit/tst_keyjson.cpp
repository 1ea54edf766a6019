#include "ApiKeyFormat.h"
#include "KeyJson.h"
#include "UtcTime.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

class TestKeyJson final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void specRoundTrips();
    void absentMembersKeepTheBase();
    void nullClearsLimits();
    void badMembersAreNamed();
    void recordJsonCarriesNoSecret();
    void recordRoundTrips();
    void badRecordMembersAreNamed_data();
    void badRecordMembersAreNamed();
};

namespace {
KeySpec fullSpec()
{
    KeySpec s;
    s.label = u"prod-web-app"_s;
    s.environment = u"prod"_s;
    s.type = KeyType::Subscription;
    s.billingCycleDay = 15;
    s.permissions = Permissions(Permission::Read) | Permission::Webhook;
    s.expiresAtMs = *UtcTime::parseRfc3339(u"2027-01-31T00:00:00Z");
    s.quotaLimitMicros = 25'000'000;
    s.spendCapDayMicros = 1'000'000;
    s.spendCapWeekMicros = 5'000'000;
    s.spendCapMonthMicros = 20'000'000;
    s.tier = Tier::Pro;
    s.rpmOverride = 100;
    s.tpmOverride = 50'000;
    s.models = {u"gpt-4o-mini"_s, u"claude-3-5-sonnet"_s};
    s.ipAllowlist = *CidrBlock::parseList(u"192.168.1.0/24, 10.0.0.1, 2001:db8::/32");
    return s;
}
} // namespace

void TestKeyJson::specRoundTrips()
{
    const KeySpec spec = fullSpec();
    FieldErrors errors;
    const QJsonObject json = KeyJson::specToJson(spec);
    // Through text, as the CLI and the REST API see it.
    const QJsonObject reparsed = QJsonDocument::fromJson(QJsonDocument(json).toJson()).object();
    QCOMPARE(KeyJson::specFromJson(reparsed, KeySpec{}, &errors), spec);
    QVERIFY(errors.isEmpty());
    QCOMPARE(json.value(u"quota_usd"_s).toString(), u"25.00"_s);
    QCOMPARE(json.value(u"expires_at"_s).toString(), u"2027-01-31T00:00:00Z"_s);
}

void TestKeyJson::absentMembersKeepTheBase()
{
    FieldErrors errors;
    const KeySpec updated =
        KeyJson::specFromJson(QJsonObject{{u"tier"_s, u"starter"_s}}, fullSpec(), &errors);
    QVERIFY(errors.isEmpty());
    KeySpec expected = fullSpec();
    expected.tier = Tier::Starter;
    QCOMPARE(updated, expected);
}

void TestKeyJson::nullClearsLimits()
{
    FieldErrors errors;
    const QJsonObject patch{{u"quota_usd"_s, u"unlimited"_s},
                            {u"expires_at"_s, QJsonValue::Null},
                            {u"spend_cap_day"_s, QJsonValue::Null},
                            {u"rpm"_s, QJsonValue::Null}};
    const KeySpec s = KeyJson::specFromJson(patch, fullSpec(), &errors);
    QVERIFY(errors.isEmpty());
    QVERIFY(!s.quotaLimitMicros && !s.expiresAtMs && !s.spendCapDayMicros && !s.rpmOverride);
    QCOMPARE(s.spendCapWeekMicros, fullSpec().spendCapWeekMicros);
}

void TestKeyJson::badMembersAreNamed()
{
    FieldErrors errors;
    const QJsonObject bad{{u"label"_s, 5},
                          {u"expires_at"_s, u"2027-01-31"_s},
                          {u"quota_usd"_s, u"-3"_s},
                          {u"tier"_s, u"gold"_s},
                          {u"rpm"_s, 1.5},
                          {u"ips"_s, QJsonArray{u"10.0.0.1/8"_s}},
                          {u"permissions"_s, QJsonArray{u"read"_s, u"owner"_s}}};
    KeyJson::specFromJson(bad, KeySpec{}, &errors);
    QStringList fields;
    for (const FieldError& e : errors)
        fields << e.field;
    fields.sort();
    QCOMPARE(fields, (QStringList{u"expires_at"_s, u"ips"_s, u"label"_s, u"permissions"_s,
                                  u"quota_usd"_s, u"rpm"_s, u"tier"_s}));
}

void TestKeyJson::recordJsonCarriesNoSecret()
{
    ApiKeyRecord r;
    r.id = u"key_1"_s;
    r.spec = fullSpec();
    r.hint = u"sk-AbCd…wxyz"_s;
    r.digestHex = ApiKeyFormat::digestHex(u"sk-AbCd"_s);
    const QJsonObject json = KeyJson::toJson(r, 0);
    QVERIFY(!json.contains(u"secret"_s));
    QCOMPARE(json.value(u"secret_sha256"_s).toString(), QString::fromLatin1(r.digestHex));
    QCOMPARE(json.value(u"status"_s).toString(), u"active"_s);
    QCOMPARE(json.value(u"quota_remaining_usd"_s).toString(), u"25.00"_s);
    QVERIFY(json.value(u"rotated_to_id"_s).isNull());
    r.rotatedFromId = u"key_0"_s;
    QCOMPARE(KeyJson::toJson(r, 0).value(u"rotated_from_id"_s).toString(), u"key_0"_s);
}

QTEST_GUILESS_MAIN(TestKeyJson)
// What a store that talks to the admin API reads back is the record the server holds.
void TestKeyJson::recordRoundTrips()
{
    ApiKeyRecord r;
    r.id = u"key_0123456789abcdef"_s;
    r.spec = fullSpec();
    r.status = KeyStatus::Disabled;
    r.prefix = u"sk-"_s;
    r.hint = u"sk-AbCd…wxyz"_s;
    r.digestHex = ApiKeyFormat::digestHex(u"sk-AbCd"_s);
    r.createdAtMs = 1'767'225'600'123;
    r.updatedAtMs = 1'767'225'700'000;
    r.lastUsedAtMs = 1'767'225'800'001;
    r.rotatedFromId = u"key_0"_s;
    r.quotaUsedMicros = 1'234'567;
    r.spendDayMicros = 1;
    r.spendWeekMicros = 22;
    r.spendMonthMicros = 333'333'333;
    // Read back after the key expired: "status" says so, the stored state does not change.
    QString error;
    const auto back = KeyJson::recordFromJson(KeyJson::toJson(r, *r.spec.expiresAtMs + 1), &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(*back, r);
}

void TestKeyJson::badRecordMembersAreNamed_data()
{
    QTest::addColumn<QString>("member");
    QTest::addColumn<QJsonValue>("value");
    QTest::newRow("id") << u"id"_s << QJsonValue(7);
    QTest::newRow("state expired") << u"state"_s << QJsonValue(u"expired"_s);
    QTest::newRow("digest upper case")
        << u"secret_sha256"_s
        << QJsonValue(QString::fromLatin1(ApiKeyFormat::digestHex(u"x"_s).toUpper()));
    QTest::newRow("created_at") << u"created_at"_s << QJsonValue(u"yesterday"_s);
    QTest::newRow("spend") << u"spend_day_usd"_s << QJsonValue(-1);
    QTest::newRow("label") << u"label"_s << QJsonValue(QJsonArray());
}

void TestKeyJson::badRecordMembersAreNamed()
{
    QFETCH(QString, member);
    QFETCH(QJsonValue, value);
    ApiKeyRecord r;
    r.id = u"key_1"_s;
    r.spec.label = u"a"_s;
    r.prefix = u"sk-"_s;
    r.hint = u"sk-AbCd…wxyz"_s;
    r.digestHex = ApiKeyFormat::digestHex(u"sk-AbCd"_s);
    QJsonObject json = KeyJson::toJson(r, 0);
    QVERIFY(KeyJson::recordFromJson(json, nullptr));
    json.insert(member, value);
    QString error;
    QVERIFY(!KeyJson::recordFromJson(json, &error));
    QVERIFY2(error.startsWith(member + u": "_s), qPrintable(error));
}

#include "tst_keyjson.moc"
