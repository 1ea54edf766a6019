#pragma once

#include "AlertRule.h"
#include "ApiKeyRecord.h"

#include <QTimer>
#include <QWidget>

class AlertRuleDialog;
class AlertTableModel;
class Clock;
class KeyStore;
class LifecycleStore;
class QAction;
class QCheckBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;
class QTableWidget;
class QTableWidgetItem;

// Alerts: the raised alerts (acknowledge them, optionally see cleared ones) and the rules that
// raise them (add, edit, enable, delete). Evaluation itself is AlertMonitor's job.
class AlertsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertsPage)

public:
    enum RuleColumn
    {
        RuleEnabled,
        RuleDescription,
        RuleKey,
        RuleColumnCount
    };

    AlertsPage(KeyStore& store, LifecycleStore& lifecycle, const Clock& clock,
               QWidget* parent = nullptr);

    // Open alerts nobody has acknowledged yet.
    int attentionCount() const { return m_attentionCount; }
    AlertTableModel* alertModel() const { return m_model; }
    QAction* acknowledgeAction() const { return m_acknowledgeAction; }
    const QList<AlertRule>& rules() const { return m_rules; }
    void reload();

Q_SIGNALS:
    void attentionCountChanged(int count);
    void statusMessage(const QString& text, int timeoutMs);

private:
    QWidget* buildHeader();
    QWidget* buildAlertsSection();
    QWidget* buildRulesSection();
    void scheduleReload();
    void loadAlerts();
    void loadRules();
    void loadKeys();
    void applyKeys(const QList<ApiKeyRecord>& keys);
    void applyRules(const QList<AlertRule>& rules);
    void updateAlertState();
    void updateRuleButtons();

    QList<qint64> selectedAlertIds(bool needingAttentionOnly) const;
    void acknowledgeSelected();
    std::optional<AlertRule> selectedRule() const;
    QString keyLabel(const QString& keyId) const;
    void openRuleDialog(const AlertRule& rule);
    void submitRule(AlertRuleDialog* dialog);
    void setRuleEnabled(QTableWidgetItem* item);
    void confirmDeleteRule();
    void reportFailure(const QString& what, const std::exception& error);

    KeyStore& m_store;
    LifecycleStore& m_lifecycle;
    AlertTableModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;

    QAction* m_acknowledgeAction = nullptr;
    QTableView* m_alertsTable = nullptr;
    QStackedWidget* m_alertsStack = nullptr;
    QLabel* m_alertsCountLabel = nullptr;
    QLabel* m_emptyLabel = nullptr;
    QCheckBox* m_showClearedCheck = nullptr;
    QTableWidget* m_rulesTable = nullptr;
    QPushButton* m_editRuleButton = nullptr;
    QPushButton* m_deleteRuleButton = nullptr;

    QList<AlertRule> m_rules;
    QList<ApiKeyRecord> m_keys;
    QTimer m_reloadTimer;
    int m_attentionCount = 0;
    bool m_alertsLoaded = false;
    // Only the newest answer of each kind is applied, whatever order they come back in.
    quint64 m_alertsGeneration = 0;
    quint64 m_rulesGeneration = 0;
    quint64 m_keysGeneration = 0;
};
