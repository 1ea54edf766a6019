#include "AlertsPage.h"

#include "AlertMonitor.h"
#include "AlertRuleDialog.h"
#include "AlertTableModel.h"
#include "ErrorText.h"
#include "KeyStore.h"
#include "LifecycleStore.h"
#include "PageHeading.h"

#include <QAction>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QStyle>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;

namespace {
constexpr int ReloadCoalesceMs = 150;
constexpr int StatusMessageMs = 6000;

QLabel* sectionTitle(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 1.15);
    font.setWeight(QFont::DemiBold);
    label->setFont(font);
    return label;
}

void styleTable(QTableView* table)
{
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->setShowGrid(false);
    table->setTextElideMode(Qt::ElideRight);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->verticalHeader()->hide();
    table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 12);
    QHeaderView* header = table->horizontalHeader();
    header->setHighlightSections(false);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
}
} // namespace

AlertsPage::AlertsPage(KeyStore& store, LifecycleStore& lifecycle, const Clock& clock,
                       QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_lifecycle(lifecycle)
    , m_model(new AlertTableModel(clock, this))
    , m_proxy(new QSortFilterProxyModel(this))
{
    setObjectName(u"alertsPage"_s);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(AlertTableModel::RawValueRole);

    m_acknowledgeAction = new QAction(u"Acknowledge"_s, this);
    m_acknowledgeAction->setObjectName(u"actionAcknowledgeAlert"_s);
    m_acknowledgeAction->setToolTip(
        u"Mark the selected alerts as seen. They stay listed until their condition clears, and "
        "raise no new alert meanwhile."_s);
    connect(m_acknowledgeAction, &QAction::triggered, this, &AlertsPage::acknowledgeSelected);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(14, 12, 14, 8);
    layout->setSpacing(10);
    layout->addWidget(buildHeader());
    layout->addWidget(buildAlertsSection(), 3);
    layout->addSpacing(6);
    layout->addWidget(buildRulesSection(), 2);

    m_reloadTimer.setSingleShot(true);
    m_reloadTimer.setInterval(ReloadCoalesceMs);
    connect(&m_reloadTimer, &QTimer::timeout, this, &AlertsPage::reload);
    connect(&m_lifecycle, &LifecycleStore::alertsChanged, this, &AlertsPage::scheduleReload);
    // Labels, and the keys a rule can watch.
    connect(&m_store, &KeyStore::keysChanged, this, &AlertsPage::scheduleReload);

    updateAlertState();
    updateRuleButtons();
    reload();
}

QWidget* AlertsPage::buildHeader()
{
    return new PageHeading(
        u"Alerts"_s,
        u"Rules run when keys or usage change and every %1 minutes. Each alert is raised once "
        "and stays until its condition clears; in the background it also pops up as a desktop "
        "notification."_s.arg(AlertMonitor::PeriodMs / 60'000),
        this);
}

QWidget* AlertsPage::buildAlertsSection()
{
    auto* section = new QWidget(this);
    auto* layout = new QVBoxLayout(section);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);

    auto* bar = new QHBoxLayout;
    bar->setSpacing(10);
    bar->addWidget(sectionTitle(u"Raised alerts"_s, section));
    m_alertsCountLabel = new QLabel(section);
    m_alertsCountLabel->setObjectName(u"alertsCountLabel"_s);
    m_alertsCountLabel->setForegroundRole(QPalette::PlaceholderText);
    bar->addWidget(m_alertsCountLabel);
    bar->addStretch(1);
    m_showClearedCheck = new QCheckBox(u"Show cleared"_s, section);
    m_showClearedCheck->setObjectName(u"showClearedCheck"_s);
    m_showClearedCheck->setToolTip(u"Also list alerts whose condition no longer holds"_s);
    connect(m_showClearedCheck, &QCheckBox::toggled, this, &AlertsPage::loadAlerts);
    bar->addWidget(m_showClearedCheck);
    auto* acknowledge = new QPushButton(u"Acknowledge"_s, section);
    acknowledge->setObjectName(u"acknowledgeButton"_s);
    acknowledge->setToolTip(m_acknowledgeAction->toolTip());
    connect(acknowledge, &QPushButton::clicked, m_acknowledgeAction, &QAction::trigger);
    connect(m_acknowledgeAction, &QAction::enabledChanged, acknowledge, &QWidget::setEnabled);
    bar->addWidget(acknowledge);
    layout->addLayout(bar);

    m_alertsTable = new QTableView(section);
    m_alertsTable->setObjectName(u"alertsTable"_s);
    m_alertsTable->setModel(m_proxy);
    styleTable(m_alertsTable);
    m_alertsTable->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_alertsTable->setContextMenuPolicy(Qt::CustomContextMenu);
    QHeaderView* header = m_alertsTable->horizontalHeader();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(AlertTableModel::Message, QHeaderView::Stretch);
    const QFontMetrics metrics = fontMetrics();
    const int padding =
        2 * style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_alertsTable) + 16;
    header->resizeSection(AlertTableModel::Severity,
                          metrics.horizontalAdvance(u"Critical"_s) + padding +
                              style()->pixelMetric(QStyle::PM_SmallIconSize) + 6);
    header->resizeSection(AlertTableModel::Raised,
                          metrics.horizontalAdvance(u"2026-12-31 23:59"_s) + padding);
    header->resizeSection(AlertTableModel::Key,
                          metrics.horizontalAdvance(u"prod-web-app-v2-eu"_s) + padding);
    header->resizeSection(AlertTableModel::Status,
                          metrics.horizontalAdvance(u"Needs attention"_s) + padding);
    m_alertsTable->setSortingEnabled(true);
    m_alertsTable->sortByColumn(AlertTableModel::Raised, Qt::DescendingOrder);
    m_alertsTable->addAction(m_acknowledgeAction);
    connect(m_alertsTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &AlertsPage::updateAlertState);
    connect(m_alertsTable, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        QMenu menu(this);
        menu.addAction(m_acknowledgeAction);
        menu.exec(m_alertsTable->viewport()->mapToGlobal(pos));
    });

    m_emptyLabel = new QLabel(section);
    m_emptyLabel->setObjectName(u"alertsEmptyLabel"_s);
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_emptyLabel->setForegroundRole(QPalette::PlaceholderText);
    m_emptyLabel->setFrameShape(QFrame::StyledPanel);

    m_alertsStack = new QStackedWidget(section);
    m_alertsStack->addWidget(m_emptyLabel);
    m_alertsStack->addWidget(m_alertsTable);
    layout->addWidget(m_alertsStack, 1);
    return section;
}

QWidget* AlertsPage::buildRulesSection()
{
    auto* section = new QWidget(this);
    auto* layout = new QVBoxLayout(section);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);

    auto* bar = new QHBoxLayout;
    bar->setSpacing(8);
    bar->addWidget(sectionTitle(u"Rules"_s, section));
    bar->addStretch(1);
    auto* add = new QPushButton(u"Add…"_s, section);
    add->setObjectName(u"addRuleButton"_s);
    add->setToolTip(u"Add a rule: quota, spend, expiry or rotation"_s);
    connect(add, &QPushButton::clicked, this, [this] {
        openRuleDialog(
            AlertRule{0, AlertRule::Kind::QuotaRemainingBelowPercent, 20, QString(), true});
    });
    m_editRuleButton = new QPushButton(u"Edit…"_s, section);
    m_editRuleButton->setObjectName(u"editRuleButton"_s);
    connect(m_editRuleButton, &QPushButton::clicked, this, [this] {
        if (const std::optional<AlertRule> rule = selectedRule())
            openRuleDialog(*rule);
    });
    m_deleteRuleButton = new QPushButton(u"Delete…"_s, section);
    m_deleteRuleButton->setObjectName(u"deleteRuleButton"_s);
    connect(m_deleteRuleButton, &QPushButton::clicked, this, &AlertsPage::confirmDeleteRule);
    bar->addWidget(add);
    bar->addWidget(m_editRuleButton);
    bar->addWidget(m_deleteRuleButton);
    layout->addLayout(bar);

    m_rulesTable = new QTableWidget(0, RuleColumnCount, section);
    m_rulesTable->setObjectName(u"rulesTable"_s);
    styleTable(m_rulesTable);
    m_rulesTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_rulesTable->setHorizontalHeaderLabels({u"Enabled"_s, u"Rule"_s, u"Key"_s});
    QHeaderView* header = m_rulesTable->horizontalHeader();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(RuleDescription, QHeaderView::Stretch);
    const int padding = 2 * style()->pixelMetric(QStyle::PM_FocusFrameHMargin) + 16;
    header->resizeSection(RuleEnabled, fontMetrics().horizontalAdvance(u"Enabled"_s) + padding);
    header->resizeSection(RuleKey,
                          fontMetrics().horizontalAdvance(u"prod-web-app-v2-eu"_s) + padding);
    connect(m_rulesTable, &QTableWidget::itemChanged, this, &AlertsPage::setRuleEnabled);
    connect(m_rulesTable, &QTableWidget::itemSelectionChanged, this,
            &AlertsPage::updateRuleButtons);
    connect(m_rulesTable, &QTableWidget::cellDoubleClicked, this, [this](int, int column) {
        if (column == RuleEnabled)
            return;
        if (const std::optional<AlertRule> rule = selectedRule())
            openRuleDialog(*rule);
    });
    layout->addWidget(m_rulesTable, 1);
    return section;
}

void AlertsPage::scheduleReload()
{
    if (!m_reloadTimer.isActive())
        m_reloadTimer.start();
}

void AlertsPage::reload()
{
    m_reloadTimer.stop();
    loadKeys();
    loadAlerts();
    loadRules();
}

void AlertsPage::loadAlerts()
{
    const quint64 generation = ++m_alertsGeneration;
    m_lifecycle.alerts(m_showClearedCheck->isChecked())
        .then(this,
              [this, generation](const QList<Alert>& alerts) {
                  if (generation != m_alertsGeneration)
                      return;
                  const QList<qint64> selected = selectedAlertIds(false);
                  m_model->setAlerts(alerts);
                  QItemSelection selection;
                  for (int row = 0; row < m_proxy->rowCount(); ++row) {
                      const QModelIndex index = m_proxy->index(row, 0);
                      if (selected.contains(index.data(AlertTableModel::AlertIdRole).toLongLong()))
                          selection.select(index, index);
                  }
                  m_alertsTable->selectionModel()->select(
                      selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
                  m_alertsLoaded = true;
                  updateAlertState();
              })
        .onFailed(this, [this, generation](const std::exception& error) {
            if (generation == m_alertsGeneration)
                reportFailure(u"Could not load the alerts"_s, error);
        });
}

void AlertsPage::loadRules()
{
    const quint64 generation = ++m_rulesGeneration;
    m_lifecycle.alertRules()
        .then(this,
              [this, generation](const QList<AlertRule>& rules) {
                  if (generation == m_rulesGeneration)
                      applyRules(rules);
              })
        .onFailed(this, [this, generation](const std::exception& error) {
            if (generation == m_rulesGeneration)
                reportFailure(u"Could not load the alert rules"_s, error);
        });
}

void AlertsPage::loadKeys()
{
    const quint64 generation = ++m_keysGeneration;
    m_store.listKeys()
        .then(this,
              [this, generation](const QList<ApiKeyRecord>& keys) {
                  if (generation == m_keysGeneration)
                      applyKeys(keys);
              })
        .onFailed(this, [this, generation](const std::exception& error) {
            if (generation == m_keysGeneration)
                reportFailure(u"Could not load the keys"_s, error);
        });
}

void AlertsPage::applyKeys(const QList<ApiKeyRecord>& keys)
{
    m_keys = keys;
    QHash<QString, QString> labels;
    labels.reserve(keys.size());
    for (const ApiKeyRecord& key : keys)
        labels.insert(key.id, key.spec.label);
    m_model->setKeyLabels(std::move(labels));
    for (int row = 0; row < m_rulesTable->rowCount(); ++row) {
        if (QTableWidgetItem* item = m_rulesTable->item(row, RuleKey))
            item->setText(keyLabel(m_rules.value(row).keyId));
    }
}

QString AlertsPage::keyLabel(const QString& keyId) const
{
    if (keyId.isEmpty())
        return u"All keys"_s;
    for (const ApiKeyRecord& key : m_keys) {
        if (key.id == keyId)
            return key.spec.label;
    }
    return keyId;
}

void AlertsPage::applyRules(const QList<AlertRule>& rules)
{
    const std::optional<AlertRule> selected = selectedRule();
    m_rules = rules;
    const QSignalBlocker blocker(m_rulesTable);
    m_rulesTable->setRowCount(int(rules.size()));
    for (int row = 0; row < rules.size(); ++row) {
        const AlertRule& rule = rules.at(row);
        auto* enabled = new QTableWidgetItem;
        enabled->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
        enabled->setCheckState(rule.enabled ? Qt::Checked : Qt::Unchecked);
        enabled->setToolTip(rule.enabled ? u"Checked whenever data changes"_s
                                         : u"Not checked; raises nothing"_s);
        auto* description = new QTableWidgetItem(rule.describe());
        description->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        auto* key = new QTableWidgetItem(keyLabel(rule.keyId));
        key->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        if (!rule.enabled) {
            description->setForeground(QColor(0x80, 0x80, 0x80));
            key->setForeground(QColor(0x80, 0x80, 0x80));
        }
        m_rulesTable->setItem(row, RuleEnabled, enabled);
        m_rulesTable->setItem(row, RuleDescription, description);
        m_rulesTable->setItem(row, RuleKey, key);
        if (selected && selected->id == rule.id)
            m_rulesTable->selectRow(row);
    }
    updateRuleButtons();
}

void AlertsPage::updateAlertState()
{
    const int attention = m_model->attentionCount();
    const int total = m_model->rowCount();
    if (!m_alertsLoaded) {
        m_emptyLabel->setText(u"Loading alerts…"_s);
        m_alertsCountLabel->clear();
    } else if (total == 0) {
        m_emptyLabel->setText(
            m_showClearedCheck->isChecked()
                ? u"No alerts have been raised yet."_s
                : u"Nothing needs attention. Alerts appear here when a rule below matches a key."_s);
        m_alertsCountLabel->clear();
    } else {
        m_alertsCountLabel->setText(attention == 0   ? u"all acknowledged"_s
                                    : attention == 1 ? u"1 needs attention"_s
                                                     : u"%1 need attention"_s.arg(attention));
    }
    m_alertsStack->setCurrentWidget(total == 0 ? static_cast<QWidget*>(m_emptyLabel)
                                               : m_alertsTable);
    m_acknowledgeAction->setEnabled(!selectedAlertIds(true).isEmpty());
    if (m_alertsLoaded && attention != m_attentionCount) {
        m_attentionCount = attention;
        Q_EMIT attentionCountChanged(attention);
    }
}

QList<qint64> AlertsPage::selectedAlertIds(bool needingAttentionOnly) const
{
    QList<qint64> ids;
    const QModelIndexList rows = m_alertsTable->selectionModel()->selectedRows();
    for (const QModelIndex& index : rows) {
        const QModelIndex source = m_proxy->mapToSource(index);
        if (!source.isValid())
            continue;
        const Alert& alert = m_model->alert(source.row());
        if (!needingAttentionOnly || alert.needsAttention())
            ids << alert.id;
    }
    return ids;
}

void AlertsPage::acknowledgeSelected()
{
    const QList<qint64> ids = selectedAlertIds(true);
    // One status message for the whole selection, once every answer is in.
    auto done = std::make_shared<int>(0);
    auto acknowledged = std::make_shared<int>(0);
    const auto finish = [this, done, acknowledged, total = int(ids.size())] {
        if (++*done < total)
            return;
        scheduleReload();
        if (*acknowledged > 0)
            Q_EMIT statusMessage(*acknowledged == 1
                                     ? u"Alert acknowledged"_s
                                     : u"%1 alerts acknowledged"_s.arg(*acknowledged),
                                 StatusMessageMs);
    };
    for (qint64 id : ids) {
        m_lifecycle.acknowledgeAlert(id)
            .then(this,
                  [acknowledged, finish](const Alert&) {
                      ++*acknowledged;
                      finish();
                  })
            .onFailed(this, [this, finish](const std::exception& error) {
                reportFailure(u"Could not acknowledge the alert"_s, error);
                finish();
            });
    }
}

std::optional<AlertRule> AlertsPage::selectedRule() const
{
    const QModelIndexList rows = m_rulesTable->selectionModel()->selectedRows();
    if (rows.size() != 1 || rows.constFirst().row() >= m_rules.size())
        return std::nullopt;
    return m_rules.at(rows.constFirst().row());
}

void AlertsPage::updateRuleButtons()
{
    const bool selected = selectedRule().has_value();
    m_editRuleButton->setEnabled(selected);
    m_deleteRuleButton->setEnabled(selected);
}

void AlertsPage::openRuleDialog(const AlertRule& rule)
{
    // The key list as it is now, not as of the last reload: a key created a moment ago counts.
    m_store.listKeys()
        .then(this,
              [this, rule](const QList<ApiKeyRecord>& keys) {
                  applyKeys(keys);
                  auto* dialog = new AlertRuleDialog(keys, this);
                  dialog->setRule(rule);
                  // Kept until the store answers, so a refused rule reopens as it was typed.
                  connect(dialog, &QDialog::accepted, this, [this, dialog] { submitRule(dialog); });
                  connect(dialog, &QDialog::rejected, dialog, &QObject::deleteLater);
                  dialog->open();
              })
        .onFailed(this, [this](const std::exception& error) {
            reportFailure(u"Could not load the keys"_s, error);
        });
}

void AlertsPage::submitRule(AlertRuleDialog* dialog)
{
    const QPointer<AlertRuleDialog> guard(dialog);
    const bool adding = dialog->rule().id == 0;
    m_lifecycle.saveAlertRule(dialog->rule())
        .then(this,
              [this, guard, adding](const AlertRule& saved) {
                  if (guard)
                      guard->deleteLater();
                  loadRules();
                  Q_EMIT statusMessage(
                      (adding ? u"Added rule “%1”"_s : u"Saved rule “%1”"_s).arg(saved.describe()),
                      StatusMessageMs);
              })
        .onFailed(this, [guard](const std::exception& error) {
            if (!guard)
                return;
            guard->open();
            auto* box = new QMessageBox(QMessageBox::Warning, guard->windowTitle(),
                                        u"The rule was not saved."_s, QMessageBox::Ok, guard);
            box->setObjectName(u"ruleError"_s);
            box->setInformativeText(ErrorText::describe(error));
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        });
}

void AlertsPage::setRuleEnabled(QTableWidgetItem* item)
{
    if (item->column() != RuleEnabled || item->row() >= m_rules.size())
        return;
    AlertRule rule = m_rules.at(item->row());
    rule.enabled = item->checkState() == Qt::Checked;
    if (rule.enabled == m_rules.at(item->row()).enabled)
        return;
    m_rules[item->row()] = rule;
    m_lifecycle.saveAlertRule(rule)
        .then(this, [this](const AlertRule&) { loadRules(); })
        .onFailed(this, [this](const std::exception& error) {
            loadRules();
            reportFailure(u"Could not change the rule"_s, error);
        });
}

void AlertsPage::confirmDeleteRule()
{
    const std::optional<AlertRule> rule = selectedRule();
    if (!rule)
        return;
    auto* box = new QMessageBox(
        QMessageBox::Warning, u"Delete alert rule"_s,
        u"<p><b>Delete the rule “%1” (%2)?</b></p><p>Its open alerts are closed.</p>"_s.arg(
            rule->describe().toHtmlEscaped(), keyLabel(rule->keyId).toHtmlEscaped()),
        QMessageBox::Yes | QMessageBox::No, this);
    box->setObjectName(u"deleteRuleConfirm"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setTextFormat(Qt::RichText);
    box->button(QMessageBox::Yes)->setText(u"Delete"_s);
    box->setDefaultButton(QMessageBox::No);
    box->setEscapeButton(QMessageBox::No);
    const qint64 id = rule->id;
    const QString description = rule->describe();
    connect(box, &QMessageBox::finished, this, [this, box, id, description] {
        if (box->clickedButton() != box->button(QMessageBox::Yes))
            return;
        m_lifecycle.deleteAlertRule(id)
            .then(this,
                  [this, description] {
                      reload();
                      Q_EMIT statusMessage(u"Deleted rule “%1”"_s.arg(description),
                                           StatusMessageMs);
                  })
            .onFailed(this, [this](const std::exception& error) {
                reportFailure(u"Could not delete the rule"_s, error);
            });
    });
    box->open();
}

void AlertsPage::reportFailure(const QString& what, const std::exception& error)
{
    auto* box = new QMessageBox(QMessageBox::Warning, u"Alerts"_s, what, QMessageBox::Ok, this);
    box->setObjectName(u"alertsError"_s);
    box->setInformativeText(ErrorText::describe(error));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}
