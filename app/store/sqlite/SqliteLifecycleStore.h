#pragma once

#include "LifecycleStore.h"
#include "SqliteChangeWatcher.h"

#include <optional>
#include <utility>

class SqliteDatabase;
class SqliteSession;

// LifecycleStore on the local file. A subscription key's quota used is its cost since the start
// of its current billing cycle (read from the UTC day roll-ups), so it drops to zero on the
// cycle day by itself; evaluateAlerts() records that reset as a QuotaReset event.
class SqliteLifecycleStore final : public LifecycleStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SqliteLifecycleStore)

public:
    // database must outlive the store.
    explicit SqliteLifecycleStore(SqliteDatabase& database, QObject* parent = nullptr);

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
    QFuture<CreatedKey> rotate(const QString& id, bool pending);
    // Worker thread only.
    QList<AlertRule> readRules(const SqliteSession& session) const;
    QList<Alert> readAlerts(const SqliteSession& session, const QString& where) const;
    // Resets cycles and raises or clears alerts, reading first: it writes only when something
    // changes. Returns the alerts it raised.
    QList<Alert> evaluate(const SqliteSession& session) const;
    // evaluate() unless nothing was written and no minute passed since the last one: pages and
    // the alert monitor list the alerts after the same change, and at 100k keys each
    // evaluation reads them all.
    void evaluateIfStale(const SqliteSession& session);
    // Whether a subscription key's cycle moved on since it was last recorded.
    bool cyclesDue(const SqliteSession& session, qint64 nowMs) const;
    // Records the new cycles, with a QuotaReset event for each that follows a recorded one;
    // inside the caller's transaction.
    void resetCycles(const SqliteSession& session, qint64 nowMs) const;

    SqliteDatabase& m_database;
    // Worker thread only: the file and the minute the last listing's evaluation saw.
    std::optional<std::pair<SqliteChangeWatcher::Marks, qint64>> m_evaluated;
};
