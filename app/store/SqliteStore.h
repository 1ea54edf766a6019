#pragma once

#include "KeyStore.h"

#include <QThreadPool>
#include <QTimer>
#include <atomic>
#include <optional>

class Clock;
class QRandomGenerator;
class QSqlDatabase;
class QSqlQuery;

// The local store: one SQLite file, WAL + synchronous=FULL, one transaction per write, schema
// migrations keyed by PRAGMA user_version. All SQL runs on one private worker thread that owns
// the connection, so no call ever blocks the caller.
class SqliteStore final : public KeyStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SqliteStore)

public:
    // clock and rng must outlive the store. rng: QRandomGenerator::system() in production.
    SqliteStore(QString path, const Clock& clock, QRandomGenerator& rng, QObject* parent = nullptr);
    ~SqliteStore() override;

    // Opens (creating and migrating as needed). Fails with StoreError::Unavailable.
    QFuture<void> open();
    QString path() const { return m_path; }
    // <XDG data home>/KeyDeck/keydeck.sqlite, the same for the app, keydeckctl and the server
    // whatever organization/application names each sets.
    static QString defaultPath();
    static int schemaVersion();

    QString location() const override;
    QFuture<CreatedKey> createKey(const KeySpec& spec) override;
    QFuture<QList<ApiKeyRecord>> listKeys() override;
    QFuture<ApiKeyRecord> findKey(const QString& idOrLabel) override;
    QFuture<ApiKeyRecord> updateKey(const QString& id, const KeySpec& spec) override;
    QFuture<ApiKeyRecord> setKeyStatus(const QString& id, KeyStatus status) override;
    QFuture<void> deleteKey(const QString& id) override;
    QFuture<WorkspaceSettings> workspaceSettings() override;
    QFuture<WorkspaceSettings> updateWorkspaceSettings(const WorkspaceSettings& settings) override;

private:
    // Runs work on the worker thread. Not QtConcurrent::run: its futures let a thread that
    // blocks on result() run a queued task itself, on a thread that does not own the connection.
    template <typename T, typename Work> QFuture<T> submit(Work work);
    template <typename Work> auto transaction(QSqlDatabase& db, Work work);

    // Worker thread only, from here to the members marked likewise.
    void openOnWorker();
    void closeOnWorker();
    int checkedSchemaVersion(const QSqlDatabase& db) const;
    void migrate(QSqlDatabase& db);
    QSqlDatabase connection() const;
    QSqlQuery prepare(const QSqlDatabase& db, const QString& sql) const;
    void execute(QSqlQuery& query) const;
    QSqlQuery execute(const QSqlDatabase& db, const QString& sql) const;
    [[noreturn]] void fail(const QString& what, const QString& sqliteError) const;
    ApiKeyRecord recordAt(const QSqlQuery& query) const;
    std::optional<ApiKeyRecord> selectKey(const QSqlDatabase& db, const QString& column,
                                          const QString& value) const;
    ApiKeyRecord requireKey(const QSqlDatabase& db, const QString& id) const;
    void requireLabelFree(const QSqlDatabase& db, const QString& label,
                          const QString& exceptId) const;
    void validate(const KeySpec& spec) const;
    WorkspaceSettings readSettings(const QSqlDatabase& db) const;
    void checkDataVersion();
    void notifyKeysChanged();

    // Store thread: queues a data_version check unless one is pending.
    void pollDataVersion();

    QString m_path;
    QString m_connectionName;
    const Clock& m_clock;
    QRandomGenerator& m_rng;
    QTimer m_dataVersionTimer;
    std::atomic_bool m_pollQueued = false;
    // Worker thread only.
    bool m_open = false;
    QString m_openError;
    qint64 m_dataVersion = 0;
    // Last: destroyed first, after the destructor has drained it.
    QThreadPool m_pool;
};
