#include "CidrBlock.h"
#include "KeyAccess.h"

#include <QTest>

using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(KeyAccess::Verdict)

namespace {
constexpr qint64 Now = 1'780'000'000'000;

ApiKeyRecord adminKey()
{
    ApiKeyRecord record;
    record.id = u"key_1"_s;
    record.spec.label = u"ops"_s;
    record.spec.permissions = Permission::Read | Permission::Admin;
    return record;
}
} // namespace

class TestKeyAccess final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void verdicts_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("client");
        QTest::addColumn<int>("needed");
        QTest::addColumn<KeyAccess::Verdict>("verdict");
        const int admin = int(Permission::Admin);
        QTest::newRow("admin key, admin call")
            << QString() << u"10.0.0.1"_s << admin << KeyAccess::Verdict::Allowed;
        QTest::newRow("read-only key, admin call") << u"read-only"_s << u"10.0.0.1"_s << admin
                                                   << KeyAccess::Verdict::InsufficientPermissions;
        QTest::newRow("revoked and expired: revoked wins")
            << u"revoked+expired"_s << u"10.0.0.1"_s << admin << KeyAccess::Verdict::Revoked;
        QTest::newRow("expires exactly now")
            << u"expires-now"_s << u"10.0.0.1"_s << admin << KeyAccess::Verdict::Expired;
        // SPEC's order: revoked, disabled, expired.
        QTest::newRow("disabled and expired: disabled wins")
            << u"disabled+expired"_s << u"10.0.0.1"_s << admin << KeyAccess::Verdict::Disabled;
        QTest::newRow("disabled") << u"disabled"_s << u"10.0.0.1"_s << admin
                                  << KeyAccess::Verdict::Disabled;
        QTest::newRow("inside the allowlist")
            << u"allowlist"_s << u"192.168.1.9"_s << admin << KeyAccess::Verdict::Allowed;
        QTest::newRow("IPv4-mapped client inside the allowlist")
            << u"allowlist"_s << u"::ffff:192.168.1.9"_s << admin << KeyAccess::Verdict::Allowed;
        QTest::newRow("outside the allowlist")
            << u"allowlist"_s << u"192.168.2.9"_s << admin << KeyAccess::Verdict::IpNotAllowed;
        QTest::newRow("unknown client address with an allowlist")
            << u"allowlist"_s << QString() << admin << KeyAccess::Verdict::IpNotAllowed;
        QTest::newRow("outside the allowlist and not admin: the address is said first")
            << u"allowlist+read-only"_s << u"8.8.8.8"_s << admin
            << KeyAccess::Verdict::IpNotAllowed;
    }

    void modelAllowlist()
    {
        KeySpec spec;
        QVERIFY(KeyAccess::modelAllowed(spec, u"gpt-4o"_s));
        spec.models = {u"gpt-4o-mini"_s, u"claude-3-5-haiku-latest"_s};
        QVERIFY(KeyAccess::modelAllowed(spec, u"gpt-4o-mini"_s));
        // Names match exactly: a listed model does not allow its longer or shorter relatives.
        QVERIFY(!KeyAccess::modelAllowed(spec, u"gpt-4o"_s));
        QVERIFY(!KeyAccess::modelAllowed(spec, u"gpt-4o-mini-2024"_s));
        QVERIFY(!KeyAccess::modelAllowed(spec, u"GPT-4O-MINI"_s));
    }

    void verdicts()
    {
        QFETCH(QString, change);
        QFETCH(QString, client);
        QFETCH(int, needed);
        QFETCH(KeyAccess::Verdict, verdict);
        ApiKeyRecord record = adminKey();
        if (change.contains(u"read-only"_s))
            record.spec.permissions = Permission::Read;
        if (change.contains(u"revoked"_s))
            record.status = KeyStatus::Revoked;
        if (change.contains(u"expired"_s))
            record.spec.expiresAtMs = Now - 1;
        if (change == u"expires-now"_s)
            record.spec.expiresAtMs = Now;
        if (change.contains(u"disabled"_s))
            record.status = KeyStatus::Disabled;
        if (change.contains(u"allowlist"_s))
            record.spec.ipAllowlist = *CidrBlock::parseList(u"192.168.1.0/24, 10.0.0.1");
        const std::optional<IpAddress> address =
            client.isEmpty() ? std::nullopt : IpAddress::parse(client);
        QCOMPARE(KeyAccess::check(record, Now, address, Permission(needed)), verdict);
    }
};

QTEST_GUILESS_MAIN(TestKeyAccess)
#include "tst_keyaccess.moc"
