#include "KeyStoreContract.h"

#include "ApiKeyFormat.h"
#include "KeyJson.h"
#include "RecordPrinting.h"
#include "StoreOutcome.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 HourMs = 3'600'000;
constexpr qint64 DayMs = 24 * HourMs;

CidrBlock cidr(const QString& text)
{
    const auto block = CidrBlock::parse(text);
    Q_ASSERT(block);
    return *block;
}

// Every text a record carries, including its JSON form: where a leaked secret would show.
QString everyText(const ApiKeyRecord& record)
{
    QStringList parts{record.id,
                      record.spec.label,
                      record.spec.environment,
                      record.prefix,
                      record.hint,
                      QString::fromLatin1(record.digestHex),
                      record.spec.models.join(u' '),
                      CidrBlock::joinList(record.spec.ipAllowlist)};
    parts << QString::fromUtf8(
        QJsonDocument(KeyJson::toJson(record, KeyStoreContract::StartMs)).toJson());
    return parts.join(u'\n');
}
} // namespace

KeyStoreContract::KeyStoreContract(Factory factory, QObject* parent)
    : QObject(parent)
    , m_factory(std::move(factory))
{}

KeyStoreContract::~KeyStoreContract() = default;

void KeyStoreContract::init()
{
    m_clock = std::make_unique<ManualClock>(StartMs);
    m_connection = m_factory(*m_clock);
    QVERIFY2(m_connection, "the factory could not make a fresh store");
}

void KeyStoreContract::cleanup()
{
    m_connection.reset();
    m_clock.reset();
}

KeySpec KeyStoreContract::specNamed(const QString& label)
{
    KeySpec spec;
    spec.label = label;
    return spec;
}

KeySpec KeyStoreContract::fullSpec(qint64 nowMs)
{
    KeySpec spec;
    spec.label = u"billing-worker-v2"_s;
    spec.environment = u"prod"_s;
    spec.type = KeyType::Subscription;
    spec.billingCycleDay = 15;
    spec.permissions = Permissions(Permission::Read) | Permission::Admin | Permission::Webhook;
    spec.expiresAtMs = nowMs + 90 * DayMs + 123;
    spec.quotaLimitMicros = 25'000'000;
    spec.spendCapDayMicros = 1'500'000;
    spec.spendCapWeekMicros = 5'000'001;
    spec.spendCapMonthMicros = 20'000'000;
    spec.tier = Tier::Pro;
    spec.rpmOverride = 900;
    spec.tpmOverride = 1'500'000;
    spec.models = QStringList{u"gpt-4o"_s, u"claude-3-5-sonnet"_s, u"llama3:70b"_s};
    spec.ipAllowlist = {cidr(u"192.168.1.0/24"_s), cidr(u"10.0.0.1"_s), cidr(u"2001:db8::/32"_s),
                        cidr(u"::1"_s)};
    spec.owner = u"Payments team – Zoë"_s;
    spec.note =
        u"Checkout service in eu-west-1.\nRotate with the deploy on Fridays; ask #payments."_s;
    return spec;
}

void KeyStoreContract::createReturnsAWellFormedSecret()
{
    const KeySpec spec = specNamed(u"prod-web-app"_s);
    const auto created = outcomeOf(store().createKey(spec));
    QVERIFY2(created.ok(), qPrintable(created.describe()));
    const CreatedKey& key = created.value();

    QString error;
    const auto parts = ApiKeyFormat::parse(key.secret, &error);
    QVERIFY2(parts, qPrintable(error));
    QCOMPARE(parts->prefix, ApiKeyFormat::defaultPrefix());
    QCOMPARE(key.record.prefix, parts->prefix);
    QVERIFY(!key.record.id.isEmpty());
    QCOMPARE(key.record.spec, spec);
    QCOMPARE(key.record.status, KeyStatus::Active);
    QCOMPARE(key.record.createdAtMs, StartMs);
    QCOMPARE(key.record.updatedAtMs, StartMs);
    QVERIFY(!key.record.lastUsedAtMs);
    QVERIFY(!key.record.revokedAtMs);
    QCOMPARE(key.record.quotaUsedMicros, qint64(0));

    const auto second = outcomeOf(store().createKey(specNamed(u"ci-tests"_s)));
    QVERIFY2(second.ok(), qPrintable(second.describe()));
    QVERIFY(second.value().secret != key.secret);
    QVERIFY(second.value().record.id != key.record.id);
}

void KeyStoreContract::recordKeepsDigestAndHintButNeverTheSecret()
{
    const auto created = outcomeOf(store().createKey(specNamed(u"prod-web-app"_s)));
    QVERIFY2(created.ok(), qPrintable(created.describe()));
    const CreatedKey& key = created.value();
    QCOMPARE(key.record.digestHex, ApiKeyFormat::digestHex(key.secret));
    QCOMPARE(key.record.hint, ApiKeyFormat::displayHint(key.secret));
    const QString random = ApiKeyFormat::parse(key.secret)->random;

    const auto listed = outcomeOf(store().listKeys());
    QVERIFY2(listed.ok(), qPrintable(listed.describe()));
    QCOMPARE(listed.value().size(), 1);
    const auto found = outcomeOf(store().findKey(key.record.id));
    QVERIFY2(found.ok(), qPrintable(found.describe()));

    for (const ApiKeyRecord& record : {key.record, listed.value().first(), found.value()}) {
        QCOMPARE(record, key.record);
        const QString text = everyText(record);
        QVERIFY2(!text.contains(random), qPrintable(text));
    }
}

void KeyStoreContract::subscriptionKeysUseTheSubscriptionPrefix()
{
    KeySpec spec = specNamed(u"team-plan"_s);
    spec.type = KeyType::Subscription;
    spec.billingCycleDay = 28;
    const auto created = outcomeOf(store().createKey(spec));
    QVERIFY2(created.ok(), qPrintable(created.describe()));
    const auto parts = ApiKeyFormat::parse(created.value().secret);
    QVERIFY(parts);
    QCOMPARE(parts->prefix, ApiKeyFormat::subscriptionPrefix());
    QCOMPARE(created.value().record.prefix, ApiKeyFormat::subscriptionPrefix());
    QCOMPARE(created.value().record.spec, spec);
}

void KeyStoreContract::workspacePrefixesShapeNewKeysOnly()
{
    const auto initial = outcomeOf(store().workspaceSettings());
    QVERIFY2(initial.ok(), qPrintable(initial.describe()));
    QCOMPARE(initial.value(), WorkspaceSettings());

    const auto old = outcomeOf(store().createKey(specNamed(u"before-branding"_s)));
    QVERIFY2(old.ok(), qPrintable(old.describe()));

    const WorkspaceSettings branded{u"sk-aisa-"_s, u"sk-aisa-sub-"_s};
    const auto updated = outcomeOf(store().updateWorkspaceSettings(branded));
    QVERIFY2(updated.ok(), qPrintable(updated.describe()));
    QCOMPARE(updated.value(), branded);
    const auto reread = outcomeOf(store().workspaceSettings());
    QVERIFY2(reread.ok(), qPrintable(reread.describe()));
    QCOMPARE(reread.value(), branded);

    const auto standard = outcomeOf(store().createKey(specNamed(u"after-branding"_s)));
    QVERIFY2(standard.ok(), qPrintable(standard.describe()));
    QCOMPARE(ApiKeyFormat::parse(standard.value().secret)->prefix, u"sk-aisa-"_s);
    QCOMPARE(standard.value().record.prefix, u"sk-aisa-"_s);

    KeySpec subscriptionSpec = specNamed(u"after-branding-sub"_s);
    subscriptionSpec.type = KeyType::Subscription;
    const auto subscription = outcomeOf(store().createKey(subscriptionSpec));
    QVERIFY2(subscription.ok(), qPrintable(subscription.describe()));
    QCOMPARE(ApiKeyFormat::parse(subscription.value().secret)->prefix, u"sk-aisa-sub-"_s);

    const auto oldNow = outcomeOf(store().findKey(old.value().record.id));
    QVERIFY2(oldNow.ok(), qPrintable(oldNow.describe()));
    QCOMPARE(oldNow.value(), old.value().record);
}

void KeyStoreContract::invalidWorkspacePrefixChangesNothing_data()
{
    QTest::addColumn<QString>("standardPrefix");
    QTest::addColumn<QString>("subscriptionPrefix");
    QTest::addColumn<QString>("field");
    QTest::newRow("upper-case standard") << u"SK-"_s << u"sk-sub-"_s << u"standard_prefix"_s;
    QTest::newRow("standard without dash") << u"sk"_s << u"sk-sub-"_s << u"standard_prefix"_s;
    QTest::newRow("empty subscription") << u"sk-"_s << QString() << u"subscription_prefix"_s;
    QTest::newRow("subscription with space")
        << u"sk-"_s << u"sk sub-"_s << u"subscription_prefix"_s;
}

void KeyStoreContract::invalidWorkspacePrefixChangesNothing()
{
    QFETCH(QString, standardPrefix);
    QFETCH(QString, subscriptionPrefix);
    QFETCH(QString, field);
    const auto refused =
        outcomeOf(store().updateWorkspaceSettings({standardPrefix, subscriptionPrefix}));
    QVERIFY2(refused.failedWith(StoreError::Code::Invalid), qPrintable(refused.describe()));
    QVERIFY2(refused.namesField(field), qPrintable(refused.describe()));
    const auto settings = outcomeOf(store().workspaceSettings());
    QVERIFY2(settings.ok(), qPrintable(settings.describe()));
    QCOMPARE(settings.value(), WorkspaceSettings());
}

void KeyStoreContract::listIsNewestFirst()
{
    QStringList createdIds;
    for (const QString& label : {u"first"_s, u"second"_s, u"third"_s}) {
        const auto created = outcomeOf(store().createKey(specNamed(label)));
        QVERIFY2(created.ok(), qPrintable(created.describe()));
        createdIds.prepend(created.value().record.id);
        m_clock->advanceMs(1000);
    }
    const auto listed = outcomeOf(store().listKeys());
    QVERIFY2(listed.ok(), qPrintable(listed.describe()));
    QStringList listedIds;
    for (const ApiKeyRecord& record : listed.value())
        listedIds << record.id;
    QCOMPARE(listedIds, createdIds);
    QCOMPARE(listed.value().first().spec.label, u"third"_s);
}

namespace {
QStringList labelsOf(const QList<ApiKeyRecord>& records)
{
    QStringList labels;
    for (const ApiKeyRecord& record : records)
        labels << record.spec.label;
    return labels;
}
} // namespace

void KeyStoreContract::listsAPageAtATimeWithFilters()
{
    for (int i = 0; i < 12; ++i) {
        KeySpec spec = specNamed(u"key-%1"_s.arg(i));
        spec.environment = i % 2 ? u"dev"_s : u"prod"_s;
        if (i == 3)
            spec.expiresAtMs = m_clock->nowUtcMs() + 60'000;
        QVERIFY(outcomeOf(store().createKey(spec)).ok());
        m_clock->advanceMs(1);
    }
    QVERIFY(outcomeOf(store().createPendingKey(specNamed(u"key-pending"_s))).ok());
    const auto all = outcomeOf(store().listKeys());
    QVERIFY2(all.ok(), qPrintable(all.describe()));
    const auto idOf = [&](const QString& label) {
        for (const ApiKeyRecord& record : all.value()) {
            if (record.spec.label == label)
                return record.id;
        }
        return QString();
    };
    QVERIFY(outcomeOf(store().revokeKey(idOf(u"key-4"_s))).ok());
    QVERIFY(outcomeOf(store().disableKey(idOf(u"key-5"_s))).ok());
    m_clock->advanceMs(120'000); // key-3 expires

    QList<ApiKeyRecord> paged;
    KeyListQuery query;
    query.limit = 5;
    int pages = 0;
    do {
        const auto page = outcomeOf(store().listKeysPage(query));
        QVERIFY2(page.ok(), qPrintable(page.describe()));
        QCOMPARE(page.value().total, qint64(query.cursor.isEmpty() ? 12 : -1));
        paged << page.value().keys;
        query.cursor = page.value().nextCursor;
        ++pages;
    } while (!query.cursor.isEmpty() && pages < 10);
    QCOMPARE(pages, 3);
    const auto listed = outcomeOf(store().listKeys());
    QCOMPARE(paged, listed.value());

    const auto count = [&](KeyListQuery filter) -> int {
        filter.limit = KeyListQuery::MaxLimit;
        const auto page = outcomeOf(store().listKeysPage(filter));
        if (!page.ok()) {
            qWarning("%s", qPrintable(page.describe()));
            return -2;
        }
        return page.value().keys.size() == page.value().total ? int(page.value().total) : -3;
    };
    KeyListQuery prod;
    prod.environment = u"prod"_s;
    QCOMPARE(count(prod), 6);
    for (const auto& [status, expected] :
         {std::pair{KeyStatus::Expired, 1}, std::pair{KeyStatus::Revoked, 1},
          std::pair{KeyStatus::Disabled, 1}, std::pair{KeyStatus::Active, 9}}) {
        KeyListQuery byStatus;
        byStatus.status = status;
        QCOMPARE(count(byStatus), expected);
    }
    KeyListQuery search;
    search.search = u"KEY-1"_s;
    QCOMPARE(count(search), 3); // key-1, key-10, key-11
    search.environment = u"dev"_s;
    QCOMPARE(count(search), 2);
    // Who answers for a key finds it too.
    const auto owned = outcomeOf(store().listKeys());
    QVERIFY2(owned.ok(), qPrintable(owned.describe()));
    KeySpec ownedSpec = owned.value().constFirst().spec;
    ownedSpec.owner = u"Data Platform"_s;
    QVERIFY(outcomeOf(store().updateKey(owned.value().constFirst().id, ownedSpec)).ok());
    KeyListQuery byOwner;
    byOwner.search = u"data plat"_s;
    QCOMPARE(count(byOwner), 1);
    // The search is text, not a pattern: "%" and "_" match only themselves.
    KeyListQuery wildcard;
    wildcard.search = u"%"_s;
    QCOMPARE(count(wildcard), 0);
    wildcard.search = u"k_y-1"_s;
    QCOMPARE(count(wildcard), 0);
}

void KeyStoreContract::pagesNeverRepeatOrSkipWhenKeysComeAndGo()
{
    for (int i = 0; i < 9; ++i) {
        QVERIFY(outcomeOf(store().createKey(specNamed(u"key-%1"_s.arg(i)))).ok());
        m_clock->advanceMs(1);
    }
    KeyListQuery query;
    query.limit = 3;
    const auto first = outcomeOf(store().listKeysPage(query));
    QVERIFY2(first.ok(), qPrintable(first.describe()));
    QCOMPARE(labelsOf(first.value().keys), QStringList({u"key-8"_s, u"key-7"_s, u"key-6"_s}));
    // Meanwhile a key on the first page goes and a newer one comes.
    QVERIFY(outcomeOf(store().deleteKey(first.value().keys.at(1).id)).ok());
    QVERIFY(outcomeOf(store().createKey(specNamed(u"key-new"_s))).ok());
    QStringList rest;
    query.cursor = first.value().nextCursor;
    while (!query.cursor.isEmpty()) {
        const auto page = outcomeOf(store().listKeysPage(query));
        QVERIFY2(page.ok(), qPrintable(page.describe()));
        rest << labelsOf(page.value().keys);
        query.cursor = page.value().nextCursor;
    }
    QCOMPARE(rest,
             QStringList({u"key-5"_s, u"key-4"_s, u"key-3"_s, u"key-2"_s, u"key-1"_s, u"key-0"_s}));
}

void KeyStoreContract::badPageQueryIsInvalid_data()
{
    QTest::addColumn<QString>("cursor");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QString>("field");
    QTest::newRow("made-up cursor") << u"page-2"_s << 10 << u"cursor"_s;
    QTest::newRow("SQL in the cursor") << u"1:1 OR 1=1"_s << 10 << u"cursor"_s;
    QTest::newRow("limit 0") << QString() << 0 << u"limit"_s;
    QTest::newRow("limit too large") << QString() << KeyListQuery::MaxLimit + 1 << u"limit"_s;
}

void KeyStoreContract::badPageQueryIsInvalid()
{
    QFETCH(QString, cursor);
    QFETCH(int, limit);
    QFETCH(QString, field);
    QVERIFY(outcomeOf(store().createKey(specNamed(u"only"_s))).ok());
    KeyListQuery query;
    query.cursor = cursor;
    query.limit = limit;
    const auto page = outcomeOf(store().listKeysPage(query));
    QVERIFY2(page.failedWith(StoreError::Code::Invalid), qPrintable(page.describe()));
    QVERIFY(page.namesField(field));
}

void KeyStoreContract::findsByIdAndByLabel()
{
    const auto other = outcomeOf(store().createKey(specNamed(u"staging-api"_s)));
    QVERIFY2(other.ok(), qPrintable(other.describe()));
    const auto created = outcomeOf(store().createKey(specNamed(u"prod-web-app"_s)));
    QVERIFY2(created.ok(), qPrintable(created.describe()));
    const ApiKeyRecord& record = created.value().record;

    const auto byId = outcomeOf(store().findKey(record.id));
    QVERIFY2(byId.ok(), qPrintable(byId.describe()));
    QCOMPARE(byId.value(), record);
    const auto byLabel = outcomeOf(store().findKey(u"prod-web-app"_s));
    QVERIFY2(byLabel.ok(), qPrintable(byLabel.describe()));
    QCOMPARE(byLabel.value(), record);

    const auto byLabelPrefix = outcomeOf(store().findKey(u"prod-web"_s));
    QVERIFY2(byLabelPrefix.failedWith(StoreError::Code::NotFound),
             qPrintable(byLabelPrefix.describe()));
}

void KeyStoreContract::unknownKeyIsNotFound()
{
    const auto existing = outcomeOf(store().createKey(specNamed(u"prod-web-app"_s)));
    QVERIFY2(existing.ok(), qPrintable(existing.describe()));
    const QString missing = u"key_doesnotexist"_s;

    const auto find = outcomeOf(store().findKey(missing));
    QVERIFY2(find.failedWith(StoreError::Code::NotFound), qPrintable(find.describe()));
    const auto update = outcomeOf(store().updateKey(missing, specNamed(u"renamed"_s)));
    QVERIFY2(update.failedWith(StoreError::Code::NotFound), qPrintable(update.describe()));
    const auto disable = outcomeOf(store().disableKey(missing));
    QVERIFY2(disable.failedWith(StoreError::Code::NotFound), qPrintable(disable.describe()));
    const auto revoke = outcomeOf(store().revokeKey(missing));
    QVERIFY2(revoke.failedWith(StoreError::Code::NotFound), qPrintable(revoke.describe()));
    const auto remove = outcomeOf(store().deleteKey(missing));
    QVERIFY2(remove.failedWith(StoreError::Code::NotFound), qPrintable(remove.describe()));
    // Updates take ids, not labels.
    const auto updateByLabel =
        outcomeOf(store().updateKey(u"prod-web-app"_s, specNamed(u"renamed"_s)));
    QVERIFY2(updateByLabel.failedWith(StoreError::Code::NotFound),
             qPrintable(updateByLabel.describe()));

    const auto listed = outcomeOf(store().listKeys());
    QVERIFY2(listed.ok(), qPrintable(listed.describe()));
    QCOMPARE(listed.value(), QList<ApiKeyRecord>{existing.value().record});
}

void KeyStoreContract::findsAKeyByTheDigestOfItsSecret()
{
    const auto created = outcomeOf(store().createKey(specNamed(u"by-digest"_s)));
    QVERIFY2(created.ok(), qPrintable(created.describe()));
    const QByteArray digest = ApiKeyFormat::digestHex(created.value().secret);
    const auto found = outcomeOf(store().findKeyByDigest(digest));
    QVERIFY2(found.ok(), qPrintable(found.describe()));
    QCOMPARE(found.value(), created.value().record);

    // A revoked key is still found: the caller must be able to say "revoked", not "unknown".
    QVERIFY(outcomeOf(store().revokeKey(created.value().record.id)).ok());
    const auto revoked = outcomeOf(store().findKeyByDigest(digest));
    QVERIFY2(revoked.ok(), qPrintable(revoked.describe()));
    QCOMPARE(revoked.value().status, KeyStatus::Revoked);

    const QString other = ApiKeyFormat::generate(u"sk-", *QRandomGenerator::system());
    const auto unknown = outcomeOf(store().findKeyByDigest(ApiKeyFormat::digestHex(other)));
    QVERIFY2(unknown.failedWith(StoreError::Code::NotFound), qPrintable(unknown.describe()));
    const auto notHex = outcomeOf(store().findKeyByDigest("' OR 1=1 --"));
    QVERIFY2(notHex.failedWith(StoreError::Code::NotFound), qPrintable(notHex.describe()));

    // Not usable before activation, so not found either.
    const auto pending = outcomeOf(store().createPendingKey(specNamed(u"pending-digest"_s)));
    QVERIFY2(pending.ok(), qPrintable(pending.describe()));
    const QByteArray pendingDigest = ApiKeyFormat::digestHex(pending.value().secret);
    const auto hidden = outcomeOf(store().findKeyByDigest(pendingDigest));
    QVERIFY2(hidden.failedWith(StoreError::Code::NotFound), qPrintable(hidden.describe()));
    QVERIFY(outcomeOf(store().activateKey(pending.value().record.id)).ok());
    QVERIFY(outcomeOf(store().findKeyByDigest(pendingDigest)).ok());
}

void KeyStoreContract::duplicateLabelIsAConflict()
{
    const auto first = outcomeOf(store().createKey(specNamed(u"ci-tests"_s)));
    QVERIFY2(first.ok(), qPrintable(first.describe()));
    KeySpec again = specNamed(u"ci-tests"_s);
    again.environment = u"staging"_s;
    const auto duplicate = outcomeOf(store().createKey(again));
    QVERIFY2(duplicate.failedWith(StoreError::Code::Conflict), qPrintable(duplicate.describe()));
    QVERIFY2(duplicate.namesField(u"label"_s), qPrintable(duplicate.describe()));

    const auto second = outcomeOf(store().createKey(specNamed(u"ci-tests-v2"_s)));
    QVERIFY2(second.ok(), qPrintable(second.describe()));
    const auto rename =
        outcomeOf(store().updateKey(second.value().record.id, specNamed(u"ci-tests"_s)));
    QVERIFY2(rename.failedWith(StoreError::Code::Conflict), qPrintable(rename.describe()));
    QVERIFY2(rename.namesField(u"label"_s), qPrintable(rename.describe()));

    const auto listed = outcomeOf(store().listKeys());
    QVERIFY2(listed.ok(), qPrintable(listed.describe()));
    const QList<ApiKeyRecord> expected{second.value().record, first.value().record};
    QCOMPARE(listed.value(), expected);

    // Keeping its own label is no conflict.
    KeySpec sameLabel = specNamed(u"ci-tests-v2"_s);
    sameLabel.environment = u"ci"_s;
    const auto keep = outcomeOf(store().updateKey(second.value().record.id, sameLabel));
    QVERIFY2(keep.ok(), qPrintable(keep.describe()));
}

void KeyStoreContract::invalidSpecIsRejectedAndNothingStored_data()
{
    QTest::addColumn<KeySpec>("spec");
    QTest::addColumn<QString>("field");
    const auto with = [](const std::function<void(KeySpec&)>& change) {
        KeySpec spec = specNamed(u"bad-key"_s);
        change(spec);
        return spec;
    };
    QTest::newRow("empty label") << with([](KeySpec& s) { s.label.clear(); }) << u"label"_s;
    QTest::newRow("line break in label")
        << with([](KeySpec& s) { s.label = u"a\nb"_s; }) << u"label"_s;
    QTest::newRow("environment with space")
        << with([](KeySpec& s) { s.environment = u"Prod env"_s; }) << u"environment"_s;
    QTest::newRow("billing day 29") << with([](KeySpec& s) {
        s.type = KeyType::Subscription;
        s.billingCycleDay = 29;
    }) << u"billing_cycle_day"_s;
    QTest::newRow("no permissions")
        << with([](KeySpec& s) { s.permissions = {}; }) << u"permissions"_s;
    QTest::newRow("expires now") << with([](KeySpec& s) { s.expiresAtMs = StartMs; })
                                 << u"expires"_s;
    QTest::newRow("negative quota")
        << with([](KeySpec& s) { s.quotaLimitMicros = -1; }) << u"quota_usd"_s;
    QTest::newRow("daily cap above weekly") << with([](KeySpec& s) {
        s.spendCapDayMicros = 10'000'000;
        s.spendCapWeekMicros = 5'000'000;
    }) << u"spend_cap_day"_s;
    QTest::newRow("rpm above tier") << with([](KeySpec& s) { s.rpmOverride = 6; }) << u"rpm"_s;
    QTest::newRow("bad model name")
        << with([](KeySpec& s) { s.models = {u"gpt 4"_s}; }) << u"models"_s;
    QTest::newRow("month cap above quota") << with([](KeySpec& s) {
        s.quotaLimitMicros = 10'000'000;
        s.spendCapMonthMicros = 20'000'000;
    }) << u"spend_cap_month"_s;
    QTest::newRow("line break in owner")
        << with([](KeySpec& s) { s.owner = u"ops\nteam"_s; }) << u"owner"_s;
    QTest::newRow("carriage return in note")
        << with([](KeySpec& s) { s.note = u"line one\r\nline two"_s; }) << u"note"_s;
    QTest::newRow("secret in note") << with([](KeySpec& s) {
        s.note = u"old key sk-proj-abcdefghijklmnopqrstuvwxyzABCDEF0123456789"_s;
    }) << u"note"_s;
    QTest::newRow("note too long")
        << with([](KeySpec& s) { s.note = QString(2001, u'x'); }) << u"note"_s;
}

void KeyStoreContract::invalidSpecIsRejectedAndNothingStored()
{
    QFETCH(KeySpec, spec);
    QFETCH(QString, field);
    const auto existing = outcomeOf(store().createKey(specNamed(u"existing"_s)));
    QVERIFY2(existing.ok(), qPrintable(existing.describe()));
    const QList<ApiKeyRecord> before{existing.value().record};
    m_clock->advanceMs(1000);

    const auto created = outcomeOf(store().createKey(spec));
    QVERIFY2(created.failedWith(StoreError::Code::Invalid), qPrintable(created.describe()));
    QVERIFY2(created.namesField(field), qPrintable(created.describe()));
    const auto afterCreate = outcomeOf(store().listKeys());
    QVERIFY2(afterCreate.ok(), qPrintable(afterCreate.describe()));
    QCOMPARE(afterCreate.value(), before);

    const auto updated = outcomeOf(store().updateKey(existing.value().record.id, spec));
    QVERIFY2(updated.failedWith(StoreError::Code::Invalid), qPrintable(updated.describe()));
    QVERIFY2(updated.namesField(field), qPrintable(updated.describe()));
    const auto afterUpdate = outcomeOf(store().listKeys());
    QVERIFY2(afterUpdate.ok(), qPrintable(afterUpdate.describe()));
    QCOMPARE(afterUpdate.value(), before);
}

void KeyStoreContract::updateRoundTripsEveryField()
{
    const auto created = outcomeOf(store().createKey(specNamed(u"billing-worker"_s)));
    QVERIFY2(created.ok(), qPrintable(created.describe()));
    const ApiKeyRecord original = created.value().record;
    m_clock->advanceMs(5000);

    const KeySpec full = fullSpec(m_clock->nowUtcMs());
    const auto updated = outcomeOf(store().updateKey(original.id, full));
    QVERIFY2(updated.ok(), qPrintable(updated.describe()));
    ApiKeyRecord expected = original;
    expected.spec = full;
    expected.updatedAtMs = m_clock->nowUtcMs();
    QCOMPARE(updated.value(), expected);

    const auto found = outcomeOf(store().findKey(original.id));
    QVERIFY2(found.ok(), qPrintable(found.describe()));
    QCOMPARE(found.value(), expected);
    const auto listed = outcomeOf(store().listKeys());
    QVERIFY2(listed.ok(), qPrintable(listed.describe()));
    QCOMPARE(listed.value(), QList<ApiKeyRecord>{expected});

    // And back: every limit cleared again.
    m_clock->advanceMs(5000);
    const KeySpec plain = specNamed(u"billing-worker"_s);
    const auto cleared = outcomeOf(store().updateKey(original.id, plain));
    QVERIFY2(cleared.ok(), qPrintable(cleared.describe()));
    const auto refound = outcomeOf(store().findKey(original.id));
    QVERIFY2(refound.ok(), qPrintable(refound.describe()));
    QCOMPARE(refound.value().spec, plain);
    QCOMPARE(refound.value().updatedAtMs, m_clock->nowUtcMs());
}

void KeyStoreContract::disableAndEnable()
{
    const auto created = outcomeOf(store().createKey(specNamed(u"prod-web-app"_s)));
    QVERIFY2(created.ok(), qPrintable(created.describe()));
    const QString id = created.value().record.id;

    m_clock->advanceMs(1000);
    const auto disabled = outcomeOf(store().disableKey(id));
    QVERIFY2(disabled.ok(), qPrintable(disabled.describe()));
    QCOMPARE(disabled.value().status, KeyStatus::Disabled);
    QCOMPARE(disabled.value().updatedAtMs, m_clock->nowUtcMs());
    QCOMPARE(disabled.value().effectiveStatus(m_clock->nowUtcMs()), KeyStatus::Disabled);
    const auto foundDisabled = outcomeOf(store().findKey(id));
    QVERIFY2(foundDisabled.ok(), qPrintable(foundDisabled.describe()));
    QCOMPARE(foundDisabled.value(), disabled.value());

    m_clock->advanceMs(1000);
    const auto enabled = outcomeOf(store().enableKey(id));
    QVERIFY2(enabled.ok(), qPrintable(enabled.describe()));
    QCOMPARE(enabled.value().status, KeyStatus::Active);
    QVERIFY(!enabled.value().revokedAtMs);
    const auto foundEnabled = outcomeOf(store().findKey(id));
    QVERIFY2(foundEnabled.ok(), qPrintable(foundEnabled.describe()));
    QCOMPARE(foundEnabled.value(), enabled.value());
    QCOMPARE(foundEnabled.value().spec, created.value().record.spec);
}

void KeyStoreContract::revokeIsFinal()
{
    const auto created = outcomeOf(store().createKey(specNamed(u"leaked-key"_s)));
    QVERIFY2(created.ok(), qPrintable(created.describe()));
    const QString id = created.value().record.id;

    m_clock->advanceMs(1000);
    const auto revoked = outcomeOf(store().revokeKey(id));
    QVERIFY2(revoked.ok(), qPrintable(revoked.describe()));
    QCOMPARE(revoked.value().status, KeyStatus::Revoked);
    QCOMPARE(revoked.value().revokedAtMs, std::optional(m_clock->nowUtcMs()));

    m_clock->advanceMs(1000);
    const auto enable = outcomeOf(store().enableKey(id));
    QVERIFY2(enable.failedWith(StoreError::Code::Final), qPrintable(enable.describe()));
    const auto disable = outcomeOf(store().disableKey(id));
    QVERIFY2(disable.failedWith(StoreError::Code::Final), qPrintable(disable.describe()));
    const auto revokeAgain = outcomeOf(store().revokeKey(id));
    QVERIFY2(revokeAgain.failedWith(StoreError::Code::Final), qPrintable(revokeAgain.describe()));
    const auto update = outcomeOf(store().updateKey(id, specNamed(u"leaked-key-renamed"_s)));
    QVERIFY2(update.failedWith(StoreError::Code::Final), qPrintable(update.describe()));

    const auto found = outcomeOf(store().findKey(id));
    QVERIFY2(found.ok(), qPrintable(found.describe()));
    QCOMPARE(found.value(), revoked.value());

    const auto removed = outcomeOf(store().deleteKey(id));
    QVERIFY2(removed.ok(), qPrintable(removed.describe()));
    const auto gone = outcomeOf(store().findKey(id));
    QVERIFY2(gone.failedWith(StoreError::Code::NotFound), qPrintable(gone.describe()));
}

void KeyStoreContract::expiredCannotBeSetDirectly()
{
    const auto created = outcomeOf(store().createKey(specNamed(u"prod-web-app"_s)));
    QVERIFY2(created.ok(), qPrintable(created.describe()));
    const auto expired =
        outcomeOf(store().setKeyStatus(created.value().record.id, KeyStatus::Expired));
    QVERIFY2(expired.failedWith(StoreError::Code::Invalid), qPrintable(expired.describe()));
    QVERIFY2(expired.namesField(u"status"_s), qPrintable(expired.describe()));
    const auto found = outcomeOf(store().findKey(created.value().record.id));
    QVERIFY2(found.ok(), qPrintable(found.describe()));
    QCOMPARE(found.value(), created.value().record);
}

void KeyStoreContract::deleteRemovesTheKeyAndFreesItsLabel()
{
    const auto kept = outcomeOf(store().createKey(specNamed(u"kept"_s)));
    QVERIFY2(kept.ok(), qPrintable(kept.describe()));
    const auto created = outcomeOf(store().createKey(specNamed(u"short-lived"_s)));
    QVERIFY2(created.ok(), qPrintable(created.describe()));
    const QString id = created.value().record.id;

    const auto removed = outcomeOf(store().deleteKey(id));
    QVERIFY2(removed.ok(), qPrintable(removed.describe()));
    const auto byId = outcomeOf(store().findKey(id));
    QVERIFY2(byId.failedWith(StoreError::Code::NotFound), qPrintable(byId.describe()));
    const auto byLabel = outcomeOf(store().findKey(u"short-lived"_s));
    QVERIFY2(byLabel.failedWith(StoreError::Code::NotFound), qPrintable(byLabel.describe()));
    const auto listed = outcomeOf(store().listKeys());
    QVERIFY2(listed.ok(), qPrintable(listed.describe()));
    QCOMPARE(listed.value(), QList<ApiKeyRecord>{kept.value().record});
    const auto again = outcomeOf(store().deleteKey(id));
    QVERIFY2(again.failedWith(StoreError::Code::NotFound), qPrintable(again.describe()));

    const auto reused = outcomeOf(store().createKey(specNamed(u"short-lived"_s)));
    QVERIFY2(reused.ok(), qPrintable(reused.describe()));
    QVERIFY(reused.value().record.id != id);
}

void KeyStoreContract::expiryIsDerivedFromTheClock()
{
    KeySpec spec = specNamed(u"trial-key"_s);
    spec.expiresAtMs = StartMs + HourMs;
    const auto created = outcomeOf(store().createKey(spec));
    QVERIFY2(created.ok(), qPrintable(created.describe()));
    QCOMPARE(created.value().record.effectiveStatus(m_clock->nowUtcMs()), KeyStatus::Active);

    m_clock->advanceMs(HourMs);
    const auto found = outcomeOf(store().findKey(created.value().record.id));
    QVERIFY2(found.ok(), qPrintable(found.describe()));
    // Stored status stays what the admin set; expiry is read off the clock.
    QCOMPARE(found.value().status, KeyStatus::Active);
    QCOMPARE(found.value().spec.expiresAtMs, std::optional(StartMs + HourMs));
    QCOMPARE(found.value().effectiveStatus(m_clock->nowUtcMs()), KeyStatus::Expired);

    const auto disabled = outcomeOf(store().disableKey(created.value().record.id));
    QVERIFY2(disabled.ok(), qPrintable(disabled.describe()));
    QCOMPARE(disabled.value().effectiveStatus(m_clock->nowUtcMs()), KeyStatus::Expired);
    const auto revoked = outcomeOf(store().revokeKey(created.value().record.id));
    QVERIFY2(revoked.ok(), qPrintable(revoked.describe()));
    QCOMPARE(revoked.value().effectiveStatus(m_clock->nowUtcMs()), KeyStatus::Revoked);
}

void KeyStoreContract::expiredKeyStaysEditable()
{
    KeySpec spec = specNamed(u"expired-key"_s);
    spec.expiresAtMs = StartMs + HourMs;
    const auto created = outcomeOf(store().createKey(spec));
    QVERIFY2(created.ok(), qPrintable(created.describe()));
    m_clock->advanceMs(2 * HourMs);

    // Other fields change; the passed expiry is left as it was, not judged again.
    spec.tier = Tier::Pro;
    const auto updated = outcomeOf(store().updateKey(created.value().record.id, spec));
    QVERIFY2(updated.ok(), qPrintable(updated.describe()));
    QCOMPARE(updated.value().spec.tier, Tier::Pro);
    QCOMPARE(updated.value().effectiveStatus(m_clock->nowUtcMs()), KeyStatus::Expired);

    // A new expiry in the past is still refused.
    spec.expiresAtMs = StartMs + HourMs + 1;
    const auto moved = outcomeOf(store().updateKey(created.value().record.id, spec));
    QVERIFY2(moved.failedWith(StoreError::Code::Invalid), qPrintable(moved.describe()));
    QVERIFY2(moved.namesField(u"expires"_s), qPrintable(moved.describe()));
}

void KeyStoreContract::keysChangedFollowsEverySuccessfulWrite()
{
    QSignalSpy changed(&store(), &KeyStore::keysChanged);
    int expected = 0;
    const auto expectOneMore = [&] {
        ++expected;
        return QTest::qWaitFor([&] { return changed.count() >= expected; }, 5000);
    };

    const auto created = outcomeOf(store().createKey(specNamed(u"prod-web-app"_s)));
    QVERIFY2(created.ok(), qPrintable(created.describe()));
    QVERIFY(expectOneMore());
    const QString id = created.value().record.id;

    KeySpec renamed = specNamed(u"prod-web-app-2"_s);
    QVERIFY(outcomeOf(store().updateKey(id, renamed)).ok());
    QVERIFY(expectOneMore());
    QVERIFY(outcomeOf(store().disableKey(id)).ok());
    QVERIFY(expectOneMore());
    QVERIFY(outcomeOf(store().enableKey(id)).ok());
    QVERIFY(expectOneMore());
    QVERIFY(outcomeOf(store().updateWorkspaceSettings({u"sk-aisa-"_s, u"sk-aisa-sub-"_s})).ok());
    QVERIFY(expectOneMore());
    QVERIFY(outcomeOf(store().revokeKey(id)).ok());
    QVERIFY(expectOneMore());

    // Reads and refused writes change nothing, so they announce nothing: only the delete does.
    QVERIFY(outcomeOf(store().listKeys()).ok());
    QVERIFY(outcomeOf(store().findKey(id)).ok());
    QVERIFY(outcomeOf(store().enableKey(id)).failedWith(StoreError::Code::Final));
    QVERIFY(
        outcomeOf(store().createKey(specNamed(QString()))).failedWith(StoreError::Code::Invalid));
    QVERIFY(outcomeOf(store().createKey(renamed)).failedWith(StoreError::Code::Conflict));
    QVERIFY(outcomeOf(store().deleteKey(id)).ok());
    QVERIFY(expectOneMore());
    QTest::qWait(300);
    QCOMPARE(changed.count(), expected);
}

// keydeckctl saves or prints the secret between the two steps: until then the key exists for no
// one, but its label is taken.
void KeyStoreContract::aPendingKeyIsHiddenUntilActivated()
{
    const auto pending = outcomeOf(store().createPendingKey(specNamed(u"two-step"_s)));
    QVERIFY2(pending.ok(), qPrintable(pending.describe()));
    const ApiKeyRecord& record = pending.value().record;
    QVERIFY(ApiKeyFormat::isWellFormed(pending.value().secret));

    const auto listed = outcomeOf(store().listKeys());
    QVERIFY2(listed.ok(), qPrintable(listed.describe()));
    QVERIFY(listed.value().isEmpty());
    for (const QString& name : {record.id, u"two-step"_s}) {
        const auto found = outcomeOf(store().findKey(name));
        QVERIFY2(found.failedWith(StoreError::Code::NotFound), qPrintable(found.describe()));
    }
    const auto sameLabel = outcomeOf(store().createKey(specNamed(u"two-step"_s)));
    QVERIFY2(sameLabel.failedWith(StoreError::Code::Conflict), qPrintable(sameLabel.describe()));

    QSignalSpy changed(&store(), &KeyStore::keysChanged);
    m_clock->advanceMs(KeyStore::PendingKeyLifetimeMs - 1000);
    const auto activated = outcomeOf(store().activateKey(record.id));
    QVERIFY2(activated.ok(), qPrintable(activated.describe()));
    QCOMPARE(activated.value().id, record.id);
    QCOMPARE(activated.value().digestHex, record.digestHex);
    QTRY_VERIFY(changed.size() >= 1);
    const auto found = outcomeOf(store().findKey(u"two-step"_s));
    QVERIFY2(found.ok(), qPrintable(found.describe()));
    QCOMPARE(found.value().id, record.id);
    // Activating twice is harmless.
    QVERIFY(outcomeOf(store().activateKey(record.id)).ok());
}

void KeyStoreContract::anAbandonedPendingKeyIsRemoved()
{
    const auto pending = outcomeOf(store().createPendingKey(specNamed(u"abandoned"_s)));
    QVERIFY2(pending.ok(), qPrintable(pending.describe()));
    m_clock->advanceMs(KeyStore::PendingKeyLifetimeMs + 1000);
    const auto late = outcomeOf(store().activateKey(pending.value().record.id));
    QVERIFY2(late.failedWith(StoreError::Code::NotFound), qPrintable(late.describe()));
    // Its label is free again, and nothing of it is listed.
    const auto again = outcomeOf(store().createKey(specNamed(u"abandoned"_s)));
    QVERIFY2(again.ok(), qPrintable(again.describe()));
    const auto listed = outcomeOf(store().listKeys());
    QVERIFY2(listed.ok(), qPrintable(listed.describe()));
    QCOMPARE(listed.value(), QList<ApiKeyRecord>{again.value().record});
}
