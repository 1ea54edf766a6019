#include "SqliteDatabase.h"

#include "ApiKeyFormat.h"
#include "SqliteSchema.h"
#include "StoreFile.h"

#include <QDir>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace {
constexpr int DataVersionPollMs = 1000;
// After a million-event import the WAL would otherwise keep its size on disk for good.
constexpr qint64 WalSizeLimitBytes = 64 * 1024 * 1024;
constexpr int StoreIdRandomLength = 22;
const QString StoreIdKey = u"store_id"_s;
const QString StoreFileKey = u"store_file"_s;
} // namespace

SqliteDatabase::SqliteDatabase(QString path, const Clock& clock, QRandomGenerator& rng,
                               QObject* parent)
    : QObject(parent)
    , m_path(std::move(path))
    , m_clock(clock)
    , m_rng(rng)
{
    static std::atomic_int instances = 0;
    m_connectionName = u"keydeck-sqlite-store-%1"_s.arg(++instances);
    // One thread that never retires: the connection it opens stays valid and is never shared.
    m_pool.setMaxThreadCount(1);
    m_pool.setExpiryTimeout(-1);
    m_pollTimer.setInterval(DataVersionPollMs);
    connect(&m_pollTimer, &QTimer::timeout, this, [this] {
        if (m_pollQueued.exchange(true))
            return;
        m_pool.start([this] {
            pollOnWorker();
            m_pollQueued = false;
        });
    });
}

SqliteDatabase::~SqliteDatabase()
{
    shutdown();
}

void SqliteDatabase::shutdown()
{
    m_pollTimer.stop();
    m_pool.start([this] { closeOnWorker(); });
    m_pool.waitForDone();
}

QString SqliteDatabase::location() const
{
    return u"local: "_s + QDir::toNativeSeparators(m_path);
}

QFuture<void> SqliteDatabase::open(Housekeeping housekeeping)
{
    if (!m_pollTimer.isActive())
        m_pollTimer.start();
    return submit<void>([this, housekeeping = std::move(housekeeping)] {
        try {
            openOnWorker(housekeeping);
        } catch (const StoreError& error) {
            m_openError = error.message();
            throw;
        }
    });
}

SqliteSession SqliteDatabase::session() const
{
    if (!m_open) {
        const QString path = QDir::toNativeSeparators(m_path);
        throw StoreError(StoreError::Code::Unavailable,
                         m_openError.isEmpty() ? u"The key store %1 is not open."_s.arg(path)
                                               : m_openError);
    }
    return SqliteSession(QSqlDatabase::database(m_connectionName, false));
}

void SqliteDatabase::openOnWorker(const Housekeeping& housekeeping)
{
    if (m_open)
        return;
    QString problem;
    if (!StoreFile::prepare(m_path, &problem)) {
        throw StoreError(StoreError::Code::Unavailable,
                         u"Could not open the key store %1: %2."_s.arg(
                             QDir::toNativeSeparators(m_path), problem));
    }
    QSqlDatabase db = QSqlDatabase::contains(m_connectionName)
                          ? QSqlDatabase::database(m_connectionName, false)
                          : QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
    db.setDatabaseName(m_path);
    db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=%1"_s.arg(m_busyTimeoutMs));
    const SqliteSession session(db);
    if (!db.open())
        session.fail(u"Could not open the key store"_s, db.lastError());
    try {
        session.run(u"PRAGMA busy_timeout = %1"_s.arg(m_busyTimeoutMs));
        // Before anything writes: a newer KeyDeck's file is left exactly as it is.
        SqliteSchema::checkedVersion(session, m_path);
        QSqlQuery mode = session.run(u"PRAGMA journal_mode = WAL"_s);
        const QString journalMode = mode.next() ? mode.value(0).toString() : QString();
        mode.finish();
        if (journalMode.compare(u"wal", Qt::CaseInsensitive) != 0)
            session.fail(u"Could not switch the key store to WAL mode"_s,
                         u"journal mode is \"%1\""_s.arg(journalMode));
        session.run(u"PRAGMA synchronous = FULL"_s);
        session.run(u"PRAGMA foreign_keys = ON"_s);
        session.run(u"PRAGMA journal_size_limit = %1"_s.arg(WalSizeLimitBytes));
        SqliteSchema::migrate(session, m_path);
        establishIdentity(session, housekeeping);
        m_watcher.reset(session);
    } catch (...) {
        db.close();
        throw;
    }
    m_open = true;
    m_openError.clear();
}

void SqliteDatabase::closeOnWorker()
{
    m_open = false;
    if (!QSqlDatabase::contains(m_connectionName))
        return;
    QSqlDatabase::database(m_connectionName, false).close();
    QSqlDatabase::removeDatabase(m_connectionName);
}

void SqliteDatabase::establishIdentity(const SqliteSession& session,
                                       const Housekeeping& housekeeping)
{
    const QString file = StoreFile::identity(m_path);
    session.write([&] {
        QSqlQuery query =
            session.run(u"SELECT key, value FROM meta WHERE key IN ('%1', '%2')"_s.arg(
                StoreIdKey, StoreFileKey));
        QString storeId;
        QString storedFile;
        while (query.next()) {
            if (query.value(0).toString() == StoreIdKey)
                storeId = query.value(1).toString();
            else
                storedFile = query.value(1).toString();
        }
        query.finish();
        const bool fresh = storeId.isEmpty();
        // Another file than the one this identity was given to: a copy (cp, a backup, a move to
        // another file system). It takes a new identity, so deleting a key here never removes a
        // secret the original still relies on.
        const bool copy = !fresh && storedFile != file;
        if (fresh || copy) {
            storeId = u"st_"_s + ApiKeyFormat::randomBase62(StoreIdRandomLength, m_rng);
            SqliteSchema::writeMeta(session, {{StoreIdKey, storeId}, {StoreFileKey, file}});
        }
        if (!copy) {
            // Keys from before store identities: this is the store that created them.
            QSqlQuery adopt =
                session.prepare(u"UPDATE keys SET vault_owner = ? WHERE vault_owner = ''"_s);
            adopt.addBindValue(storeId);
            session.run(adopt);
        }
        m_storeId = storeId;
        if (housekeeping)
            housekeeping(session);
    });
}

void SqliteDatabase::pollOnWorker()
{
    if (!m_open)
        return;
    try {
        announce(m_watcher.poll(session()));
    } catch (const StoreError&) {
        // Unreadable right now (busy, say): the next poll tries again, and a call made
        // meanwhile reports the problem itself.
    }
}

void SqliteDatabase::written(const SqliteSession& session)
{
    try {
        announce(m_watcher.afterWrite(session));
    } catch (const StoreError&) {
        // The write itself succeeded; the next poll finds what this could not read.
    }
}

void SqliteDatabase::announce(SqliteChangeWatcher::Parts parts)
{
    if (!parts)
        return;
    QMetaObject::invokeMethod(
        this, [this, parts] { Q_EMIT changed(parts); }, Qt::QueuedConnection);
}
