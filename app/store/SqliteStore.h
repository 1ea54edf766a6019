#pragma once

#include "KeyStore.h"
#include "LifecycleStore.h"
#include "UsageReader.h"
#include "UsageStore.h"

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
//
// Usage: events and their roll-ups (UsageRollup) are written in one transaction, so charts
// never see events without their sums. Roll-up reads work at 15-minute slot granularity (see
// UsageReader); log reads are exact. Costs are fixed when an event is stored: a later price
// table change does not reprice history. Deleting a key keeps its usage (history and totals
// stay right) but the id no longer resolves to a key. importUsage() reports progress in
// permille of the file and stops, storing nothing, when its future is cancelled. It stores in
// short transactions, its events hidden until it publishes them (and their roll-ups) in one, so
// other writers go on meanwhile and readers see all of a file or none of it; one import runs at
// a time per store, and a recorded event whose request id a running import holds is refused
// (try again) rather than skipped.
//
// Lifecycle: a subscription key's quota used is its cost since the start of its current billing
// cycle (read from the UTC day roll-ups), so it drops to zero on the cycle day by itself;
// evaluateAlerts() records that reset as a QuotaReset event. Deleting a key deletes its events,
// clears its open alerts and unlinks its rotation partner.
class SqliteStore final : public KeyStore, public UsageStore, public LifecycleStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SqliteStore)

public:
    // clock and rng must outlive the store. rng: QRandomGenerator::system() in production.
    SqliteStore(QString path, const Clock& clock, QRandomGenerator& rng, QObject* parent = nullptr);
    ~SqliteStore() override;

    // How long a write waits for another process's write (an import of a large usage file holds
    // the lock for its whole run) before it fails with a message that says so. Before open().
    void setBusyTimeoutMs(int ms) { m_busyTimeoutMs = ms; }
    static constexpr int DefaultBusyTimeoutMs = 60'000;

    // Opens (creating and migrating as needed). Fails with StoreError::Unavailable.
    QFuture<void> open();
    QString path() const { return m_path; }
    // <XDG data home>/KeyDeck/keydeck.sqlite, the same for the app, keydeckctl and the server
    // whatever organization/application names each sets.
    static QString defaultPath();
    static int schemaVersion();

    QString location() const override;
    QFuture<CreatedKey> createKey(const KeySpec& spec) override;
    QFuture<CreatedKey> createPendingKey(const KeySpec& spec) override;
    QFuture<ApiKeyRecord> activateKey(const QString& id) override;
    QFuture<QList<ApiKeyRecord>> listKeys() override;
    QFuture<ApiKeyRecord> findKey(const QString& idOrLabel) override;
    QFuture<ApiKeyRecord> updateKey(const QString& id, const KeySpec& spec) override;
    QFuture<ApiKeyRecord> setKeyStatus(const QString& id, KeyStatus status) override;
    QFuture<void> deleteKey(const QString& id) override;
    QFuture<WorkspaceSettings> workspaceSettings() override;
    QFuture<WorkspaceSettings> updateWorkspaceSettings(const WorkspaceSettings& settings) override;

    QFuture<qint64> recordUsage(const QList<UsageEvent>& events) override;
    QFuture<UsageImportReport> importUsage(const QString& path,
                                           const UsageImportOptions& options) override;
    QFuture<UsageTotals> usageTotals(const UsageQuery& query) override;
    QFuture<QList<UsageSeries::Point>> usageSlots(const UsageQuery& query) override;
    QFuture<QList<UsageGroupRow>> usageGroups(const UsageQuery& query, Grouping grouping) override;
    QFuture<QList<UsageEvent>> usageLogs(const UsageQuery& query, qint64 offset, int limit,
                                         LogColumn sortColumn, Qt::SortOrder order) override;
    QFuture<qint64> usageLogCount(const UsageQuery& query) override;
    QFuture<QStringList> usageModels() override;
    QFuture<PriceTable> priceTable() override;
    QFuture<PriceTable> setPriceTable(const PriceTable& table) override;

    QFuture<CreatedKey> rotateKey(const QString& id) override;
    QFuture<CreatedKey> rotateKeyPending(const QString& id) override;
    QFuture<QList<AlertRule>> alertRules() override;
    QFuture<AlertRule> saveAlertRule(const AlertRule& rule) override;
    QFuture<void> deleteAlertRule(qint64 ruleId) override;
    QFuture<QList<Alert>> alerts(bool includeCleared) override;
    QFuture<Alert> acknowledgeAlert(qint64 alertId) override;
    QFuture<QList<Alert>> evaluateAlerts() override;
    QFuture<QList<KeyEvent>> keyEvents(const QString& keyId) override;

private:
    // Runs work on the worker thread. Not QtConcurrent::run: its futures let a thread that
    // blocks on result() run a queued task itself, on a thread that does not own the connection.
    // Work may take the QPromise<T>& to report progress.
    template <typename T, typename Work> QFuture<T> submit(Work work);
    // submit() with a UsageReader over the worker's connection.
    template <typename T, typename Read> QFuture<T> readUsage(Read read);
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
    // Every key with its derived fields (spend, cycle quota), newest first.
    QList<ApiKeyRecord> readKeys(const QSqlDatabase& db) const;
    // Generates the secret and inserts the key; inside the caller's transaction.
    CreatedKey insertKey(const QSqlDatabase& db, const KeySpec& spec, bool pending);
    void addEvent(const QSqlDatabase& db, const QString& keyId, KeyEvent::Kind kind,
                  const QString& detail = {}) const;
    QList<AlertRule> readRules(const QSqlDatabase& db) const;
    QList<Alert> readAlerts(const QSqlDatabase& db, const QString& where) const;
    // Records a QuotaReset for each subscription key whose cycle moved on; true if any did.
    bool resetCycles(const QSqlDatabase& db, qint64 nowMs) const;
    PriceTable readPrices(const QSqlDatabase& db) const;
    // After this store's own usage write: announces it and keeps the change poll from echoing it.
    void usageWritten(const QSqlDatabase& db);
    enum class Pending
    {
        Excluded,
        Included
    };
    std::optional<ApiKeyRecord> selectKey(const QSqlDatabase& db, const QString& column,
                                          const QString& value,
                                          Pending pending = Pending::Excluded) const;
    // Gives the file a store identity, and a new one when it is a copy of another store's file.
    void establishIdentity(QSqlDatabase& db);
    // Sets meta entries (key, value); inside the caller's transaction.
    void writeMeta(const QSqlDatabase& db, const QList<std::pair<QString, QString>>& entries) const;
    // Removes keys created in two steps whose activation never came.
    void purgeAbandonedKeys(const QSqlDatabase& db) const;
    // Removes the hidden events of imports whose process died; inside a transaction.
    void removeAbandonedImports(const QSqlDatabase& db) const;
    // Removes an import that did not publish, best effort (its heartbeat ends it otherwise).
    void discardImport(const QSqlDatabase& db, qint64 importId) const;
    // createKey() and createPendingKey(); rotateKey() and rotateKeyPending().
    QFuture<CreatedKey> create(const KeySpec& spec, bool pending);
    QFuture<CreatedKey> rotate(const QString& id, bool pending);
    ApiKeyRecord requireKey(const QSqlDatabase& db, const QString& id) const;
    void requireLabelFree(const QSqlDatabase& db, const QString& label,
                          const QString& exceptId) const;
    void validate(const KeySpec& spec, const KeySpec* stored = nullptr) const;
    WorkspaceSettings readSettings(const QSqlDatabase& db) const;
    void checkDataVersion();
    void notifyKeysChanged();
    void notifyUsageChanged();
    void notifyAlertsChanged();

    // Store thread: queues a data_version check unless one is pending.
    void pollDataVersion();

    QString m_path;
    QString m_connectionName;
    const Clock& m_clock;
    QRandomGenerator& m_rng;
    QTimer m_dataVersionTimer;
    std::atomic_bool m_pollQueued = false;
    int m_busyTimeoutMs = DefaultBusyTimeoutMs;
    // Worker thread only.
    bool m_open = false;
    QString m_openError;
    qint64 m_dataVersion = 0;
    UsageReader::ChangeMark m_usageMark;
    QString m_storeId;
    // Last: destroyed first, after the destructor has drained it.
    QThreadPool m_pool;
};
