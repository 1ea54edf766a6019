#include "AlertMonitor.h"
#include "AlertRuleDialog.h"
#include "AlertTableModel.h"
#include "AlertsPage.h"
#include "GuiTest.h"
#include "KeyStore.h"
#include "LifecycleStore.h"
#include "MainWindow.h"
#include "ManualClock.h"
#include "SecretVault.h"
#include "SqliteStore.h"
#include "TestSupport.h"
#include "UiSettings.h"
#include "UsageStore.h"
#include "UsdAmount.h"
#include "UtcTime.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QIcon>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 DayMs = 86'400'000;
const qint64 Start = *UtcTime::parseRfc3339(u"2026-03-02T10:00:00Z");

struct Notification
{
    QString title;
    QString message;
};

struct Row
{
    QString severity;
    QString key;
    QString message;
    QString status;
};

} // namespace

class TestAlertsPage : public QObject
{
    Q_OBJECT

private:
    ApiKeyRecord createKey(const QString& label, std::optional<qint64> quotaMicros,
                           std::optional<qint64> expiresAtMs = std::nullopt)
    {
        KeySpec spec;
        spec.label = label;
        spec.environment = u"prod"_s;
        spec.quotaLimitMicros = quotaMicros;
        spec.expiresAtMs = expiresAtMs;
        QFuture<CreatedKey> created = m_store->keys().createKey(spec);
        if (!waitForFuture(created) || created.isCanceled())
            return {};
        return created.result().record;
    }

    bool spend(const QString& keyId, qint64 micros)
    {
        UsageEvent event;
        event.timeMs = m_clock.nowUtcMs();
        event.key = keyId;
        event.model = u"gpt-4o-mini"_s;
        event.endpoint = u"/v1/chat/completions"_s;
        event.promptTokens = 1000;
        event.completionTokens = 200;
        event.costMicros = micros;
        event.requestId = u"req-%1"_s.arg(++m_requests);
        QFuture<qint64> recorded = m_store->usage().recordUsage({event});
        return waitForFuture(recorded) && recorded.result() == 1;
    }

    // The monitor looks at the alerts, which the store evaluates as it lists them.
    bool evaluateNow()
    {
        const int before = m_monitor->checkCount();
        m_monitor->checkNow();
        return QTest::qWaitFor([&] { return m_monitor->checkCount() > before; }, 10'000);
    }

    QList<Alert> storedAlerts(bool includeCleared)
    {
        QFuture<QList<Alert>> alerts = m_store->lifecycle().alerts(includeCleared);
        if (!waitForFuture(alerts))
            return {};
        return alerts.result();
    }

    QList<Row> rows(const QString& keyLabel = QString()) const
    {
        QList<Row> result;
        const QAbstractItemModel* model = m_table->model();
        for (int row = 0; row < model->rowCount(); ++row) {
            const auto text = [&](int column) {
                return model->index(row, column).data().toString();
            };
            if (!keyLabel.isEmpty() && text(AlertTableModel::Key) != keyLabel)
                continue;
            result << Row{text(AlertTableModel::Severity), text(AlertTableModel::Key),
                          text(AlertTableModel::Message), text(AlertTableModel::Status)};
        }
        return result;
    }

    QStringList statuses(const QString& keyLabel) const
    {
        QStringList result;
        for (const Row& row : rows(keyLabel))
            result << row.status;
        return result;
    }

    void selectAlertOf(const QString& keyLabel)
    {
        const QAbstractItemModel* model = m_table->model();
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->index(row, AlertTableModel::Key).data().toString() == keyLabel &&
                model->index(row, AlertTableModel::Status).data().toString() ==
                    u"Needs attention"_s) {
                m_table->selectRow(row);
                return;
            }
        }
        QFAIL("no open alert for that key");
    }

    int ruleRow(AlertRule::Kind kind)
    {
        const QList<AlertRule>& rules = m_page->rules();
        for (int row = 0; row < rules.size(); ++row) {
            if (rules.at(row).kind == kind)
                return row;
        }
        return -1;
    }

    QTemporaryDir m_dir;
    ManualClock m_clock{Start};
    std::unique_ptr<SqliteStore> m_store;
    std::unique_ptr<AlertsPage> m_page;
    std::unique_ptr<AlertMonitor> m_monitor;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    QTableView* m_table = nullptr;
    QList<Notification> m_notifications;
    bool m_inForeground = false;
    int m_requests = 0;
    ApiKeyRecord m_webKey;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = std::make_unique<SqliteStore>(m_dir.filePath(u"keys.sqlite"_s), m_clock,
                                                *QRandomGenerator::system());
        QFuture<void> opened = m_store->open();
        QVERIFY(waitForFuture(opened));
        m_page = std::make_unique<AlertsPage>(m_store->keys(), m_store->lifecycle(), m_clock);
        // Attached before the first load, so every reset the page causes is checked.
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_page->alertModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_monitor = std::make_unique<AlertMonitor>(
            m_store->lifecycle(), m_store->keys(), m_store->usage(), m_clock,
            [this](const QString& title, const QString& message) {
                m_notifications << Notification{title, message};
            },
            [this] { return m_inForeground; });
        m_table = GuiTest::child<QTableView>(m_page.get(), u"alertsTable"_s);
        QVERIFY(m_table);
        m_page->resize(1100, 700);
        m_page->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    }

    void newStoreListsTheDefaultRulesAndNoAlerts()
    {
        auto* rules = GuiTest::child<QTableWidget>(m_page.get(), u"rulesTable"_s);
        QTRY_COMPARE(rules->rowCount(), 4);
        QStringList described;
        for (int row = 0; row < rules->rowCount(); ++row) {
            described << rules->item(row, AlertsPage::RuleDescription)->text();
            QCOMPARE(rules->item(row, AlertsPage::RuleKey)->text(), u"All keys"_s);
            QCOMPARE(rules->item(row, AlertsPage::RuleEnabled)->checkState(), Qt::Checked);
        }
        described.sort();
        QCOMPARE(described,
                 (QStringList{u"Expiring within 14 days"_s, u"Quota used up or spend cap reached"_s,
                              u"Rotated key not yet revoked (7 days of grace)"_s,
                              u"Rotation due after 90 days"_s}));
        QTRY_VERIFY(m_monitor->checkCount() >= 1);
        QCOMPARE(m_page->alertModel()->rowCount(), 0);
        auto* empty = GuiTest::child<QLabel>(m_page.get(), u"alertsEmptyLabel"_s);
        QVERIFY(empty->isVisible());
        QVERIFY(empty->text().startsWith(u"Nothing needs attention"));
        QVERIFY(!GuiTest::child<QPushButton>(m_page.get(), u"acknowledgeButton"_s)->isEnabled());
        QVERIFY(!GuiTest::child<QPushButton>(m_page.get(), u"deleteRuleButton"_s)->isEnabled());
    }

    void ruleEditorValidatesTheThresholdInTheKindsUnit()
    {
        const ApiKeyRecord key = createKey(u"batch-jobs"_s, std::nullopt);
        QVERIFY(!key.id.isEmpty());
        AlertRuleDialog dialog({key});
        QCOMPARE(dialog.objectName(), u"alertRuleDialog"_s);
        auto* kind = GuiTest::child<QComboBox>(&dialog, u"kindCombo"_s);
        auto* threshold = GuiTest::child<QLineEdit>(&dialog, u"thresholdEdit"_s);
        auto* error = GuiTest::child<QLabel>(&dialog, u"thresholdError"_s);
        auto* prefix = GuiTest::child<QLabel>(&dialog, u"thresholdPrefix"_s);
        auto* suffix = GuiTest::child<QLabel>(&dialog, u"thresholdSuffix"_s);
        auto* keys = GuiTest::child<QComboBox>(&dialog, u"keyCombo"_s);
        QVERIFY(kind && threshold && error && prefix && suffix && keys);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));

        // A percentage by default.
        QCOMPARE(AlertRule::Kind(kind->currentData().toInt()),
                 AlertRule::Kind::QuotaRemainingBelowPercent);
        QVERIFY(suffix->isVisible() && suffix->text().startsWith(u'%'));
        QVERIFY(!prefix->isVisible());
        QVERIFY(dialog.acceptButton()->isEnabled());
        threshold->setText(u"150"_s);
        QVERIFY(error->isVisible());
        QCOMPARE(error->text(), u"The percentage must be from 1 to 99"_s);
        QVERIFY(!dialog.acceptButton()->isEnabled());
        threshold->setText(u"a lot"_s);
        QCOMPARE(error->text(), u"Enter a whole number"_s);
        QVERIFY(!dialog.acceptButton()->isEnabled());
        threshold->setText(u"25"_s);
        QVERIFY(!error->isVisible());
        QVERIFY(dialog.acceptButton()->isEnabled());
        QCOMPARE(dialog.rule().threshold, 25);

        // Money: a dollar prefix, amounts in micro-USD.
        kind->setCurrentIndex(kind->findData(int(AlertRule::Kind::SpendPerDayAbove)));
        QVERIFY(prefix->isVisible());
        QCOMPARE(prefix->text(), u"$"_s);
        QVERIFY(!suffix->isVisible());
        QVERIFY(dialog.acceptButton()->isEnabled()); // a sensible default amount
        threshold->setText(u"0"_s);
        QCOMPARE(error->text(), u"The amount must be above $0"_s);
        QVERIFY(!dialog.acceptButton()->isEnabled());
        threshold->setText(u"-5"_s);
        QVERIFY(error->isVisible());
        QVERIFY(!dialog.acceptButton()->isEnabled());
        threshold->setText(u"2.50"_s);
        QVERIFY(dialog.acceptButton()->isEnabled());
        QCOMPARE(dialog.rule().threshold, 2'500'000);

        // Days.
        kind->setCurrentIndex(kind->findData(int(AlertRule::Kind::ExpiringWithinDays)));
        QCOMPARE(suffix->text(), u"days"_s);
        threshold->setText(u"0"_s);
        QCOMPARE(error->text(), u"The number of days must be from 1 to 3650"_s);
        QVERIFY(!dialog.acceptButton()->isEnabled());
        threshold->setText(u"30"_s);
        QVERIFY(dialog.acceptButton()->isEnabled());

        QCOMPARE(keys->itemText(0), u"All keys"_s);
        QCOMPARE(dialog.rule().keyId, QString());
        keys->setCurrentIndex(keys->findText(u"batch-jobs"_s));
        const AlertRule rule = dialog.rule();
        QCOMPARE(rule.kind, AlertRule::Kind::ExpiringWithinDays);
        QCOMPARE(rule.threshold, 30);
        QCOMPARE(rule.keyId, key.id);
        QVERIFY(rule.validate().isEmpty());
    }

    void quotaRuleFiresOnceAndNotifiesInTheBackground()
    {
        m_webKey = createKey(u"prod-web-app"_s, 10 * UsdAmount::MicrosPerUsd);
        QVERIFY(!m_webKey.id.isEmpty());

        // Added through the page, watching that one key.
        QTest::mouseClick(GuiTest::child<QPushButton>(m_page.get(), u"addRuleButton"_s),
                          Qt::LeftButton);
        AlertRuleDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = m_page->findChild<AlertRuleDialog*>(u"alertRuleDialog"_s)));
        auto* kind = GuiTest::child<QComboBox>(dialog, u"kindCombo"_s);
        kind->setCurrentIndex(kind->findData(int(AlertRule::Kind::QuotaRemainingBelowUsd)));
        GuiTest::child<QLineEdit>(dialog, u"thresholdEdit"_s)->setText(u"5"_s);
        auto* keys = GuiTest::child<QComboBox>(dialog, u"keyCombo"_s);
        QVERIFY(keys->findText(u"prod-web-app"_s) > 0);
        keys->setCurrentIndex(keys->findText(u"prod-web-app"_s));
        QTest::mouseClick(dialog->acceptButton(), Qt::LeftButton);
        QTRY_VERIFY(ruleRow(AlertRule::Kind::QuotaRemainingBelowUsd) >= 0);
        auto* rules = GuiTest::child<QTableWidget>(m_page.get(), u"rulesTable"_s);
        const int row = ruleRow(AlertRule::Kind::QuotaRemainingBelowUsd);
        QCOMPARE(rules->item(row, AlertsPage::RuleDescription)->text(),
                 u"Quota remaining below $5.00"_s);
        QCOMPARE(rules->item(row, AlertsPage::RuleKey)->text(), u"prod-web-app"_s);

        // $6 of $10 spent: $4 left, below $5. The window is in the background.
        m_inForeground = false;
        QVERIFY(spend(m_webKey.id, 6 * UsdAmount::MicrosPerUsd));
        QTRY_COMPARE(rows(u"prod-web-app"_s).size(), 1);
        const Row raised = rows(u"prod-web-app"_s).constFirst();
        QCOMPARE(raised.status, u"Needs attention"_s);
        // The Key column names the key; the message does not repeat it.
        QCOMPARE(raised.message, u"Quota remaining $4.00 (below $5.00)"_s);
        QTRY_COMPARE(m_notifications.size(), 1);
        QCOMPARE(m_notifications.constFirst().title, u"KeyDeck alert"_s);
        QCOMPARE(m_notifications.constFirst().message,
                 u"prod-web-app: quota remaining $4.00 (below $5.00)"_s);
        QCOMPARE(m_page->attentionCount(), 1);

        // Still below: more spend and more evaluations raise nothing new.
        QVERIFY(spend(m_webKey.id, UsdAmount::MicrosPerUsd));
        QVERIFY(evaluateNow());
        QVERIFY(evaluateNow());
        QCOMPARE(storedAlerts(true).size(), 1);
        QCOMPARE(rows(u"prod-web-app"_s).size(), 1);
        QTRY_COMPARE(m_notifications.size(), 1);
    }

    void acknowledgedAlertStaysSilent()
    {
        auto* acknowledge = GuiTest::child<QPushButton>(m_page.get(), u"acknowledgeButton"_s);
        QVERIFY(!acknowledge->isEnabled());
        selectAlertOf(u"prod-web-app"_s);
        QVERIFY(acknowledge->isEnabled());
        QTest::mouseClick(acknowledge, Qt::LeftButton);
        QTRY_COMPARE(statuses(u"prod-web-app"_s), QStringList{u"Acknowledged"_s});
        QCOMPARE(m_page->attentionCount(), 0);
        QVERIFY(!acknowledge->isEnabled());

        QVERIFY(spend(m_webKey.id, UsdAmount::MicrosPerUsd));
        QVERIFY(evaluateNow());
        QCOMPARE(storedAlerts(true).size(), 1);
        QTRY_COMPARE(m_notifications.size(), 1);
        QCOMPARE(statuses(u"prod-web-app"_s), QStringList{u"Acknowledged"_s});
    }

    void clearedConditionThatReturnsRaisesANewAlert()
    {
        // A bigger quota: $92 of $100 left, the condition clears.
        KeySpec spec = m_webKey.spec;
        spec.quotaLimitMicros = 100 * UsdAmount::MicrosPerUsd;
        QFuture<ApiKeyRecord> updated = m_store->keys().updateKey(m_webKey.id, spec);
        QVERIFY(waitForFuture(updated));
        QTRY_VERIFY(rows(u"prod-web-app"_s).isEmpty());
        auto* showCleared = GuiTest::child<QCheckBox>(m_page.get(), u"showClearedCheck"_s);
        showCleared->setChecked(true);
        QTRY_COMPARE(statuses(u"prod-web-app"_s), QStringList{u"Cleared"_s});

        // It returns while the user is looking: a new alert, but no desktop notification.
        m_inForeground = true;
        QVERIFY(spend(m_webKey.id, 90 * UsdAmount::MicrosPerUsd));
        QTRY_COMPARE(rows(u"prod-web-app"_s).size(), 2);
        QStringList both = statuses(u"prod-web-app"_s);
        both.sort();
        QCOMPARE(both, (QStringList{u"Cleared"_s, u"Needs attention"_s}));
        QCOMPARE(storedAlerts(false).size(), 1);
        // The monitor has looked while the user was looking.
        QVERIFY(evaluateNow());
        QCOMPARE(m_notifications.size(), 1);
        QCOMPARE(m_page->attentionCount(), 1);

        // The newest first; sorting by status puts what needs attention on top.
        QCOMPARE(rows(u"prod-web-app"_s).constFirst().status, u"Needs attention"_s);
        m_table->sortByColumn(AlertTableModel::Status, Qt::DescendingOrder);
        QCOMPARE(rows(u"prod-web-app"_s).constFirst().status, u"Cleared"_s);
        m_table->sortByColumn(AlertTableModel::Raised, Qt::DescendingOrder);
        showCleared->setChecked(false);
        QTRY_COMPARE(statuses(u"prod-web-app"_s), QStringList{u"Needs attention"_s});
    }

    void expiryAndRotationFollowTheClock()
    {
        m_inForeground = false;
        const ApiKeyRecord ci = createKey(u"ci-tests"_s, std::nullopt, Start + 20 * DayMs);
        QVERIFY(!ci.id.isEmpty());
        QVERIFY(evaluateNow());
        QVERIFY(rows(u"ci-tests"_s).isEmpty());

        // A week on, the expiry is 13 days away: within the default 14.
        m_clock.advanceMs(7 * DayMs);
        QVERIFY(evaluateNow());
        QTRY_COMPARE(rows(u"ci-tests"_s).size(), 1);
        QCOMPARE(rows(u"ci-tests"_s).constFirst().message, u"Expires in 13 days"_s);
        QTRY_COMPARE(m_notifications.size(), 2);
        QCOMPARE(m_notifications.constLast().message, u"ci-tests: expires in 13 days"_s);

        // 90 days after creation every key is due for rotation; the expired one's expiry alert
        // cleared. One notification for all of them.
        m_clock.advanceMs(83 * DayMs);
        QVERIFY(evaluateNow());
        QTRY_VERIFY(rows(u"batch-jobs"_s).size() == 1);
        QTRY_COMPARE(rows(u"ci-tests"_s).size(), 1);
        QCOMPARE(rows(u"ci-tests"_s).constFirst().message,
                 u"Created 90 days ago, rotation is due (every 90 days)"_s);
        QCOMPARE(rows(u"prod-web-app"_s).size(), 2); // quota and rotation
        QTRY_COMPARE(m_notifications.size(), 3);
        QCOMPARE(m_notifications.constLast().title, u"KeyDeck: 3 alerts need attention"_s);
        QCOMPARE(m_notifications.constLast().message.count(u'\n'), 2);
        QCOMPARE(m_page->attentionCount(), 4);
    }

    void enablingAndDeletingRules()
    {
        auto* rules = GuiTest::child<QTableWidget>(m_page.get(), u"rulesTable"_s);
        const int rotation = ruleRow(AlertRule::Kind::RotationDue);
        QVERIFY(rotation >= 0);

        // Unchecked: the rule is stored disabled, and its alerts clear at the next evaluation.
        rules->item(rotation, AlertsPage::RuleEnabled)->setCheckState(Qt::Unchecked);
        QTRY_VERIFY(!m_page->rules().at(rotation).enabled);
        QFuture<QList<AlertRule>> stored = m_store->lifecycle().alertRules();
        QVERIFY(waitForFuture(stored));
        QVERIFY(!stored.result().at(rotation).enabled);
        QTRY_VERIFY(rows(u"batch-jobs"_s).isEmpty());
        QCOMPARE(m_page->attentionCount(), 1);

        // Delete asks first, with No as the default.
        rules->selectRow(ruleRow(AlertRule::Kind::QuotaRemainingBelowUsd));
        auto* remove = GuiTest::child<QPushButton>(m_page.get(), u"deleteRuleButton"_s);
        QVERIFY(remove->isEnabled());
        QTest::mouseClick(remove, Qt::LeftButton);
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = m_page->findChild<QMessageBox*>(u"deleteRuleConfirm"_s)));
        QCOMPARE(box->defaultButton(), box->button(QMessageBox::No));
        QVERIFY(box->text().contains(u"Quota remaining below $5.00"));
        QTest::mouseClick(box->button(QMessageBox::No), Qt::LeftButton);
        QTRY_VERIFY(!m_page->findChild<QMessageBox*>(u"deleteRuleConfirm"_s));
        QVERIFY(ruleRow(AlertRule::Kind::QuotaRemainingBelowUsd) >= 0);

        QTest::mouseClick(remove, Qt::LeftButton);
        QTRY_VERIFY((box = m_page->findChild<QMessageBox*>(u"deleteRuleConfirm"_s)));
        QTest::mouseClick(box->button(QMessageBox::Yes), Qt::LeftButton);
        QTRY_COMPARE(ruleRow(AlertRule::Kind::QuotaRemainingBelowUsd), -1);
        // Its open alert closed with it.
        QTRY_VERIFY(rows(u"prod-web-app"_s).isEmpty());
        QCOMPARE(m_page->attentionCount(), 0);
        QVERIFY(GuiTest::child<QLabel>(m_page.get(), u"alertsEmptyLabel"_s)->isVisible());
    }

    void sidebarCountsAlertsNeedingAttention()
    {
        // Rotation back on: three keys due again.
        auto* rules = GuiTest::child<QTableWidget>(m_page.get(), u"rulesTable"_s);
        rules->item(ruleRow(AlertRule::Kind::RotationDue), AlertsPage::RuleEnabled)
            ->setCheckState(Qt::Checked);
        QVERIFY(QTest::qWaitFor([&] { return storedAlerts(false).size() == 3; }, 10'000));

        SecretVault vault(u"KeyDeckAlertsTest-%1"_s.arg(QRandomGenerator::system()->generate()));
        QSettings settings(m_dir.filePath(u"ui.ini"_s), QSettings::IniFormat);
        UiSettings ui(settings);
        MainWindow window(m_store->keys(), m_store->usage(), m_store->lifecycle(), vault, m_clock,
                          ui);
        auto* sidebar = GuiTest::child<QListWidget>(&window, u"sidebar"_s);
        QVERIFY(sidebar);
        QStringList pages;
        for (int i = 0; i < sidebar->count(); ++i)
            pages << sidebar->item(i)->text().section(u" ("_s, 0, 0);
        const int alertsRow = int(pages.indexOf(u"Alerts"_s));
        QCOMPARE(pages.indexOf(u"Usage"_s) + 1, alertsRow);
        QCOMPARE(alertsRow + 1, pages.indexOf(u"Settings"_s));
        QListWidgetItem* alerts = sidebar->item(alertsRow);
        QTRY_COMPARE_WITH_TIMEOUT(alerts->text(), u"Alerts (3)"_s, 15'000);
        QCOMPARE(alerts->toolTip(), u"3 alerts need attention"_s);

        // Acknowledged here, the window's own page hears of it from the store.
        for (const Alert& alert : storedAlerts(false)) {
            QFuture<Alert> acknowledged = m_store->lifecycle().acknowledgeAlert(alert.id);
            QVERIFY(waitForFuture(acknowledged));
        }
        QTRY_COMPARE_WITH_TIMEOUT(alerts->text(), u"Alerts"_s, 15'000);
        QTRY_COMPARE(m_page->attentionCount(), 0);
    }

    void severityShowsAndAnAlertThatGrowsWorseNotifiesAgain()
    {
        m_inForeground = false;
        const ApiKeyRecord billing = createKey(u"billing-api"_s, 10 * UsdAmount::MicrosPerUsd);
        QVERIFY(!billing.id.isEmpty());
        AlertRule nearly;
        nearly.kind = AlertRule::Kind::LimitUsedPercent;
        nearly.threshold = 80;
        nearly.keyId = billing.id;
        QFuture<AlertRule> saved = m_store->lifecycle().saveAlertRule(nearly);
        QVERIFY(waitForFuture(saved));
        const qsizetype notified = m_notifications.size();

        QVERIFY(spend(billing.id, 8 * UsdAmount::MicrosPerUsd + UsdAmount::MicrosPerUsd / 2));
        QVERIFY(evaluateNow());
        QTRY_COMPARE(rows(u"billing-api"_s).size(), 1);
        QCOMPARE(rows(u"billing-api"_s).constFirst().severity, u"Warning"_s);
        QCOMPARE(rows(u"billing-api"_s).constFirst().message,
                 u"85% of the quota used ($8.50 of $10.00)"_s);
        QTRY_COMPARE(m_notifications.size(), notified + 1);
        const auto alertOfRule = [&]() -> std::optional<Alert> {
            for (const Alert& alert : storedAlerts(false)) {
                if (alert.ruleId == saved.result().id)
                    return alert;
            }
            return std::nullopt;
        };
        const std::optional<Alert> warning = alertOfRule();
        QVERIFY(warning);
        const auto severityCell = [&] {
            const QAbstractItemModel* model = m_table->model();
            for (int row = 0; row < model->rowCount(); ++row) {
                if (model->index(row, AlertTableModel::Key).data().toString() == u"billing-api"_s)
                    return model->index(row, AlertTableModel::Severity);
            }
            return QModelIndex();
        };
        // The dot beside the severity, in its colour.
        const auto dotColor = [&] {
            return severityCell()
                .data(Qt::DecorationRole)
                .value<QIcon>()
                .pixmap(QSize(32, 32))
                .toImage()
                .pixelColor(16, 16);
        };
        QCOMPARE(dotColor(), AlertTableModel::severityColor(Alert::Severity::Warning));
        selectAlertOf(u"billing-api"_s);
        QTest::mouseClick(GuiTest::child<QPushButton>(m_page.get(), u"acknowledgeButton"_s),
                          Qt::LeftButton);
        QTRY_COMPARE(statuses(u"billing-api"_s), QStringList{u"Acknowledged"_s});
        // Silenced: grey, whatever the severity.
        QCOMPARE(dotColor(), AlertTableModel::SilencedColor);

        // Used up: the same alert turns critical, needs attention and is notified again, beside
        // the new store's own "quota used up" alert.
        QVERIFY(spend(billing.id, 2 * UsdAmount::MicrosPerUsd));
        QVERIFY(evaluateNow());
        QTRY_COMPARE(statuses(u"billing-api"_s),
                     (QStringList{u"Needs attention"_s, u"Needs attention"_s}));
        const QString usedUp =
            u"Quota used up ($10.50 of $10.00), requests get 402 insufficient_quota"_s;
        for (const Row& row : rows(u"billing-api"_s)) {
            QCOMPARE(row.severity, u"Critical"_s);
            QCOMPARE(row.message, usedUp);
        }
        QCOMPARE(dotColor(), AlertTableModel::severityColor(Alert::Severity::Critical));
        const std::optional<Alert> escalated = alertOfRule();
        QVERIFY(escalated);
        QCOMPARE(escalated->id, warning->id);
        QCOMPARE(escalated->raisedAtMs, warning->raisedAtMs);
        QCOMPARE(escalated->severity, Alert::Severity::Critical);
        QTRY_COMPARE(m_notifications.size(), notified + 2);
        QCOMPARE(m_notifications.constLast().title, u"KeyDeck: 2 alerts need attention"_s);
        QCOMPARE(m_notifications.constLast().message.count(u"billing-api: quota used up"_s), 2);
        QCOMPARE(m_page->attentionCount(), 2);

        // Sorted by severity, the most severe come first.
        m_table->sortByColumn(AlertTableModel::Severity, Qt::DescendingOrder);
        const QAbstractItemModel* model = m_table->model();
        for (int row = 1; row < model->rowCount(); ++row) {
            QVERIFY(model->index(row - 1, AlertTableModel::Severity)
                        .data(AlertTableModel::RawValueRole)
                        .toInt() >= model->index(row, AlertTableModel::Severity)
                                        .data(AlertTableModel::RawValueRole)
                                        .toInt());
        }
        QCOMPARE(model->index(0, AlertTableModel::Severity).data().toString(), u"Critical"_s);
    }
};

QTEST_MAIN(TestAlertsPage)
#include "tst_alertspage.moc"
