#include "SqlDatabase.h"

#include "ApiKeyFormat.h"
#include "SqlSchema.h"
#include "StoreFile.h"

#include <QDir>
#include <QMap>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace {
constexpr int DataVersionPollMs = 1000;
constexpr qint64 ReconnectIntervalMs = 1000;
// After a million-event import the WAL would otherwise keep its size on disk for good.
constexpr qint64 WalSizeLimitBytes = 64 * 1024 * 1024;
constexpr int StoreIdRandomLength = 22;
const QString StoreIdKey = u"store_id"_s;
const QString StoreFileKey = u"store_file"_s;
} // namespace

SqlDatabase::SqlDatabase(SqlDialect dialect, QString location, const Clock& clock,
                         QRandomGenerator& rng, QObject* parent)
    : QObject(parent)
    , m_dialect(dialect)
    , m_path(std::move(location))
    , m_clock(clock)
    , m_rng(rng)
{
    static std::atomic_int instances = 0;
    m_connectionName = u"keydeck-store-%1"_s.arg(++instances);
    // One thread that never retires: the connection it opens stays valid and is never shared.
    m_pool.setMaxThreadCount(1);
    m_pool.setExpiryTimeout(-1);
    // One import at a time (the journal refuses a second anyway).
    m_importPool.setMaxThreadCount(1);
    m_pollTimer.setInterval(DataVersionPollMs);
    connect(&m_pollTimer, &QTimer::timeout, this, &SqlDatabase::pollSoon);
}

void SqlDatabase::pollSoon()
{
    if (m_pollQueued.exchange(true))
        return;
    m_pool.start([this] {
        // Cleared first: a change announced while this poll reads is looked for again.
        m_pollQueued = false;
        pollOnWorker();
    });
}

SqlDatabase::~SqlDatabase()
{
    shutdown();
}

void SqlDatabase::shutdown()
{
    m_pollTimer.stop();
    m_importPool.waitForDone();
    m_pool.start([this] { closeOnWorker(); });
    m_pool.waitForDone();
}

QString SqlDatabase::location() const
{
    if (m_dialect == SqlDialect::Sqlite)
        return u"local: "_s + QDir::toNativeSeparators(m_path);
    QUrl url(m_path);
    url.setPassword({});
    url.setQuery(QString());
    return url.toString();
}

QFuture<void> SqlDatabase::open(Housekeeping housekeeping)
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

SqlSession SqlDatabase::session()
{
    if (m_open && m_connectionLost) {
        // At most one attempt a second: a call in between fails at once rather than wait out
        // another connect timeout.
        if (m_reconnectTimer.isValid() && m_reconnectTimer.elapsed() < ReconnectIntervalMs) {
            throw StoreError(StoreError::Code::Unavailable,
                             u"The key store %1 cannot be reached right now; KeyDeck keeps "
                             "trying."_s.arg(shownLocation()));
        }
        m_reconnectTimer.start();
        QSqlDatabase::database(m_connectionName, false).close();
        connectOnWorker(m_connectionName);
        m_connectionLost = false;
    }
    if (!m_open) {
        throw StoreError(StoreError::Code::Unavailable,
                         m_openError.isEmpty()
                             ? u"The key store %1 is not open."_s.arg(shownLocation())
                             : m_openError);
    }
    return SqlSession(QSqlDatabase::database(m_connectionName, false));
}

void SqlDatabase::openOnWorker(const Housekeeping& housekeeping)
{
    if (m_open)
        return;
    const QString identity = connectOnWorker(m_connectionName);
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    const SqlSession session(db);
    try {
        SqlSchema::migrate(session, shownLocation());
        establishIdentity(session, identity, housekeeping);
        m_watcher.reset(session);
    } catch (...) {
        db.close();
        throw;
    }
    m_open = true;
    m_openError.clear();
}

QString SqlDatabase::connectOnWorker(const QString& connection)
{
    QSqlDatabase db =
        QSqlDatabase::contains(connection)
            ? QSqlDatabase::database(connection, false)
            : QSqlDatabase::addDatabase(m_dialect == SqlDialect::Sqlite ? u"QSQLITE"_s : u"QPSQL"_s,
                                        connection);
    if (m_dialect == SqlDialect::Postgres) {
        configurePostgres(db, m_path);
        const SqlSession session(db);
        if (!db.open())
            session.fail(u"Could not reach the key store"_s, db.lastError());
        try {
            // Every timestamp is an integer of milliseconds; nothing depends on the server's
            // zone, but messages should not change with it either.
            session.run(u"SET TIME ZONE 'UTC'"_s);
            // As long as a SQLite writer waits for another's lock, then a clear failure; and a
            // session that stops in the middle of a transaction (its process hung or gone
            // without the connection noticing) gives up its locks rather than stall every
            // writer of every instance.
            session.run(
                u"SET lock_timeout = %1"_s.arg(m_busyTimeoutMs > 0 ? m_busyTimeoutMs : 60'000));
            session.run(u"SET idle_in_transaction_session_timeout = 300000"_s);
            SqlSchema::checkedVersion(session, shownLocation());
        } catch (...) {
            db.close();
            throw;
        }
        // One identity whatever name or address an instance reaches the database by: every
        // instance is the same store.
        return u"postgres"_s;
    }
    QString problem;
    if (!StoreFile::prepare(m_path, &problem)) {
        throw StoreError(StoreError::Code::Unavailable,
                         u"Could not open the key store %1: %2."_s.arg(shownLocation(), problem));
    }
    db.setDatabaseName(m_path);
    db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=%1"_s.arg(m_busyTimeoutMs));
    const SqlSession session(db);
    if (!db.open())
        session.fail(u"Could not open the key store"_s, db.lastError());
    try {
        session.run(u"PRAGMA busy_timeout = %1"_s.arg(m_busyTimeoutMs));
        // Before anything writes: a newer KeyDeck's file is left exactly as it is.
        SqlSchema::checkedVersion(session, shownLocation());
        QSqlQuery mode = session.run(u"PRAGMA journal_mode = WAL"_s);
        const QString journalMode = mode.next() ? mode.value(0).toString() : QString();
        mode.finish();
        if (journalMode.compare(u"wal", Qt::CaseInsensitive) != 0)
            session.fail(u"Could not switch the key store to WAL mode"_s,
                         u"journal mode is \"%1\""_s.arg(journalMode));
        session.run(u"PRAGMA synchronous = FULL"_s);
        session.run(u"PRAGMA foreign_keys = ON"_s);
        session.run(u"PRAGMA journal_size_limit = %1"_s.arg(WalSizeLimitBytes));
    } catch (...) {
        db.close();
        throw;
    }
    return StoreFile::identity(m_path);
}

void SqlDatabase::configurePostgres(QSqlDatabase& db, const QString& location)
{
    const QUrl url(location);
    const QUrlQuery query(url);
    // ?host=/run/postgresql: a socket directory, which a URL's host cannot hold.
    db.setHostName(query.hasQueryItem(u"host"_s)
                       ? query.queryItemValue(u"host"_s, QUrl::FullyDecoded)
                       : url.host());
    db.setPort(url.port(5432));
    db.setUserName(url.userName(QUrl::FullyDecoded));
    db.setPassword(url.password(QUrl::FullyDecoded));
    db.setDatabaseName(url.path(QUrl::FullyDecoded).mid(1));
    // Bounded waits unless the URL says otherwise: a connect to a host that is gone, and a
    // peer that vanished mid-request (keepalives notice it in about a minute).
    QMap<QString, QString> options{{u"connect_timeout"_s, u"10"_s},
                                   {u"keepalives_idle"_s, u"30"_s},
                                   {u"keepalives_interval"_s, u"10"_s},
                                   {u"keepalives_count"_s, u"3"_s}};
    for (const auto& [name, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (name != u"host"_s)
            options.insert(name, value);
    }
    QStringList optionList;
    for (auto it = options.cbegin(); it != options.cend(); ++it)
        optionList << it.key() + u'=' + it.value();
    db.setConnectOptions(optionList.join(u';'));
    // Sums of BIGINT columns are NUMERIC: read them as integers, not doubles.
    db.setNumericalPrecisionPolicy(QSql::LowPrecisionInt64);
}

QString SqlDatabase::shownLocation() const
{
    return m_dialect == SqlDialect::Sqlite ? QDir::toNativeSeparators(m_path) : location();
}

SqlSession SqlDatabase::openImportSession()
{
    if (!m_open)
        throw StoreError(StoreError::Code::Unavailable,
                         u"The key store %1 is not open."_s.arg(shownLocation()));
    const QString name = m_connectionName + u"-import"_s;
    connectOnWorker(name);
    return SqlSession(QSqlDatabase::database(name, false));
}

void SqlDatabase::closeImportSession()
{
    const QString name = m_connectionName + u"-import"_s;
    if (!QSqlDatabase::contains(name))
        return;
    QSqlDatabase::database(name, false).close();
    QSqlDatabase::removeDatabase(name);
}

void SqlDatabase::announceWritten()
{
    m_pool.start([this] {
        if (!m_open)
            return;
        try {
            written(session());
        } catch (const StoreError&) {
            // The next poll finds what this could not read.
        }
    });
}

void SqlDatabase::closeOnWorker()
{
    m_open = false;
    if (!QSqlDatabase::contains(m_connectionName))
        return;
    QSqlDatabase::database(m_connectionName, false).close();
    QSqlDatabase::removeDatabase(m_connectionName);
}

void SqlDatabase::establishIdentity(const SqlSession& session, const QString& file,
                                    const Housekeeping& housekeeping)
{
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
        // Another file (or database) than the one this identity was given to: a copy (cp, a
        // backup, a move to another file system, a restored dump). It takes a new identity, so
        // deleting a key here never removes a secret the original still relies on.
        const bool copy = !fresh && storedFile != file;
        if (fresh || copy) {
            storeId = u"st_"_s + ApiKeyFormat::randomBase62(StoreIdRandomLength, m_rng);
            SqlSchema::writeMeta(session, {{StoreIdKey, storeId}, {StoreFileKey, file}});
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

void SqlDatabase::pollOnWorker()
{
    if (!m_open)
        return;
    try {
        announce(m_watcher.poll(session()));
    } catch (const StoreError&) {
        // Unreadable right now (busy, say, or the database server away): the next poll tries
        // again - reconnecting, if that was it - and a call made meanwhile reports the problem
        // itself.
        failedOnWorker();
    }
}

void SqlDatabase::failedOnWorker()
{
    if (m_dialect != SqlDialect::Postgres || !m_open || m_connectionLost)
        return;
    QSqlQuery probe(QSqlDatabase::database(m_connectionName, false));
    m_connectionLost = !probe.exec(u"SELECT 1"_s);
}

void SqlDatabase::written(const SqlSession& session)
{
    try {
        announce(m_watcher.afterWrite(session));
    } catch (const StoreError&) {
        // The write itself succeeded; the next poll finds what this could not read.
    }
}

void SqlDatabase::announce(SqlChangeWatcher::Parts parts)
{
    if (!parts)
        return;
    QMetaObject::invokeMethod(
        this, [this, parts] { Q_EMIT changed(parts); }, Qt::QueuedConnection);
}
