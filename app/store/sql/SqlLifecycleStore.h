#pragma once

#include "LifecycleStore.h"
#include "SqlChangeWatcher.h"

#include <optional>
#include <utility>

class SqlDatabase;
class SqlSession;

// LifecycleStore on the local file. A subscription key's quota used is its cost since the start
// of its current billing cycle (read from the UTC day roll-ups), so it drops to zero on the
// cycle day by itself; evaluateAlerts() records that reset as a QuotaReset event.
class SqlLifecycleStore final : public LifecycleStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SqlLifecycleStore)

public:
    // database must outlive the store.
    explicit SqlLifecycleStore(SqlDatabase& database, QObject* parent = nullptr);

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
    QList<AlertRule> readRules(const SqlSession& session) const;
    QList<Alert> readAlerts(const SqlSession& session, const QString& where) const;
    // Resets cycles and raises or clears alerts, reading first: it writes only when something
    // changes. Returns the alerts it raised.
    QList<Alert> evaluate(const SqlSession& session) const;
    // evaluate() unless nothing was written and no minute passed since the last one: pages and
    // the alert monitor list the alerts after the same change, and at 100k keys each
    // evaluation reads them all.
    void evaluateIfStale(const SqlSession& session);
    // Whether a subscription key's cycle moved on since it was last recorded.
    bool cyclesDue(const SqlSession& session, qint64 nowMs) const;
    // Records the new cycles, with a QuotaReset event for each that follows a recorded one;
    // inside the caller's transaction.
    void resetCycles(const SqlSession& session, qint64 nowMs) const;

    SqlDatabase& m_database;
    // Worker thread only: the file and the minute the last listing's evaluation saw.
    std::optional<std::pair<SqlChangeWatcher::Marks, qint64>> m_evaluated;
};
