// The audit log over REST: the server writes it for every admin request that changes something
// or is refused, and a client reads it newest first; it cannot write to it. (The AuditStore
// contract suite records entries itself, which a client may not, so this replaces it here.)
#include "AuditStore.h"
#include "KeyStore.h"
#include "ManualClock.h"
#include "RestContractStore.h"
#include "StoreOutcome.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestRestStoreAudit final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyChangeIsOnRecordNewestFirst()
    {
        ManualClock clock(1'767'225'600'000);
        const std::unique_ptr<StoreConnection> store = RestContractStore::open(clock);
        QVERIFY(store);
        KeySpec spec;
        spec.label = u"prod-web-app"_s;
        const auto created = outcomeOf(store->keys().createKey(spec));
        QVERIFY2(created.ok(), qPrintable(created.describe()));
        const QString id = created.value().record.id;
        clock.advanceMs(1000);
        KeySpec bad = spec;
        bad.label.clear();
        QVERIFY(outcomeOf(store->keys().updateKey(id, bad)).failedWith(StoreError::Code::Invalid));
        clock.advanceMs(1000);
        QVERIFY(outcomeOf(store->keys().revokeKey(id)).ok());
        QVERIFY(outcomeOf(store->keys().listKeys()).ok());
        clock.advanceMs(1000);
        QVERIFY(outcomeOf(store->keys().deleteKey(id)).ok());

        QList<AuditEntry> entries;
        QString cursor;
        do {
            const auto page = outcomeOf(store->audit().auditEntries(cursor, 2));
            QVERIFY2(page.ok(), qPrintable(page.describe()));
            QVERIFY(page.value().entries.size() <= 2);
            entries += page.value().entries;
            cursor = page.value().nextCursor;
        } while (!cursor.isEmpty());

        // Reads are not audited; the refused update is, with its outcome.
        QStringList actions;
        for (const AuditEntry& entry : std::as_const(entries))
            actions << entry.action + u' ' + entry.outcome;
        QCOMPARE(actions, (QStringList{u"key.delete ok"_s, u"key.revoke ok"_s,
                                       u"key.update invalid_value"_s, u"key.create ok"_s}));
        const AuditEntry& creation = entries.last();
        QCOMPARE(creation.atMs, 1'767'225'600'000);
        QCOMPARE(entries.first().atMs, 1'767'225'603'000);
        // The key outlives nothing here: deleted, its id still names the target of each row.
        for (const AuditEntry& entry : std::as_const(entries)) {
            QCOMPARE(entry.target, id);
            QCOMPARE(entry.actorKeyId, u"master"_s);
            QCOMPARE(entry.clientAddress, u"127.0.0.1"_s);
            QVERIFY(!entry.actorHint.isEmpty());
            const QString all = entry.actorHint + entry.actorLabel + entry.target + entry.action;
            QVERIFY(!all.contains(created.value().secret));
        }
        QCOMPARE(creation.httpStatus, 201);
        QVERIFY(entries.at(0).id > entries.at(1).id);
    }

    void aClientCannotWriteTheLog()
    {
        ManualClock clock(1'767'225'600'000);
        const std::unique_ptr<StoreConnection> store = RestContractStore::open(clock);
        QVERIFY(store);
        AuditEntry forged;
        forged.action = u"key.create"_s;
        forged.outcome = u"ok"_s;
        const auto recorded = outcomeOf(store->audit().recordAudit(forged));
        QVERIFY2(recorded.failedWith(StoreError::Code::Forbidden), qPrintable(recorded.describe()));
        const auto page = outcomeOf(store->audit().auditEntries({}, 10));
        QVERIFY2(page.ok(), qPrintable(page.describe()));
        QVERIFY(page.value().entries.isEmpty());
    }

    void aCursorFromElsewhereIsRefusedNamingTheField()
    {
        ManualClock clock(1'767'225'600'000);
        const std::unique_ptr<StoreConnection> store = RestContractStore::open(clock);
        QVERIFY(store);
        const auto page = outcomeOf(store->audit().auditEntries(u"not-a-cursor"_s, 10));
        QVERIFY2(page.failedWith(StoreError::Code::Invalid), qPrintable(page.describe()));
        QVERIFY2(page.namesField(u"cursor"_s), qPrintable(page.describe()));
    }
};

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    TestRestStoreAudit test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_reststore_audit.moc"
