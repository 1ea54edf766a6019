#pragma once

#include "SqlChangeWatcher.h"
#include "SqlSession.h"
#include "StoreError.h"

#include <QElapsedTimer>
#include <QFuture>
#include <QObject>
#include <QPromise>
#include <QThreadPool>
#include <QTimer>
#include <atomic>
#include <functional>
#include <memory>
#include <type_traits>

class Clock;
class QRandomGenerator;

// One store database - a SQLite file (WAL, synchronous=FULL) or a PostgreSQL database - and
// the one worker thread that owns its connection: migrations on open, a store identity, and a
// watch for other processes' commits. The store classes (SqlKeyStore, SqlUsageStore,
// SqlLifecycleStore, SqlAuditStore) share it; all their SQL runs on its worker, so no call
// ever blocks the caller.
class SqlDatabase final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SqlDatabase)

public:
    // location: the SQLite file's path, or for PostgreSQL a URL
    // postgres://USER:PASSWORD@HOST:PORT/DATABASE (query items are libpq connection options,
    // host= a socket directory). clock and rng must outlive the database.
    SqlDatabase(SqlDialect dialect, QString location, const Clock& clock, QRandomGenerator& rng,
                QObject* parent = nullptr);
    ~SqlDatabase() override;

    void setBusyTimeoutMs(int ms) { m_busyTimeoutMs = ms; }
    // Runs on the worker inside the transaction that settles the store identity, before any
    // call is served: the stores' clean-up of what dead processes left behind.
    using Housekeeping = std::function<void(const SqlSession&)>;
    QFuture<void> open(Housekeeping housekeeping);
    // Waits for the calls already submitted, then closes the connection; later calls fail.
    // Called before whatever the submitted work refers to is destroyed.
    void shutdown();

    // The path or URL as given, with any password: for connecting, never for a message.
    const QString& connectionString() const { return m_path; }
    // For people: "local: PATH", or the URL without its password or options.
    QString location() const;
    // For messages: the file's native path, or location().
    QString shownLocation() const;
    const Clock& clock() const { return m_clock; }
    QRandomGenerator& rng() const { return m_rng; }

    // A PostgreSQL connection set up for the database location names (host, port, user,
    // password, database, libpq options with bounded waits), not yet opened.
    static void configurePostgres(QSqlDatabase& db, const QString& location);
    // Looks for changes now rather than at the next poll: another process said it wrote.
    void pollSoon();

    // Runs work on the worker thread. Not QtConcurrent::run: its futures let a thread that
    // blocks on result() run a queued task itself, on a thread that does not own the connection.
    // Work may take the QPromise<T>& to report progress.
    template <typename T, typename Work> QFuture<T> submit(Work work);
    // Runs a long write (a usage import) on a thread and connection of its own, opened for it
    // and closed after, so the store's other calls go on meanwhile: work(promise, session).
    // Fails like submit() when the store is not open.
    template <typename T, typename Work> QFuture<T> submitImport(Work work);
    // From the import's thread after it published: the store's worker announces what changed.
    void announceWritten();

    // Worker thread only, from here on.
    // The open connection; fails with the reason it could not open. A PostgreSQL connection
    // found lost (the server restarted, an administrator ended it) is made again here first.
    SqlSession session();
    // After a call failed with the store unavailable: whether the connection itself is gone.
    void failedOnWorker();
    const QString& storeId() const { return m_storeId; }
    // After a commit of this connection's: announces what it changed (and what others changed
    // meanwhile), so the timer's poll never echoes it.
    void written(const SqlSession& session);

Q_SIGNALS:
    // On the database's thread affinity.
    void changed(SqlChangeWatcher::Parts parts);

private:
    void openOnWorker(const Housekeeping& housekeeping);
    // The connection of the dialect under that name, open and set up; the identity of what it
    // reached.
    QString connectOnWorker(const QString& connection);
    // The import thread's own connection, and its end.
    SqlSession openImportSession();
    void closeImportSession();
    void closeOnWorker();
    // Gives the store an identity, and a new one when it is a copy of another store (file: what
    // connectOnWorker() reached).
    void establishIdentity(const SqlSession& session, const QString& file,
                           const Housekeeping& housekeeping);
    void pollOnWorker();
    void announce(SqlChangeWatcher::Parts parts);

    SqlDialect m_dialect;
    QString m_path;
    QString m_connectionName;
    const Clock& m_clock;
    QRandomGenerator& m_rng;
    QTimer m_pollTimer;
    std::atomic_bool m_pollQueued = false;
    int m_busyTimeoutMs = 0;
    // Worker thread only.
    std::atomic_bool m_open = false;
    bool m_connectionLost = false;
    QElapsedTimer m_reconnectTimer;
    QString m_openError;
    QString m_storeId;
    SqlChangeWatcher m_watcher;
    // Last: destroyed first, after the destructor has drained them.
    QThreadPool m_importPool;
    QThreadPool m_pool;
};

template <typename T, typename Work> QFuture<T> SqlDatabase::submitImport(Work work)
{
    auto promise = std::make_shared<QPromise<T>>();
    promise->start();
    QFuture<T> future = promise->future();
    m_importPool.start([this, promise, work = std::move(work)] {
        // The session and every statement of the work are gone before the connection closes.
        const auto run = [&] {
            const SqlSession session = openImportSession();
            return work(*promise, session);
        };
        try {
            T result = run();
            closeImportSession();
            promise->addResult(std::move(result));
        } catch (const StoreError& error) {
            closeImportSession();
            promise->setException(error);
        } catch (const std::exception& error) {
            closeImportSession();
            promise->setException(
                StoreError(StoreError::Code::Unavailable, QString::fromUtf8(error.what())));
        }
        promise->finish();
    });
    return future;
}

template <typename T, typename Work> QFuture<T> SqlDatabase::submit(Work work)
{
    auto promise = std::make_shared<QPromise<T>>();
    promise->start();
    QFuture<T> future = promise->future();
    m_pool.start([this, promise, work = std::move(work)] {
        try {
            if constexpr (std::is_void_v<T>)
                work();
            else if constexpr (std::is_invocable_v<const Work&, QPromise<T>&>)
                promise->addResult(work(*promise));
            else
                promise->addResult(work());
        } catch (const StoreError& error) {
            if (error.code() == StoreError::Code::Unavailable)
                failedOnWorker();
            promise->setException(error);
        } catch (const std::exception& error) {
            promise->setException(
                StoreError(StoreError::Code::Unavailable, QString::fromUtf8(error.what())));
        }
        promise->finish();
    });
    return future;
}
