#pragma once

#include "ApiKeyRecord.h"

#include <QDialog>
#include <QHash>
#include <QTimer>

class Clock;
class KeyHistoryModel;
class KeyTableModel;
class LifecycleStore;
class QGridLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTableView;
class UsageLogModel;
class UsageStore;
class UsageTimeChart;

// A key's own page (Enter or double-click on its row): everything the row cannot show - its
// limits with how much of each is used, tier and per-minute limits, allowlists, owner and note,
// when and from where it was last used - and its own usage chart, request log and history. It
// follows the keys model, so an edit, a rotation or new usage shows without reopening it.
// Stable objectNames: keyDetailsDialog, detailsTabs, detailsTitle, detailsStatus, copyIdButton,
// editKeyButton, rotateKeyButton, openUsageButton, "<field>Value" labels (id, key,
// environment, type, permissions, owner, note, quota, spendDay, spendWeek, spendMonth, tier,
// rpm, tpm, models, ips, expires, created, updated, lastUsed, lastClient, rotatedFrom,
// rotatedTo), quotaBar / spendDayBar / spendWeekBar / spendMonthBar, detailsRequestsChart,
// detailsLogTable, detailsHistoryTable.
class KeyDetailsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyDetailsDialog)

public:
    struct Services
    {
        UsageStore& usage;
        LifecycleStore& lifecycle;
        const Clock& clock;
    };

    KeyDetailsDialog(const KeyTableModel& keys, const QString& keyId, Services services,
                     QWidget* parent = nullptr);

    const QString& keyId() const { return m_keyId; }

Q_SIGNALS:
    void editRequested(const QString& keyId);
    void rotateRequested(const QString& keyId);
    void usageRequested(const QString& keyId);

private:
    QWidget* buildHeader();
    QWidget* buildOverview();
    QWidget* buildUsageTab();
    QWidget* buildHistoryTab();
    // trailing: a button beside the value (Copy ID).
    QLabel* addValue(QGridLayout* grid, const QString& title, const QString& name,
                     QWidget* trailing = nullptr);
    QProgressBar* addBar(QGridLayout* grid, const QString& name);

    // From the keys model: the row's record and status, or the key's absence once deleted.
    void refresh();
    void showRecord(const ApiKeyRecord& record);
    // used: what the amount is, when the row's title does not say ("used this cycle").
    void showLimit(const QString& name, qint64 usedMicros, const std::optional<qint64>& limit,
                   const QString& used);
    void loadUsage();
    void loadHistory();

    const KeyTableModel& m_keys;
    const QString m_keyId;
    Services m_services;
    std::optional<ApiKeyRecord> m_shown;
    quint64 m_generation = 0;
    QTimer m_refreshTimer;

    QLabel* m_title = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_editButton = nullptr;
    QPushButton* m_rotateButton = nullptr;
    QTabWidget* m_tabs = nullptr;
    QHash<QString, QLabel*> m_values;
    QHash<QString, QProgressBar*> m_bars;
    UsageTimeChart* m_chart = nullptr;
    QLabel* m_chartSummary = nullptr;
    UsageLogModel* m_log = nullptr;
    QTableView* m_logTable = nullptr;
    KeyHistoryModel* m_history = nullptr;
    QTableView* m_historyTable = nullptr;
};
