#include "AuditStoreContract.h"

#include "ApiKeyFormat.h"
#include "StoreOutcome.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;

AuditStoreContract::AuditStoreContract(Factory factory, QObject* parent)
    : QObject(parent)
    , m_factory(std::move(factory))
{}

AuditStoreContract::~AuditStoreContract() = default;

void AuditStoreContract::init()
{
    m_clock = std::make_unique<ManualClock>(StartMs);
    m_store = m_factory(*m_clock);
    QVERIFY2(m_store, "the factory could not make a fresh store");
}

void AuditStoreContract::cleanup()
{
    m_store.reset();
    m_clock.reset();
}

AuditEntry AuditStoreContract::record(const QString& action, const QString& target)
{
    AuditEntry entry;
    entry.actorKeyId = u"key_admin"_s;
    entry.actorLabel = u"ops-admin"_s;
    entry.actorHint = u"sk-AbCd…wxyz"_s;
    entry.action = action;
    entry.target = target;
    entry.clientAddress = u"127.0.0.1"_s;
    entry.outcome = u"ok"_s;
    entry.httpStatus = 200;
    const auto recorded = outcomeOf(audit().recordAudit(entry));
    if (!recorded.ok())
        qWarning("%s", qPrintable(recorded.describe()));
    return recorded.ok() ? recorded.value() : AuditEntry();
}

void AuditStoreContract::recordsAndPagesNewestFirst()
{
    QList<AuditEntry> recorded;
    for (int i = 0; i < 25; ++i) {
        m_clock->advanceMs(1000);
        recorded << record(u"key.update"_s, u"key_%1"_s.arg(i));
    }
    const AuditEntry& first = recorded.constFirst();
    QCOMPARE(first.atMs, StartMs + 1000);
    QCOMPARE(first.action, u"key.update"_s);
    QCOMPARE(first.actorLabel, u"ops-admin"_s);
    QCOMPARE(first.httpStatus, 200);
    for (qsizetype i = 1; i < recorded.size(); ++i)
        QVERIFY(recorded.at(i).id > recorded.at(i - 1).id);

    QList<AuditEntry> paged;
    QString cursor;
    int pages = 0;
    do {
        const auto page = outcomeOf(audit().auditEntries(cursor, 10));
        QVERIFY2(page.ok(), qPrintable(page.describe()));
        paged << page.value().entries;
        cursor = page.value().nextCursor;
        ++pages;
    } while (!cursor.isEmpty() && pages < 10);
    QCOMPARE(pages, 3);
    std::reverse(paged.begin(), paged.end());
    QCOMPARE(paged, recorded);
}

void AuditStoreContract::pagingIgnoresEntriesRecordedMeanwhile()
{
    for (int i = 0; i < 6; ++i)
        record(u"key.create"_s, u"early-%1"_s.arg(i));
    const auto first = outcomeOf(audit().auditEntries({}, 3));
    QVERIFY2(first.ok(), qPrintable(first.describe()));
    QCOMPARE(first.value().entries.size(), 3);
    for (int i = 0; i < 4; ++i)
        record(u"key.create"_s, u"late-%1"_s.arg(i));
    const auto second = outcomeOf(audit().auditEntries(first.value().nextCursor, 10));
    QVERIFY2(second.ok(), qPrintable(second.describe()));
    QStringList targets;
    for (const AuditEntry& entry : first.value().entries + second.value().entries)
        targets << entry.target;
    QCOMPARE(targets, QStringList({u"early-5"_s, u"early-4"_s, u"early-3"_s, u"early-2"_s,
                                   u"early-1"_s, u"early-0"_s}));
    QVERIFY(second.value().nextCursor.isEmpty());
}

void AuditStoreContract::entriesOutliveTheKeyTheyName()
{
    KeySpec spec;
    spec.label = u"short-lived"_s;
    const auto created = outcomeOf(m_store->keys().createKey(spec));
    QVERIFY2(created.ok(), qPrintable(created.describe()));
    const QString id = created.value().record.id;
    record(u"key.create"_s, id);
    QVERIFY(outcomeOf(m_store->keys().deleteKey(id)).ok());
    record(u"key.delete"_s, id);
    const auto page = outcomeOf(audit().auditEntries({}, 10));
    QVERIFY2(page.ok(), qPrintable(page.describe()));
    QCOMPARE(page.value().entries.size(), 2);
    for (const AuditEntry& entry : page.value().entries)
        QCOMPARE(entry.target, id);
}

void AuditStoreContract::aRefusalWithNoKnownActorIsKept()
{
    AuditEntry entry;
    entry.action = u"key.list"_s;
    entry.outcome = u"missing_api_key"_s;
    entry.httpStatus = 401;
    const auto recorded = outcomeOf(audit().recordAudit(entry));
    QVERIFY2(recorded.ok(), qPrintable(recorded.describe()));
    const auto page = outcomeOf(audit().auditEntries({}, 10));
    QVERIFY2(page.ok(), qPrintable(page.describe()));
    QCOMPARE(page.value().entries.size(), 1);
    const AuditEntry& stored = page.value().entries.constFirst();
    QVERIFY(stored.actorKeyId.isEmpty());
    QVERIFY(stored.target.isEmpty());
    QCOMPARE(stored.outcome, u"missing_api_key"_s);
    QCOMPARE(stored.httpStatus, 401);
}

void AuditStoreContract::aKeyInAnyFieldIsKeptAsItsHint()
{
    const QString secret = ApiKeyFormat::generate(u"sk-", *QRandomGenerator::system());
    AuditEntry entry;
    entry.actorKeyId = secret;
    entry.actorLabel = u"pasted "_s + secret;
    entry.actorHint = secret;
    entry.action = u"key.show"_s;
    entry.target = secret;
    entry.clientAddress = u"::1"_s;
    entry.outcome = u"invalid_api_key "_s + secret;
    entry.httpStatus = 401;
    const auto recorded = outcomeOf(audit().recordAudit(entry));
    QVERIFY2(recorded.ok(), qPrintable(recorded.describe()));
    const auto page = outcomeOf(audit().auditEntries({}, 1));
    QVERIFY2(page.ok(), qPrintable(page.describe()));
    for (const AuditEntry& stored : {recorded.value(), page.value().entries.value(0)}) {
        for (const QString& text : {stored.actorKeyId, stored.actorLabel, stored.actorHint,
                                    stored.target, stored.outcome}) {
            QVERIFY2(!text.contains(secret), qPrintable(text));
            QVERIFY2(text.contains(ApiKeyFormat::displayHint(secret)), qPrintable(text));
        }
    }
}

void AuditStoreContract::badCursorOrLimitIsInvalid_data()
{
    QTest::addColumn<QString>("cursor");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QString>("field");
    QTest::newRow("letters") << u"abc"_s << 10 << u"cursor"_s;
    QTest::newRow("zero") << u"0"_s << 10 << u"cursor"_s;
    QTest::newRow("negative") << u"-5"_s << 10 << u"cursor"_s;
    QTest::newRow("trailing junk") << u"12abc"_s << 10 << u"cursor"_s;
    QTest::newRow("SQL") << u"1 OR 1=1"_s << 10 << u"cursor"_s;
    QTest::newRow("limit 0") << QString() << 0 << u"limit"_s;
    QTest::newRow("limit too large") << QString() << AuditStore::MaxPageSize + 1 << u"limit"_s;
}

void AuditStoreContract::badCursorOrLimitIsInvalid()
{
    QFETCH(QString, cursor);
    QFETCH(int, limit);
    QFETCH(QString, field);
    record(u"key.create"_s);
    const auto page = outcomeOf(audit().auditEntries(cursor, limit));
    QVERIFY2(page.failedWith(StoreError::Code::Invalid), qPrintable(page.describe()));
    QVERIFY(page.namesField(field));
}
