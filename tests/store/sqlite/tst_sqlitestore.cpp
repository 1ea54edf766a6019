#include "ApiKeyFormat.h"
#include "KeyEnums.h"
#include "KeyLabel.h"
#include "KeyStore.h"
#include "KeyStoreContract.h"
#include "LifecycleStore.h"
#include "RecordPrinting.h"
#include "SqliteStore.h"
#include "StoreOutcome.h"
#include "UsageStore.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSemaphore>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <sys/stat.h>
#include <thread>

using namespace Qt::StringLiterals;

namespace {
// Runs one statement on a connection of its own, as another program would, and returns the
// first column of the first row.
QVariant queryOnce(const QString& path, const QString& sql)
{
    static int connections = 0;
    const QString name = u"probe-%1"_s.arg(++connections);
    QVariant value;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery query(db);
            if (query.exec(sql) && query.next())
                value = query.value(0);
        }
    }
    QSqlDatabase::removeDatabase(name);
    return value;
}

// The database file and every sidecar SQLite keeps beside it (-wal, -shm, -journal).
QByteArray bytesOfStoreFiles(const QString& path)
{
    const QFileInfo info(path);
    QByteArray bytes;
    const QFileInfoList files = info.dir().entryInfoList({info.fileName() + u'*'}, QDir::Files);
    for (const QFileInfo& file : files) {
        QFile f(file.filePath());
        if (f.open(QIODevice::ReadOnly))
            bytes += f.readAll();
    }
    return bytes;
}

QString secretLeak(const QByteArray& bytes, const QList<CreatedKey>& keys)
{
    for (const CreatedKey& key : keys) {
        const QString random = ApiKeyFormat::parse(key.secret)->random;
        const QByteArray utf16(reinterpret_cast<const char*>(random.utf16()), random.size() * 2);
        if (!bytes.contains(key.record.digestHex))
            return u"digest of %1 not found: the files read are not the store"_s.arg(key.record.id);
        if (bytes.contains(key.secret.toUtf8()) || bytes.contains(random.toUtf8()) ||
            bytes.contains(utf16))
            return u"the secret of %1 is in the store's files"_s.arg(key.record.id);
    }
    return {};
}

KeySpec specNamed(const QString& label)
{
    KeySpec spec;
    spec.label = label;
    return spec;
}

// Holds the store file's write lock, as another process's long write would.
class WriteLock final
{
    Q_DISABLE_COPY_MOVE(WriteLock)

public:
    explicit WriteLock(const QString& path)
        : m_name(u"write-lock-%1"_s.arg(QRandomGenerator::global()->generate()))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        db.setDatabaseName(path);
        m_held = db.open() && QSqlQuery(db).exec(u"BEGIN IMMEDIATE"_s);
    }
    ~WriteLock()
    {
        release();
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    bool held() const { return m_held; }
    void release()
    {
        if (std::exchange(m_held, false))
            QSqlQuery(QSqlDatabase::database(m_name, false)).exec(u"ROLLBACK"_s);
    }

private:
    QString m_name;
    bool m_held = false;
};

} // namespace

class TestSqliteStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void reopenKeepsKeysAndSettings();
    void secretIsInNoFileOfTheStore();
    void usesWalAndTheLatestSchema();
    void upgradesEveryShippedVersionInPlace_data();
    void upgradesEveryShippedVersionInPlace();
    void refusesANewerSchemaUntouched();
    void callsBeforeOpenAreUnavailable();
    void unopenableFolderIsUnavailable();
    void storeFilesAreTheOwnersOnlyWhateverTheUmask();
    void notADatabaseIsUnavailable();
    void anotherInstanceSeesWritesAndIsNotified();
    void anotherInstancesAlertWritesAreAnnounced();
    void anotherInstancesWritesAnnounceOnlyWhatTheyChanged();
    void callsReturnWhileTheDatabaseIsLocked();
    void aWriterThatWaitsTooLongSaysWhyInWords();
    void blockingOnAResultRunsNoSqlOnTheCallerThread();
    void defaultPathFollowsXdgDataHome();

private:
    QString pathFor(const QString& name) const { return m_dir.filePath(name); }
    std::unique_ptr<SqliteStore> openedStore(const QString& path);

    QTemporaryDir m_dir;
    ManualClock m_clock{KeyStoreContract::StartMs};
};

void TestSqliteStore::initTestCase()
{
    QVERIFY2(m_dir.isValid(), qPrintable(m_dir.errorString()));
}

std::unique_ptr<SqliteStore> TestSqliteStore::openedStore(const QString& path)
{
    auto store = std::make_unique<SqliteStore>(path, m_clock, *QRandomGenerator::system());
    const auto opened = outcomeOf(store->open());
    if (!opened.ok()) {
        qWarning("cannot open %s: %s", qPrintable(path), qPrintable(opened.describe()));
        return nullptr;
    }
    return store;
}

void TestSqliteStore::reopenKeepsKeysAndSettings()
{
    const QString path = pathFor(u"reopen.sqlite"_s);
    const WorkspaceSettings branded{u"sk-aisa-"_s, u"sk-aisa-sub-"_s};
    QList<ApiKeyRecord> before;
    {
        auto store = openedStore(path);
        QVERIFY(store);
        QVERIFY(outcomeOf(store->keys().updateWorkspaceSettings(branded)).ok());
        for (const QString& label : {u"prod-web-app"_s, u"ci-tests"_s, u"revoked-one"_s}) {
            const auto created = outcomeOf(store->keys().createKey(specNamed(label)));
            QVERIFY2(created.ok(), qPrintable(created.describe()));
            m_clock.advanceMs(1000);
        }
        const auto revokedOne = outcomeOf(store->keys().findKey(u"revoked-one"_s));
        QVERIFY(revokedOne.ok());
        QVERIFY(outcomeOf(store->keys().revokeKey(revokedOne.value().id)).ok());
        const auto listed = outcomeOf(store->keys().listKeys());
        QVERIFY2(listed.ok(), qPrintable(listed.describe()));
        before = listed.value();
    }
    auto reopened = openedStore(path);
    QVERIFY(reopened);
    const auto listed = outcomeOf(reopened->keys().listKeys());
    QVERIFY2(listed.ok(), qPrintable(listed.describe()));
    QCOMPARE(listed.value().size(), 3);
    QCOMPARE(listed.value(), before);
    QCOMPARE(listed.value().first().status, KeyStatus::Revoked);
    const auto settings = outcomeOf(reopened->keys().workspaceSettings());
    QVERIFY2(settings.ok(), qPrintable(settings.describe()));
    QCOMPARE(settings.value(), branded);
}

void TestSqliteStore::secretIsInNoFileOfTheStore()
{
    const QString path = pathFor(u"secrets.sqlite"_s);
    QList<CreatedKey> keys;
    {
        auto store = openedStore(path);
        QVERIFY(store);
        for (int i = 0; i < 5; ++i) {
            KeySpec spec = specNamed(u"key-%1"_s.arg(i));
            spec.type = i % 2 ? KeyType::Subscription : KeyType::Standard;
            const auto created = outcomeOf(store->keys().createKey(spec));
            QVERIFY2(created.ok(), qPrintable(created.describe()));
            keys << created.value();
        }
        KeySpec changed = keys.first().record.spec;
        changed.environment = u"prod"_s;
        QVERIFY(outcomeOf(store->keys().updateKey(keys.first().record.id, changed)).ok());
        QVERIFY(outcomeOf(store->keys().revokeKey(keys.last().record.id)).ok());

        const QString whileOpen = secretLeak(bytesOfStoreFiles(path), keys);
        QVERIFY2(whileOpen.isEmpty(), qPrintable(whileOpen));
    }
    const QString afterClose = secretLeak(bytesOfStoreFiles(path), keys);
    QVERIFY2(afterClose.isEmpty(), qPrintable(afterClose));
}

void TestSqliteStore::usesWalAndTheLatestSchema()
{
    const QString path = pathFor(u"wal.sqlite"_s);
    auto store = openedStore(path);
    QVERIFY(store);
    QVERIFY(outcomeOf(store->keys().createKey(specNamed(u"prod-web-app"_s))).ok());

    QVERIFY(SqliteStore::schemaVersion() >= 1);
    QCOMPARE(queryOnce(path, u"PRAGMA journal_mode"_s).toString(), u"wal"_s);
    QCOMPARE(queryOnce(path, u"PRAGMA user_version"_s).toInt(), SqliteStore::schemaVersion());
    QCOMPARE(queryOnce(path, u"PRAGMA integrity_check"_s).toString(), u"ok"_s);
    QCOMPARE(queryOnce(path, u"SELECT count(*) FROM keys"_s).toInt(), 1);
    QVERIFY(QFile::exists(path + u"-wal"_s));
}

void TestSqliteStore::upgradesEveryShippedVersionInPlace_data()
{
    QTest::addColumn<int>("version");
    // The files each shipped schema version wrote (fixtures/README.md says how they were made).
    QTest::newRow("version 1") << 1;
    QTest::newRow("version 3") << 3;
    QTest::newRow("version 4") << 4;
    QTest::newRow("version 5") << 5;
    QTest::newRow("version 6") << 6;
}

void TestSqliteStore::upgradesEveryShippedVersionInPlace()
{
    QFETCH(int, version);
    const QString path = pathFor(u"shipped-v%1.sqlite"_s.arg(version));
    QFile fixture(u"%1/keydeck-v%2.sql"_s.arg(QStringLiteral(KEYDECK_FIXTURES_DIR)).arg(version));
    QVERIFY2(fixture.open(QIODevice::ReadOnly), qPrintable(fixture.fileName()));
    QProcess sqlite;
    sqlite.start(u"sqlite3"_s, {path});
    QVERIFY2(sqlite.waitForStarted(), "the sqlite3 tool is needed to load the fixtures");
    sqlite.write(fixture.readAll());
    sqlite.closeWriteChannel();
    QVERIFY(sqlite.waitForFinished());
    QCOMPARE(sqlite.exitCode(), 0);
    QCOMPARE(queryOnce(path, u"PRAGMA user_version"_s).toInt(), version);

    // What the old version stored, read as it stored it.
    QHash<QString, QStringList> before;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"fixture"_s);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery query(u"SELECT id, label, status, digest, hint, type FROM keys"_s, db);
        while (query.next()) {
            QStringList row;
            for (int column = 1; column < 6; ++column)
                row << query.value(column).toString();
            before.insert(query.value(0).toString(), row);
        }
    }
    QSqlDatabase::removeDatabase(u"fixture"_s);
    QVERIFY(!before.isEmpty());
    const bool hasUsage = version >= 2;
    const qint64 events =
        hasUsage ? queryOnce(path, u"SELECT count(*) FROM usage_events"_s).toLongLong() : 0;
    const qint64 cost =
        hasUsage ? queryOnce(path, u"SELECT total(cost_micros) FROM usage_events"_s).toLongLong()
                 : 0;
    const qint64 history =
        version >= 3 ? queryOnce(path, u"SELECT count(*) FROM key_events"_s).toLongLong() : 0;
    const qint64 raised =
        version >= 3 ? queryOnce(path, u"SELECT count(*) FROM alerts"_s).toLongLong() : 0;

    auto upgraded = openedStore(path);
    QVERIFY(upgraded);
    QCOMPARE(queryOnce(path, u"PRAGMA user_version"_s).toInt(), SqliteStore::schemaVersion());
    QCOMPARE(queryOnce(path, u"PRAGMA integrity_check"_s).toString(), u"ok"_s);

    const auto listed = outcomeOf(upgraded->keys().listKeys());
    QVERIFY2(listed.ok(), qPrintable(listed.describe()));
    QCOMPARE(listed.value().size(), before.size());
    qint64 listedHistory = 0;
    for (const ApiKeyRecord& record : listed.value()) {
        const QStringList row = before.value(record.id);
        QVERIFY2(!row.isEmpty(), qPrintable(record.id));
        QCOMPARE(QStringList({record.spec.label, KeyEnums::statusName(record.status),
                              QString::fromLatin1(record.digestHex), record.hint,
                              KeyEnums::typeName(record.spec.type)}),
                 row);
        // Keys from before store identities keep keychain entries named by their id alone. A
        // file restored from a later version's dump is not the file its identity was given to:
        // a copy, which must never remove the original's secrets.
        if (version < 4) {
            QCOMPARE(record.vaultEntry, record.id);
            QVERIFY(record.ownsVaultEntry);
        } else {
            QVERIFY2(record.vaultEntry.endsWith(u'/' + record.id), qPrintable(record.vaultEntry));
            QVERIFY(!record.ownsVaultEntry);
        }
        const auto keyHistory = outcomeOf(upgraded->lifecycle().keyEvents(record.id));
        QVERIFY2(keyHistory.ok(), qPrintable(keyHistory.describe()));
        listedHistory += keyHistory.value().size();
    }
    QCOMPARE(listedHistory, history);

    UsageQuery everything;
    everything.fromMs = 0;
    everything.toMs = std::numeric_limits<qint64>::max() / 2;
    const auto count = outcomeOf(upgraded->usage().usageLogCount(everything));
    QVERIFY2(count.ok(), qPrintable(count.describe()));
    QCOMPARE(count.value(), events);
    const auto totals = outcomeOf(upgraded->usage().usageTotals(everything));
    QVERIFY2(totals.ok(), qPrintable(totals.describe()));
    QCOMPARE(totals.value().costMicros, cost);
    const auto rules = outcomeOf(upgraded->lifecycle().alertRules());
    QVERIFY2(rules.ok(), qPrintable(rules.describe()));
    // An upgrade ships the rules a new store has.
    QCOMPARE(rules.value().size(), 4);
    QCOMPARE(rules.value().at(0).kind, AlertRule::Kind::RotationDue);
    QCOMPARE(rules.value().at(1).kind, AlertRule::Kind::ExpiringWithinDays);
    QCOMPARE(rules.value().at(2).kind, AlertRule::Kind::LimitUsedPercent);
    QCOMPARE(rules.value().at(3).kind, AlertRule::Kind::RotationPending);
    const auto alerts = outcomeOf(upgraded->lifecycle().alerts(true));
    QVERIFY2(alerts.ok(), qPrintable(alerts.describe()));
    // Every alert is kept; a rotated key the file holds is now pending, which the new rule says.
    const qint64 pendingRule = rules.value().at(3).id;
    QCOMPARE(qint64(std::count_if(alerts.value().cbegin(), alerts.value().cend(),
                                  [&](const Alert& a) { return a.ruleId != pendingRule; })),
             raised);

    // And the upgraded file takes every kind of write. The first evaluation adopts cycles a
    // version without them never recorded, without inventing a reset.
    QVERIFY(outcomeOf(upgraded->lifecycle().evaluateAlerts()).ok());
    for (const ApiKeyRecord& record : listed.value()) {
        const auto keyHistory = outcomeOf(upgraded->lifecycle().keyEvents(record.id));
        QVERIFY(keyHistory.ok());
        for (const KeyEvent& event : keyHistory.value())
            QVERIFY(event.kind != KeyEvent::Kind::QuotaReset);
    }
    const auto active = std::find_if(
        listed.value().cbegin(), listed.value().cend(), [](const ApiKeyRecord& record) {
            return record.status == KeyStatus::Active && record.rotatedToId.isEmpty() &&
                   record.spec.type == KeyType::Standard;
        });
    QVERIFY(active != listed.value().cend());
    UsageEvent event;
    event.timeMs = m_clock.nowUtcMs();
    event.key = active->id;
    event.model = u"gpt-4o"_s;
    event.costMicros = 1234;
    const auto recorded = outcomeOf(upgraded->usage().recordUsage({event}));
    QVERIFY2(recorded.ok(), qPrintable(recorded.describe()));
    QCOMPARE(recorded.value(), qint64(1));
    const auto found = outcomeOf(upgraded->keys().findKey(active->id));
    QVERIFY2(found.ok(), qPrintable(found.describe()));
    QCOMPARE(found.value().quotaUsedMicros, active->quotaUsedMicros + 1234);
    // Keys from before owners and notes have none, take them, and other processes hear of the
    // change: the keys' change counter moves.
    QVERIFY(found.value().spec.owner.isEmpty() && found.value().spec.note.isEmpty());
    const auto revision = [&path] {
        return queryOnce(path, u"SELECT value FROM meta WHERE key = 'keys_revision'"_s)
            .toLongLong();
    };
    const qint64 revisionBefore = revision();
    KeySpec noted = found.value().spec;
    noted.owner = u"Platform team"_s;
    noted.note = u"Upgraded from version %1.\nKeep."_s.arg(version);
    const auto edited = outcomeOf(upgraded->keys().updateKey(active->id, noted));
    QVERIFY2(edited.ok(), qPrintable(edited.describe()));
    QCOMPARE(edited.value().spec.note, noted.note);
    QVERIFY(revision() > revisionBefore);
    const auto rotated = outcomeOf(upgraded->lifecycle().rotateKey(active->id));
    QVERIFY2(rotated.ok(), qPrintable(rotated.describe()));
    QCOMPARE(rotated.value().record.spec.label, KeyLabel::nextVersion(active->spec.label));
    QVERIFY(outcomeOf(upgraded->keys().createKey(specNamed(u"after-upgrade"_s))).ok());
    QCOMPARE(queryOnce(path, u"PRAGMA integrity_check"_s).toString(), u"ok"_s);
}

void TestSqliteStore::refusesANewerSchemaUntouched()
{
    const QString path = pathFor(u"newer.sqlite"_s);
    const int newer = SqliteStore::schemaVersion() + 1;
    queryOnce(path, u"PRAGMA user_version = %1"_s.arg(newer));
    QCOMPARE(queryOnce(path, u"PRAGMA user_version"_s).toInt(), newer);

    SqliteStore store(path, m_clock, *QRandomGenerator::system());
    const auto opened = outcomeOf(store.open());
    QVERIFY2(opened.failedWith(StoreError::Code::Unavailable), qPrintable(opened.describe()));
    QVERIFY2(opened.error()->message().contains(QDir::toNativeSeparators(path)),
             qPrintable(opened.describe()));
    QVERIFY2(opened.error()->message().contains(u"newer"_s), qPrintable(opened.describe()));

    const auto listed = outcomeOf(store.keys().listKeys());
    QVERIFY2(listed.failedWith(StoreError::Code::Unavailable), qPrintable(listed.describe()));
    QVERIFY2(listed.error()->message().contains(u"newer"_s), qPrintable(listed.describe()));

    QCOMPARE(queryOnce(path, u"PRAGMA user_version"_s).toInt(), newer);
    QCOMPARE(queryOnce(path, u"PRAGMA journal_mode"_s).toString(), u"delete"_s);
    QCOMPARE(queryOnce(path, u"SELECT count(*) FROM sqlite_master"_s).toInt(), 0);
}

void TestSqliteStore::callsBeforeOpenAreUnavailable()
{
    const QString path = pathFor(u"never-opened.sqlite"_s);
    SqliteStore store(path, m_clock, *QRandomGenerator::system());
    const auto listed = outcomeOf(store.keys().listKeys());
    QVERIFY2(listed.failedWith(StoreError::Code::Unavailable), qPrintable(listed.describe()));
    QVERIFY2(listed.error()->message().contains(QDir::toNativeSeparators(path)),
             qPrintable(listed.describe()));
    const auto created = outcomeOf(store.keys().createKey(specNamed(u"prod-web-app"_s)));
    QVERIFY2(created.failedWith(StoreError::Code::Unavailable), qPrintable(created.describe()));
    QVERIFY(!QFile::exists(path));
}

// Digests, labels, usage and client addresses are in these files: no one else may read them.
void TestSqliteStore::storeFilesAreTheOwnersOnlyWhateverTheUmask()
{
    const auto modeOf = [](const QString& path) {
        struct stat info
        {};
        return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? int(info.st_mode & 0777)
                                                                       : -1;
    };
    const mode_t previous = ::umask(0);
    const auto restore = qScopeGuard([previous] { ::umask(previous); });
    const QString folder = pathFor(u"new-home/KeyDeck"_s);
    const QString path = folder + u"/keydeck.sqlite"_s;
    {
        auto store = openedStore(path);
        QVERIFY(store);
        QVERIFY(outcomeOf(store->keys().createKey(specNamed(u"prod-web-app"_s))).ok());
        QCOMPARE(modeOf(folder), 0700);
        QCOMPARE(modeOf(pathFor(u"new-home"_s)), 0700);
        for (const QString& suffix : {u""_s, u"-wal"_s, u"-shm"_s})
            QCOMPARE(modeOf(path + suffix), 0600);
    }
    // A file an older KeyDeck left readable is narrowed when it is opened; a folder the user
    // chose keeps its mode.
    QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup |
                                            QFile::ReadOther));
    QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                              QFile::ReadOther | QFile::ExeOther));
    auto reopened = openedStore(path);
    QVERIFY(reopened);
    QCOMPARE(modeOf(path), 0600);
    QCOMPARE(modeOf(folder), 0705);
}

void TestSqliteStore::unopenableFolderIsUnavailable()
{
    QFile blocker(pathFor(u"blocker"_s));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const QString path = blocker.fileName() + u"/sub/keydeck.sqlite"_s;

    SqliteStore store(path, m_clock, *QRandomGenerator::system());
    const auto opened = outcomeOf(store.open());
    QVERIFY2(opened.failedWith(StoreError::Code::Unavailable), qPrintable(opened.describe()));
    QVERIFY2(opened.error()->message().contains(QDir::toNativeSeparators(path)),
             qPrintable(opened.describe()));
    const auto created = outcomeOf(store.keys().createKey(specNamed(u"prod-web-app"_s)));
    QVERIFY2(created.failedWith(StoreError::Code::Unavailable), qPrintable(created.describe()));
    QCOMPARE(created.error()->message(), opened.error()->message());
}

void TestSqliteStore::notADatabaseIsUnavailable()
{
    const QString path = pathFor(u"garbage.sqlite"_s);
    const QByteArray garbage(8192, 'x');
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(garbage);
    }
    SqliteStore store(path, m_clock, *QRandomGenerator::system());
    const auto opened = outcomeOf(store.open());
    QVERIFY2(opened.failedWith(StoreError::Code::Unavailable), qPrintable(opened.describe()));
    QVERIFY2(opened.error()->message().contains(QDir::toNativeSeparators(path)),
             qPrintable(opened.describe()));
    QVERIFY2(opened.error()->message().contains(u"not a database"_s),
             qPrintable(opened.describe()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), garbage);
}

void TestSqliteStore::anotherInstanceSeesWritesAndIsNotified()
{
    const QString path = pathFor(u"shared.sqlite"_s);
    auto writer = openedStore(path);
    QVERIFY(writer);
    auto watcher = openedStore(path);
    QVERIFY(watcher);
    QSignalSpy writerChanged(&writer->keys(), &KeyStore::keysChanged);
    QSignalSpy watcherChanged(&watcher->keys(), &KeyStore::keysChanged);

    const auto created = outcomeOf(writer->keys().createKey(specNamed(u"prod-web-app"_s)));
    QVERIFY2(created.ok(), qPrintable(created.describe()));
    QTRY_COMPARE_WITH_TIMEOUT(watcherChanged.count(), 1, 5000);
    const auto seen = outcomeOf(watcher->keys().findKey(created.value().record.id));
    QVERIFY2(seen.ok(), qPrintable(seen.describe()));
    QCOMPARE(seen.value(), created.value().record);

    const auto revoked = outcomeOf(watcher->keys().revokeKey(created.value().record.id));
    QVERIFY2(revoked.ok(), qPrintable(revoked.describe()));
    QTRY_COMPARE_WITH_TIMEOUT(writerChanged.count(), 2, 5000);
    const auto seenRevoked = outcomeOf(writer->keys().findKey(created.value().record.id));
    QVERIFY2(seenRevoked.ok(), qPrintable(seenRevoked.describe()));
    QCOMPARE(seenRevoked.value().status, KeyStatus::Revoked);

    // A store's own writes are announced once, not echoed again by the change poll.
    QTest::qWait(2500);
    QCOMPARE(writerChanged.count(), 2);
    QCOMPARE(watcherChanged.count(), 2);
}

void TestSqliteStore::anotherInstancesAlertWritesAreAnnounced()
{
    const QString path = pathFor(u"shared-alerts.sqlite"_s);
    auto writer = openedStore(path);
    QVERIFY(writer);
    auto watcher = openedStore(path);
    QVERIFY(watcher);
    QSignalSpy watcherAlerts(&watcher->lifecycle(), &LifecycleStore::alertsChanged);

    AlertRule rule;
    rule.kind = AlertRule::Kind::SpendPerDayAbove;
    rule.threshold = 1'000'000;
    const auto saved = outcomeOf(writer->lifecycle().saveAlertRule(rule));
    QVERIFY2(saved.ok(), qPrintable(saved.describe()));
    QTRY_COMPARE_WITH_TIMEOUT(watcherAlerts.count(), 1, 5000);
    const auto rules = outcomeOf(watcher->lifecycle().alertRules());
    QVERIFY2(rules.ok(), qPrintable(rules.describe()));
    QCOMPARE(rules.value().last(), saved.value());

    QVERIFY(outcomeOf(writer->lifecycle().deleteAlertRule(saved.value().id)).ok());
    QTRY_COMPARE_WITH_TIMEOUT(watcherAlerts.count(), 2, 5000);
}

void TestSqliteStore::anotherInstancesWritesAnnounceOnlyWhatTheyChanged()
{
    const QString path = pathFor(u"shared-parts.sqlite"_s);
    auto writer = openedStore(path);
    QVERIFY(writer);
    const auto created = outcomeOf(writer->keys().createKey(specNamed(u"prod-web-app"_s)));
    QVERIFY2(created.ok(), qPrintable(created.describe()));
    auto watcher = openedStore(path);
    QVERIFY(watcher);
    QSignalSpy keys(&watcher->keys(), &KeyStore::keysChanged);
    QSignalSpy usage(&watcher->usage(), &UsageStore::usageChanged);
    QSignalSpy alerts(&watcher->lifecycle(), &LifecycleStore::alertsChanged);
    const auto counts = [&] {
        return QList<qsizetype>{keys.size(), usage.size(), alerts.size()};
    };

    // Usage updates the key's last use and quota used, but it is a usage change only.
    UsageEvent event;
    event.timeMs = m_clock.nowUtcMs();
    event.key = created.value().record.id;
    event.model = u"gpt-4o"_s;
    event.costMicros = 500;
    QVERIFY(outcomeOf(writer->usage().recordUsage({event})).ok());
    QTRY_COMPARE_WITH_TIMEOUT(counts(), QList<qsizetype>({0, 1, 0}), 5000);

    KeySpec spec = created.value().record.spec;
    spec.environment = u"staging"_s;
    QVERIFY(outcomeOf(writer->keys().updateKey(created.value().record.id, spec)).ok());
    QTRY_COMPARE_WITH_TIMEOUT(counts(), QList<qsizetype>({1, 1, 0}), 5000);

    WorkspaceSettings settings;
    settings.rotationPeriodDays = 30;
    QVERIFY(outcomeOf(writer->keys().updateWorkspaceSettings(settings)).ok());
    QTRY_COMPARE_WITH_TIMEOUT(counts(), QList<qsizetype>({2, 1, 0}), 5000);

    AlertRule rule;
    rule.kind = AlertRule::Kind::SpendPerDayAbove;
    rule.threshold = 100;
    QVERIFY(outcomeOf(writer->lifecycle().saveAlertRule(rule)).ok());
    QTRY_COMPARE_WITH_TIMEOUT(counts(), QList<qsizetype>({2, 1, 1}), 5000);
    // The rule now holds for the key: evaluation raises an alert, an alert change only.
    const auto raised = outcomeOf(writer->lifecycle().evaluateAlerts());
    QVERIFY2(raised.ok(), qPrintable(raised.describe()));
    QCOMPARE(raised.value().size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(counts(), QList<qsizetype>({2, 1, 2}), 5000);

    // An evaluation that finds nothing new writes nothing, and nobody is told anything.
    QVERIFY(outcomeOf(writer->lifecycle().evaluateAlerts()).ok());
    QTest::qWait(2500);
    QCOMPARE(counts(), QList<qsizetype>({2, 1, 2}));
}

void TestSqliteStore::callsReturnWhileTheDatabaseIsLocked()
{
    const QString path = pathFor(u"locked.sqlite"_s);
    auto store = openedStore(path);
    QVERIFY(store);
    WriteLock lock(path);
    QVERIFY(lock.held());

    const QFuture<CreatedKey> future = store->keys().createKey(specNamed(u"prod-web-app"_s));
    QVERIFY(!future.isFinished());
    QTest::qWait(300);
    QVERIFY2(!future.isFinished(),
             "a write must wait for the lock (busy timeout), not fail at once");

    lock.release();
    const auto created = outcomeOf(future);
    QVERIFY2(created.ok(), qPrintable(created.describe()));
}

// A write that waits longer than the busy timeout (another process's long write) says so in
// words, not with SQLite's "database is locked Unable to fetch row", and stores nothing.
void TestSqliteStore::aWriterThatWaitsTooLongSaysWhyInWords()
{
    const QString path = pathFor(u"impatient.sqlite"_s);
    auto store = openedStore(path);
    QVERIFY(store);
    SqliteStore impatient(path, m_clock, *QRandomGenerator::system());
    impatient.setBusyTimeoutMs(200);
    QVERIFY(outcomeOf(impatient.open()).ok());
    {
        WriteLock lock(path);
        QVERIFY(lock.held());
        const auto created = outcomeOf(impatient.keys().createKey(specNamed(u"too-late"_s)));
        QVERIFY2(created.failedWith(StoreError::Code::Unavailable), qPrintable(created.describe()));
        const QString message = created.error()->message();
        QVERIFY2(message.contains(u"busy"_s) && message.contains(u"try again"_s),
                 qPrintable(message));
        for (const QString& raw : {u"database is locked"_s, u"Unable to fetch row"_s})
            QVERIFY2(!message.contains(raw), qPrintable(message));
    }
    QVERIFY(outcomeOf(store->keys().findKey(u"too-late"_s)).failedWith(StoreError::Code::NotFound));
}

void TestSqliteStore::blockingOnAResultRunsNoSqlOnTheCallerThread()
{
    const QString path = pathFor(u"blocking.sqlite"_s);
    auto store = openedStore(path);
    QVERIFY(store);

    // Another thread holds the write lock for a moment, so the store's worker is busy with the
    // create while this thread blocks on the list queued behind it.
    QSemaphore locked;
    bool lockTaken = false;
    std::jthread locker([&] {
        const QString name = u"thread-lock"_s;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
            db.setDatabaseName(path);
            QSqlQuery query(db);
            lockTaken = db.open() && query.exec(u"BEGIN IMMEDIATE"_s);
            locked.release();
            QThread::msleep(300);
            query.exec(u"ROLLBACK"_s);
        }
        QSqlDatabase::removeDatabase(name);
    });
    locked.acquire();
    QVERIFY(lockTaken);

    const QFuture<CreatedKey> create = store->keys().createKey(specNamed(u"prod-web-app"_s));
    const QFuture<QList<ApiKeyRecord>> list = store->keys().listKeys();
    QList<ApiKeyRecord> listed;
    QString problem;
    try {
        listed = list.result();
    } catch (const std::exception& error) {
        problem = QString::fromUtf8(error.what());
    }
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const auto created = outcomeOf(create);
    QVERIFY2(created.ok(), qPrintable(created.describe()));
    QCOMPARE(listed, QList<ApiKeyRecord>{created.value().record});
}

void TestSqliteStore::defaultPathFollowsXdgDataHome()
{
    const QString dataHome = pathFor(u"xdg-data"_s);
    const QByteArray previous = qgetenv("XDG_DATA_HOME");
    qputenv("XDG_DATA_HOME", QFile::encodeName(dataHome));
    // The CLI and the server name themselves differently; the store they find must not change.
    QCoreApplication::setOrganizationName(u"SomeOrganization"_s);
    QCoreApplication::setApplicationName(u"keydeckctl"_s);
    const QString path = SqliteStore::defaultPath();
    if (previous.isNull())
        qunsetenv("XDG_DATA_HOME");
    else
        qputenv("XDG_DATA_HOME", previous);
    QCOMPARE(path, dataHome + u"/KeyDeck/keydeck.sqlite"_s);
}

QTEST_GUILESS_MAIN(TestSqliteStore)
#include "tst_sqlitestore.moc"
