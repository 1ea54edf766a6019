#include "ApiKeyFormat.h"
#include "ApiKeysPage.h"
#include "EnvExportDialog.h"
#include "GuiTest.h"
#include "HelpWindow.h"
#include "KeyDetailsDialog.h"
#include "KeyEditorDialog.h"
#include "KeyFilterProxyModel.h"
#include "KeyStore.h"
#include "KeyTableModel.h"
#include "LifecycleStore.h"
#include "MainWindow.h"
#include "ManualClock.h"
#include "SecretVault.h"
#include "ShowOnceDialog.h"
#include "SqliteStore.h"
#include "TestSupport.h"
#include "UiSettings.h"
#include "UsagePage.h"
#include "UsageStore.h"
#include "UsdAmount.h"
#include "UtcTime.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDirIterator>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTimer>
#include <QWizard>
#include <memory>

using namespace Qt::StringLiterals;

class TestApiKeysPage : public QObject
{
    Q_OBJECT

private:
    void answerNextModal(GuiTest::ModalAnswer* answer, QMessageBox::StandardButton button)
    {
        GuiTest::answerNextModal(this, answer, button);
    }

    QTableView* table() const { return m_page->findChild<QTableView*>(u"keysTable"_s); }
    QAbstractItemModel* proxy() const { return table()->model(); }
    QAction* action(const QString& name) const { return m_page->findChild<QAction*>(name); }

    int rowOf(const QString& label) const
    {
        for (int row = 0; row < proxy()->rowCount(); ++row) {
            if (proxy()->index(row, KeyTableModel::Label).data().toString() == label)
                return row;
        }
        return -1;
    }

    QString cellOf(const QString& label, int column) const
    {
        const int row = rowOf(label);
        return row < 0 ? QString() : proxy()->index(row, column).data().toString();
    }

    void select(const QString& label)
    {
        const int row = rowOf(label);
        QVERIFY(row >= 0);
        table()->selectionModel()->setCurrentIndex(proxy()->index(row, 0),
                                                   QItemSelectionModel::ClearAndSelect |
                                                       QItemSelectionModel::Rows);
    }

    ApiKeyRecord storedKey(const QString& id)
    {
        return TestSupport::valueOf(m_store->keys().findKey(id), u"findKey(%1)"_s.arg(id))
            .value_or(ApiKeyRecord{});
    }

    bool secretIsGone(const QString& vaultEntry)
    {
        QFuture<QString> read = m_vault->readSecret(vaultEntry, {});
        if (!waitForFuture(read))
            return false;
        try {
            read.result();
        } catch (const SecretVault::Error& error) {
            return error.code() == SecretVault::Error::Code::NotFound;
        }
        return false;
    }

    QString createInStore(const QString& label, const QString& environment)
    {
        KeySpec spec;
        spec.label = label;
        spec.environment = environment;
        QFuture<CreatedKey> created = m_store->keys().createKey(spec);
        if (!waitForFuture(created) || created.isCanceled())
            return {};
        return created.result().record.id;
    }

    QTemporaryDir m_dir;
    ManualClock m_clock{*UtcTime::parseRfc3339(u"2026-03-01T10:00:00Z")};
    std::unique_ptr<SqliteStore> m_store;
    std::unique_ptr<SecretIndex> m_index;
    std::unique_ptr<SecretVault> m_vault;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<UiSettings> m_uiSettings;
    std::unique_ptr<MainWindow> m_window;
    ApiKeysPage* m_page = nullptr;
    std::unique_ptr<QAbstractItemModelTester> m_sourceTester;
    std::unique_ptr<QAbstractItemModelTester> m_proxyTester;
    QString m_generatedId;
    QString m_secret;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = std::make_unique<SqliteStore>(m_dir.filePath(u"keys.sqlite"_s), m_clock,
                                                *QRandomGenerator::system());
        QFuture<void> opened = m_store->open();
        QVERIFY(waitForFuture(opened));
        m_index = std::make_unique<SecretIndex>(m_dir.filePath(u"secrets.entries"_s), m_clock);
        m_vault = std::make_unique<SecretVault>(
            u"KeyDeckGuiTest-%1"_s.arg(QRandomGenerator::system()->generate()));
        m_vault->setIndex(m_index.get());
        m_settings = std::make_unique<QSettings>(m_dir.filePath(u"ui.ini"_s), QSettings::IniFormat);
        m_uiSettings = std::make_unique<UiSettings>(*m_settings);
        m_window =
            std::make_unique<MainWindow>(m_store->keys(), m_store->usage(), m_store->lifecycle(),
                                         *m_vault, m_clock, *m_uiSettings);
        m_page = m_window->findChild<ApiKeysPage*>(u"apiKeysPage"_s);
        QVERIFY(m_page);
        // Attached before the first load arrives, so loading, filtering and sorting are all
        // checked.
        auto* keyProxy = qobject_cast<KeyFilterProxyModel*>(proxy());
        QVERIFY(keyProxy);
        m_proxyTester = std::make_unique<QAbstractItemModelTester>(
            keyProxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_sourceTester = std::make_unique<QAbstractItemModelTester>(
            keyProxy->sourceModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_window->show();
        QApplication::setActiveWindow(m_window.get());
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    }

    void showsEmptyStateStoreAndKeychain()
    {
        QCOMPARE(m_window->objectName(), u"mainWindow"_s);
        QCOMPARE(m_window->windowTitle(), u"KeyDeck"_s);
        auto* empty = GuiTest::child<QWidget>(m_page, u"emptyState"_s);
        QTRY_VERIFY(empty->isVisible());
        QVERIFY(!table()->isVisible());
        QVERIFY(!GuiTest::child<QLineEdit>(m_page, u"searchEdit"_s)->isVisible());
        QVERIFY(GuiTest::child<QLabel>(m_window.get(), u"storeLocationLabel"_s)
                    ->text()
                    .contains(m_dir.path()));
        QTRY_COMPARE(GuiTest::child<QLabel>(m_window.get(), u"keychainStatusLabel"_s)->text(),
                     u"Keychain: available"_s);
        // Only pages that work are listed.
        auto* sidebar = GuiTest::child<QListWidget>(m_window.get(), u"sidebar"_s);
        QStringList pages;
        for (int i = 0; i < sidebar->count(); ++i)
            pages << sidebar->item(i)->text();
        QCOMPARE(pages, (QStringList{u"API Keys"_s, u"Usage"_s, u"Alerts"_s, u"Settings"_s}));
        // Nothing selected yet: only Generate makes sense.
        QVERIFY(action(u"actionGenerateKey"_s)->isEnabled());
        for (const QString& name : {u"actionCopyKey"_s, u"actionEditKey"_s, u"actionRotateKey"_s,
                                    u"actionRevokeKey"_s, u"actionDeleteKey"_s})
            QVERIFY2(!action(name)->isEnabled(), qPrintable(name));
    }

    void generateNewKeyShowsTheSecretOnce()
    {
        action(u"actionGenerateKey"_s)->trigger();
        QTRY_VERIFY(GuiTest::visibleTopLevel<KeyEditorDialog>());
        KeyEditorDialog* editor = GuiTest::visibleTopLevel<KeyEditorDialog>();
        auto* create = GuiTest::child<QPushButton>(editor, u"createButton"_s);
        QVERIFY(!create->isEnabled()); // the label is required
        QTest::keyClicks(GuiTest::child<QLineEdit>(editor, u"labelEdit"_s), u"prod-web-app"_s);
        auto* environment = GuiTest::child<QComboBox>(editor, u"environmentCombo"_s);
        environment->setCurrentIndex(environment->findText(u"prod"_s));
        // The tier is chosen on purpose: nothing gets Free's 5 requests a minute by default.
        QVERIFY(!create->isEnabled());
        auto* tier = GuiTest::child<QComboBox>(editor, u"tierCombo"_s);
        tier->setCurrentIndex(tier->findData(int(Tier::Free)));
        QTRY_VERIFY(create->isEnabled());
        QTest::mouseClick(create, Qt::LeftButton);

        QTRY_VERIFY(GuiTest::visibleTopLevel<ShowOnceDialog>());
        QPointer<ShowOnceDialog> shown = GuiTest::visibleTopLevel<ShowOnceDialog>();
        m_secret = GuiTest::child<QLineEdit>(shown, u"secretField"_s)->text();
        QVERIFY2(ApiKeyFormat::isWellFormed(m_secret), qPrintable(m_secret.left(3)));
        QTRY_VERIFY(
            GuiTest::child<QLabel>(shown, u"keychainStatus"_s)->text().startsWith(u"Saved"));
        auto* done = GuiTest::child<QPushButton>(shown, u"doneButton"_s);
        QVERIFY(!done->isEnabled());
        auto* stored = GuiTest::child<QCheckBox>(shown, u"storedCheck"_s);
        stored->setFocus();
        QTest::keyClick(stored, Qt::Key_Space);
        QVERIFY(stored->isChecked());
        QTest::mouseClick(done, Qt::LeftButton);
        QTRY_VERIFY(!shown);

        QTRY_VERIFY(table()->isVisible());
        QTRY_VERIFY(rowOf(u"prod-web-app"_s) >= 0);
        const QString shownKey = cellOf(u"prod-web-app"_s, KeyTableModel::Key);
        QCOMPARE(shownKey, ApiKeyFormat::displayHint(m_secret));
        QVERIFY(!shownKey.contains(m_secret));
        QCOMPARE(cellOf(u"prod-web-app"_s, KeyTableModel::Environment), u"prod"_s);
        QCOMPARE(cellOf(u"prod-web-app"_s, KeyTableModel::Status), u"Active"_s);
        m_generatedId =
            proxy()->index(rowOf(u"prod-web-app"_s), 0).data(KeyTableModel::KeyIdRole).toString();
        QVERIFY(!m_generatedId.isEmpty());
        QCOMPARE(GuiTest::child<QLabel>(m_page, u"countLabel"_s)->text(), u"1 key"_s);
        // The new key is selected, ready for Copy.
        QVERIFY(action(u"actionCopyKey"_s)->isEnabled());

        QFuture<QString> read = m_vault->readSecret(storedKey(m_generatedId).vaultEntry,
                                                    ApiKeyFormat::digestHex(m_secret));
        QVERIFY(waitForFuture(read));
        QCOMPARE(read.result(), m_secret);

        // The store keeps digest and hint only: the secret is in no file it wrote.
        const QByteArray whole = m_secret.toUtf8();
        const QByteArray random =
            m_secret.mid(ApiKeyFormat::parse(m_secret)->prefix.size(), ApiKeyFormat::RandomLength)
                .toUtf8();
        int files = 0;
        QDirIterator it(m_dir.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray bytes = file.readAll();
            QVERIFY2(!bytes.contains(whole), qPrintable(file.fileName()));
            QVERIFY2(!bytes.contains(random), qPrintable(file.fileName()));
            ++files;
        }
        QVERIFY(files >= 1);
    }

    void shortcutsOpenGenerateAndSearch()
    {
        QApplication::setActiveWindow(m_window.get());
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier);
        QTRY_VERIFY(GuiTest::visibleTopLevel<KeyEditorDialog>());
        QPointer<KeyEditorDialog> dialog = GuiTest::visibleTopLevel<KeyEditorDialog>();
        dialog->reject();
        QTRY_VERIFY(!dialog);

        QApplication::setActiveWindow(m_window.get());
        QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(GuiTest::child<QLineEdit>(m_page, u"searchEdit"_s)->hasFocus());
    }

    void copyKeyReadsTheKeychain()
    {
        QApplication::clipboard()->clear();
        select(u"prod-web-app"_s);
        action(u"actionCopyKey"_s)->trigger();
        QTRY_COMPARE(QApplication::clipboard()->text(), m_secret);
        QCOMPARE(m_window->statusBar()->currentMessage(),
                 u"Key copied — clipboard clears in 30 s"_s);

        // The Key column says whose secret is here before Copy is pressed.
        const auto keyCell = [this](const QString& label) {
            return proxy()->index(rowOf(label), KeyTableModel::Key);
        };
        const auto presenceOf = [&](const QString& label) {
            return SecretIndex::Presence(
                keyCell(label).data(KeyTableModel::SecretPresenceRole).toInt());
        };
        QCOMPARE(presenceOf(u"prod-web-app"_s), SecretIndex::Presence::Here);
        QVERIFY(!keyCell(u"prod-web-app"_s).data(Qt::DecorationRole).value<QIcon>().isNull());
        QVERIFY(keyCell(u"prod-web-app"_s)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(u"in this computer's keychain: Copy key puts it on the clipboard"));

        // A key made elsewhere (here: straight through the store) has no secret in this keychain:
        // it says so, greyed, and Copy is off with the reason.
        const QString elsewhere = createInStore(u"made-elsewhere"_s, u"dev"_s);
        QVERIFY(!elsewhere.isEmpty());
        QTRY_VERIFY(rowOf(u"made-elsewhere"_s) >= 0);
        QCOMPARE(presenceOf(u"made-elsewhere"_s), SecretIndex::Presence::NotHere);
        QVERIFY(keyCell(u"made-elsewhere"_s).data(Qt::DecorationRole).isNull());
        QCOMPARE(keyCell(u"made-elsewhere"_s).data(Qt::ForegroundRole).value<QColor>(),
                 QColor(0x80, 0x80, 0x80));
        select(u"made-elsewhere"_s);
        QVERIFY(!action(u"actionCopyKey"_s)->isEnabled());
        QCOMPARE(action(u"actionCopyKey"_s)->toolTip(), KeyTableModel::secretNotHereText());
        select(u"prod-web-app"_s);
        QVERIFY(action(u"actionCopyKey"_s)->isEnabled());

        // An index that is wrong (say, an entry deleted outside KeyDeck) is corrected by the read.
        const QString entry = storedKey(elsewhere).vaultEntry;
        m_index->recordPresent(entry);
        select(u"prod-web-app"_s);
        select(u"made-elsewhere"_s);
        QVERIFY(action(u"actionCopyKey"_s)->isEnabled());
        action(u"actionCopyKey"_s)->trigger();
        QTRY_VERIFY(m_page->findChild<QMessageBox*>(u"secretNotFound"_s));
        QPointer<QMessageBox> box = m_page->findChild<QMessageBox*>(u"secretNotFound"_s);
        QVERIFY(box->text().contains(u"not in this computer's keychain"));
        box->accept();
        QTRY_VERIFY(!box);
        QCOMPARE(presenceOf(u"made-elsewhere"_s), SecretIndex::Presence::NotHere);
        QVERIFY(!action(u"actionCopyKey"_s)->isEnabled());

        // What keydeckctl notes in the same file shows at the next reload.
        SecretIndex other(m_index->path(), m_clock);
        other.recordPresent(entry);
        m_page->reload();
        QTRY_COMPARE(presenceOf(u"made-elsewhere"_s), SecretIndex::Presence::Here);
        other.recordAbsent(entry);
        m_page->reload();
        QTRY_COMPARE(presenceOf(u"made-elsewhere"_s), SecretIndex::Presence::NotHere);
    }

    void exportEnvOpensTheDialogForTheSelection()
    {
        select(u"prod-web-app"_s);
        QVERIFY(action(u"actionExportEnv"_s)->isEnabled());
        action(u"actionExportEnv"_s)->trigger();
        QTRY_VERIFY(m_page->findChild<EnvExportDialog*>());
        QPointer<EnvExportDialog> dialog = m_page->findChild<EnvExportDialog*>();
        QTRY_VERIFY(dialog->isVisible());
        auto* names = dialog->findChild<QTableWidget*>(u"varNameTable"_s);
        QVERIFY(names);
        QCOMPARE(names->rowCount(), 1);
        dialog->reject();
        QTRY_VERIFY(!dialog);
    }

    void usageActionOpensTheUsagePageFilteredToTheKey()
    {
        select(u"prod-web-app"_s);
        QVERIFY(action(u"actionShowUsage"_s)->isEnabled());
        action(u"actionShowUsage"_s)->trigger();
        QTRY_COMPARE(m_window->findChild<QStackedWidget*>(u"pages"_s)->currentWidget(),
                     m_window->usagePage());
        QTRY_COMPARE(m_window->usagePage()->shownQuery().keyIds, QStringList{m_generatedId});
        m_window->findChild<QListWidget*>(u"sidebar"_s)->setCurrentRow(0);
        QTRY_COMPARE(m_window->findChild<QStackedWidget*>(u"pages"_s)->currentWidget(), m_page);
    }

    void revokeAsksAndDefaultsToNo()
    {
        select(u"prod-web-app"_s);
        QVERIFY(action(u"actionRevokeKey"_s)->isEnabled());
        QVERIFY(action(u"actionDisableKey"_s)->isEnabled());
        QVERIFY(!action(u"actionEnableKey"_s)->isEnabled());

        GuiTest::ModalAnswer answer;
        answerNextModal(&answer, QMessageBox::No);
        action(u"actionRevokeKey"_s)->trigger();
        QTRY_VERIFY(answer.answered);
        QCOMPARE(answer.objectName, u"revokeConfirm"_s);
        QVERIFY(answer.noWasDefault);
        QTest::qWait(300); // longer than the reload coalescing: a revoke would show by now
        QCOMPARE(storedKey(m_generatedId).status, KeyStatus::Active);
        QCOMPARE(cellOf(u"prod-web-app"_s, KeyTableModel::Status), u"Active"_s);

        answerNextModal(&answer, QMessageBox::Yes);
        action(u"actionRevokeKey"_s)->trigger();
        QTRY_VERIFY(answer.answered);
        QVERIFY(answer.noWasDefault);
        QTRY_COMPARE(cellOf(u"prod-web-app"_s, KeyTableModel::Status), u"Revoked"_s);
        QCOMPARE(storedKey(m_generatedId).status, KeyStatus::Revoked);

        // Revoked is final: only Copy and Delete remain.
        select(u"prod-web-app"_s);
        QVERIFY(action(u"actionCopyKey"_s)->isEnabled());
        QVERIFY(action(u"actionDeleteKey"_s)->isEnabled());
        for (const QString& name :
             {u"actionEditKey"_s, u"actionRevokeKey"_s, u"actionDisableKey"_s, u"actionEnableKey"_s,
              u"actionExportEnv"_s, u"actionRotateKey"_s})
            QVERIFY2(!action(name)->isEnabled(), qPrintable(name));
    }

    void disableAndEnable()
    {
        select(u"made-elsewhere"_s);
        action(u"actionDisableKey"_s)->trigger();
        QTRY_COMPARE(cellOf(u"made-elsewhere"_s, KeyTableModel::Status), u"Disabled"_s);
        QTRY_VERIFY(action(u"actionEnableKey"_s)->isEnabled());
        QVERIFY(!action(u"actionDisableKey"_s)->isEnabled());
        action(u"actionEnableKey"_s)->trigger();
        QTRY_COMPARE(cellOf(u"made-elsewhere"_s, KeyTableModel::Status), u"Active"_s);
    }

    void keyShortcutsWorkInTheTable()
    {
        // A dialog that closed leaves the window inactive under the offscreen platform.
        const auto focusTable = [this] {
            QApplication::setActiveWindow(m_window.get());
            table()->setFocus();
            return QTest::qWaitFor([this] { return table()->hasFocus(); });
        };
        select(u"made-elsewhere"_s);
        QVERIFY(focusTable());

        QTest::keyClick(table(), Qt::Key_D, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_COMPARE(cellOf(u"made-elsewhere"_s, KeyTableModel::Status), u"Disabled"_s);
        QTRY_VERIFY(action(u"actionEnableKey"_s)->isEnabled());
        QTest::keyClick(table(), Qt::Key_E, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_COMPARE(cellOf(u"made-elsewhere"_s, KeyTableModel::Status), u"Active"_s);

        QTest::keyClick(table(), Qt::Key_F2);
        QTRY_VERIFY(GuiTest::visibleTopLevel<KeyEditorDialog>());
        QPointer<KeyEditorDialog> editor = GuiTest::visibleTopLevel<KeyEditorDialog>();
        editor->reject();
        QTRY_VERIFY(!editor);

        QVERIFY(focusTable());
        QTest::keyClick(table(), Qt::Key_R, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_VERIFY(GuiTest::visibleTopLevel<QWizard>());
        QPointer<QWizard> wizard = GuiTest::visibleTopLevel<QWizard>();
        QCOMPARE(wizard->objectName(), u"rotateKeyWizard"_s);
        wizard->reject();
        QTRY_VERIFY(!wizard || !wizard->isVisible());
        QVERIFY(focusTable());

        // Revoke asks first, and No is the default.
        GuiTest::ModalAnswer answer;
        answerNextModal(&answer, QMessageBox::No);
        QTest::keyClick(table(), Qt::Key_Delete, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_VERIFY(answer.answered);
        QCOMPARE(answer.objectName, u"revokeConfirm"_s);
        QCOMPARE(cellOf(u"made-elsewhere"_s, KeyTableModel::Status), u"Active"_s);

        // Typed in the search field, the same keys edit the search, not the keys.
        auto* search = GuiTest::child<QLineEdit>(m_page, u"searchEdit"_s);
        search->setFocus();
        QTest::keyClick(search, Qt::Key_D, Qt::ControlModifier | Qt::ShiftModifier);
        QTest::qWait(300);
        QCOMPARE(cellOf(u"made-elsewhere"_s, KeyTableModel::Status), u"Active"_s);
    }

    void searchAndFiltersNarrowRows()
    {
        QVERIFY(!createInStore(u"batch-jobs"_s, u"prod"_s).isEmpty());
        QVERIFY(!createInStore(u"ci-tests"_s, u"staging"_s).isEmpty());
        QTRY_COMPARE(proxy()->rowCount(), 4);
        auto* count = GuiTest::child<QLabel>(m_page, u"countLabel"_s);
        QCOMPARE(count->text(), u"4 keys"_s);

        auto* search = GuiTest::child<QLineEdit>(m_page, u"searchEdit"_s);
        QTest::keyClicks(search, u"BATCH"_s);
        QTRY_COMPARE(proxy()->rowCount(), 1);
        QCOMPARE(cellOf(u"batch-jobs"_s, KeyTableModel::Label), u"batch-jobs"_s);
        QCOMPARE(count->text(), u"1 of 4 keys"_s);
        search->clear();
        QTRY_COMPARE(proxy()->rowCount(), 4);

        auto* environments = GuiTest::child<QComboBox>(m_page, u"environmentFilter"_s);
        QTRY_VERIFY(environments->findText(u"staging"_s) > 0);
        environments->setCurrentIndex(environments->findText(u"prod"_s));
        QCOMPARE(proxy()->rowCount(), 2);
        environments->setCurrentIndex(0);

        auto* statuses = GuiTest::child<QComboBox>(m_page, u"statusFilter"_s);
        statuses->setCurrentIndex(statuses->findText(u"Revoked"_s));
        QCOMPARE(proxy()->rowCount(), 1);
        QVERIFY(rowOf(u"prod-web-app"_s) == 0);
        statuses->setCurrentIndex(statuses->findText(u"Active"_s));
        QCOMPARE(proxy()->rowCount(), 3);
        statuses->setCurrentIndex(0);
        QCOMPARE(proxy()->rowCount(), 4);

        table()->sortByColumn(KeyTableModel::Label, Qt::AscendingOrder);
        QCOMPARE(rowOf(u"batch-jobs"_s), 0);
        QCOMPARE(rowOf(u"prod-web-app"_s), 3);
        table()->sortByColumn(KeyTableModel::Status, Qt::DescendingOrder);
        QCOMPARE(rowOf(u"prod-web-app"_s), 0);
    }

    void usageFromAnotherProcessRefreshesSpendInPlace()
    {
        const ApiKeyRecord key =
            TestSupport::valueOf(m_store->keys().findKey(u"batch-jobs"_s), u"findKey(batch-jobs)"_s)
                .value_or(ApiKeyRecord{});
        QVERIFY(!key.id.isEmpty());
        QCOMPARE(cellOf(u"batch-jobs"_s, KeyTableModel::QuotaUsed), UsdAmount::displayCents(0));
        QAbstractItemModel* source = qobject_cast<KeyFilterProxyModel*>(proxy())->sourceModel();
        QSignalSpy resets(source, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(source, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(source, &QAbstractItemModel::rowsRemoved);

        // Another process (its own connection to the file) records usage.
        SqliteStore other(m_dir.filePath(u"keys.sqlite"_s), m_clock, *QRandomGenerator::system());
        QVERIFY(waitForFuture(other.open()));
        UsageEvent event;
        event.timeMs = m_clock.nowUtcMs() - 60'000;
        event.key = key.id;
        event.model = u"gpt-4o"_s;
        event.costMicros = 1'500'000;
        QVERIFY(TestSupport::valueOf(other.usage().recordUsage({event}), u"recordUsage"_s));
        QTRY_COMPARE_WITH_TIMEOUT(cellOf(u"batch-jobs"_s, KeyTableModel::QuotaUsed),
                                  UsdAmount::displayCents(1'500'000), 5000);
        QVERIFY(cellOf(u"batch-jobs"_s, KeyTableModel::LastUsed) != u"Never"_s);
        // Refreshed in place: no rows came or went, the selection and scroll position stay.
        QCOMPARE(resets.size(), 0);
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(removed.size(), 0);
        QCOMPARE(proxy()->rowCount(), 4);
    }

    void refusedKeyKeepsTheFormAndNamesTheField()
    {
        action(u"actionGenerateKey"_s)->trigger();
        QTRY_VERIFY(GuiTest::visibleTopLevel<KeyEditorDialog>());
        QPointer<KeyEditorDialog> editor = GuiTest::visibleTopLevel<KeyEditorDialog>();
        QTest::keyClicks(GuiTest::child<QLineEdit>(editor, u"labelEdit"_s), u"batch-jobs"_s);
        auto* environment = GuiTest::child<QComboBox>(editor, u"environmentCombo"_s);
        environment->setCurrentIndex(environment->findText(u"dev"_s));
        auto* tier = GuiTest::child<QComboBox>(editor, u"tierCombo"_s);
        tier->setCurrentIndex(tier->findData(int(Tier::Starter)));
        auto* create = GuiTest::child<QPushButton>(editor, u"createButton"_s);
        QTRY_VERIFY(create->isEnabled());
        QTest::mouseClick(create, Qt::LeftButton);

        // Labels are unique: the store refuses, and the user gets the form back as typed.
        QTRY_VERIFY(editor->findChild<QMessageBox*>(u"createError"_s));
        QPointer<QMessageBox> error = editor->findChild<QMessageBox*>(u"createError"_s);
        QTRY_VERIFY(error->isVisible());
        QVERIFY2(error->informativeText().startsWith(u"Another key already uses this label."),
                 qPrintable(error->informativeText()));
        QVERIFY(error->informativeText().contains(u"\nLabel: "));
        QVERIFY(editor->isVisible());
        QCOMPARE(GuiTest::child<QLineEdit>(editor, u"labelEdit"_s)->text(), u"batch-jobs"_s);
        error->accept();
        // What was typed is not thrown away without asking.
        GuiTest::ModalAnswer discard;
        answerNextModal(&discard, QMessageBox::Yes);
        editor->reject();
        QVERIFY(discard.answered);
        QCOMPARE(discard.objectName, u"discardChangesBox"_s);
        QTRY_VERIFY(!editor);
        QCOMPARE(proxy()->rowCount(), 4);
        QVERIFY(!GuiTest::visibleTopLevel<ShowOnceDialog>());
    }

    // A backup of the store (VACUUM INTO, the way SQLite copies a live file) is another file:
    // deleting the key there must leave the secret the original still relies on.
    void deletingInACopyKeepsTheOriginalsSecret()
    {
        const QString copyPath = m_dir.filePath(u"copy.sqlite"_s);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"backup"_s);
            db.setDatabaseName(m_dir.filePath(u"keys.sqlite"_s));
            QVERIFY(db.open());
            QSqlQuery vacuum(db);
            QVERIFY2(vacuum.exec(u"VACUUM INTO '%1'"_s.arg(copyPath)),
                     qPrintable(vacuum.lastError().text()));
        }
        QSqlDatabase::removeDatabase(u"backup"_s);
        SqliteStore copy(copyPath, m_clock, *QRandomGenerator::system());
        QFuture<void> opened = copy.open();
        QVERIFY(waitForFuture(opened));
        MainWindow window(copy.keys(), copy.usage(), copy.lifecycle(), *m_vault, m_clock,
                          *m_uiSettings);
        ApiKeysPage* const original =
            std::exchange(m_page, window.findChild<ApiKeysPage*>(u"apiKeysPage"_s));
        const auto restore = qScopeGuard([this, original] { m_page = original; });
        window.show();
        QSignalSpy messages(m_page, &ApiKeysPage::statusMessage);
        QTRY_VERIFY(rowOf(u"prod-web-app"_s) >= 0);
        select(u"prod-web-app"_s);
        GuiTest::ModalAnswer answer;
        answerNextModal(&answer, QMessageBox::Yes);
        action(u"actionDeleteKey"_s)->trigger();
        QTRY_VERIFY(answer.answered);
        QTRY_COMPARE(rowOf(u"prod-web-app"_s), -1);
        QTRY_VERIFY(!messages.isEmpty());
        QVERIFY2(messages.constLast().at(0).toString().contains(u"stays in the keychain"_s),
                 qPrintable(messages.constLast().at(0).toString()));

        const ApiKeyRecord kept = storedKey(m_generatedId);
        QFuture<QString> read = m_vault->readSecret(kept.vaultEntry, kept.digestHex);
        QVERIFY(waitForFuture(read));
        QCOMPARE(read.result(), m_secret);
    }

    void deleteRemovesKeyAndSecret()
    {
        const QString entry = storedKey(m_generatedId).vaultEntry;
        QVERIFY(entry.endsWith(m_generatedId) && entry != m_generatedId);
        select(u"prod-web-app"_s);
        GuiTest::ModalAnswer answer;
        answerNextModal(&answer, QMessageBox::Yes);
        action(u"actionDeleteKey"_s)->trigger();
        QTRY_VERIFY(answer.answered);
        QCOMPARE(answer.objectName, u"deleteConfirm"_s);
        QVERIFY(answer.noWasDefault);
        QTRY_COMPARE(rowOf(u"prod-web-app"_s), -1);
        QCOMPARE(GuiTest::child<QLabel>(m_page, u"countLabel"_s)->text(), u"3 keys"_s);

        QTRY_VERIFY(secretIsGone(entry));
    }

    // A new search, filter or order starts at its first row, and the selection is counted.
    void searchFilterAndSortStartAtTheTopAndSelectionIsCounted()
    {
        for (int i = 0; i < 60; ++i)
            QVERIFY(
                !createInStore(u"bulk-%1"_s.arg(i, 2, 10, QLatin1Char('0')), u"dev"_s).isEmpty());
        m_page->reload();
        QTRY_VERIFY(proxy()->rowCount() >= 60);
        QScrollBar* bar = table()->verticalScrollBar();
        QTRY_VERIFY(bar->maximum() > 0);

        bar->setValue(bar->maximum());
        QTest::keyClicks(GuiTest::child<QLineEdit>(m_page, u"searchEdit"_s), u"bulk"_s);
        QTRY_COMPARE(proxy()->rowCount(), 60);
        QTRY_COMPARE(bar->value(), 0);

        bar->setValue(bar->maximum());
        QVERIFY(bar->value() > 0);
        table()->horizontalHeader()->setSortIndicator(KeyTableModel::Label, Qt::AscendingOrder);
        QTRY_COMPARE(bar->value(), 0);
        QTRY_COMPARE(proxy()->index(0, KeyTableModel::Label).data().toString(), u"bulk-00"_s);

        bar->setValue(bar->maximum());
        auto* status = GuiTest::child<QComboBox>(m_page, u"statusFilter"_s);
        status->setCurrentIndex(status->findData(int(KeyStatus::Active)));
        QTRY_COMPARE(bar->value(), 0);

        auto* count = GuiTest::child<QLabel>(m_page, u"countLabel"_s);
        QVERIFY2(!count->text().contains(u"selected"_s), qPrintable(count->text()));
        table()->selectRow(0);
        QTest::mouseClick(table()->viewport(), Qt::LeftButton, Qt::ShiftModifier,
                          table()->visualRect(proxy()->index(2, 0)).center());
        QTRY_VERIFY2(count->text().endsWith(u" · 3 selected"_s), qPrintable(count->text()));
        table()->clearSelection();
        QTRY_VERIFY(!count->text().contains(u"selected"_s));

        status->setCurrentIndex(0);
        GuiTest::child<QLineEdit>(m_page, u"searchEdit"_s)->clear();
    }

    void enterOpensTheKeyPageWithWhatTheRowCannotShow()
    {
        QApplication::setActiveWindow(m_window.get());
        KeySpec spec;
        spec.label = u"checkout-api"_s;
        spec.environment = u"prod"_s;
        spec.quotaLimitMicros = 10'000'000;
        spec.tier = Tier::Pro;
        spec.rpmOverride = 500;
        spec.models = {u"gpt-4o"_s, u"gpt-4o-mini"_s};
        spec.ipAllowlist = {*CidrBlock::parse(u"203.0.113.0/24"_s)};
        spec.owner = u"Payments team"_s;
        spec.note = u"Checkout service, eu-west-1.\nRotate with the Friday deploy."_s;
        const auto created = TestSupport::valueOf(m_store->keys().createKey(spec), u"createKey"_s);
        QVERIFY(created);
        const QString id = created->record.id;
        UsageEvent event;
        event.timeMs = m_clock.nowUtcMs() - 60'000;
        event.key = id;
        event.model = u"gpt-4o"_s;
        event.endpoint = u"/v1/chat/completions"_s;
        event.status = 200;
        event.costMicros = 8'500'000;
        event.clientIp = u"203.0.113.7"_s;
        QVERIFY(TestSupport::valueOf(m_store->usage().recordUsage({event}), u"recordUsage"_s));
        m_page->reload();
        QTRY_VERIFY(rowOf(u"checkout-api"_s) >= 0);

        select(u"checkout-api"_s);
        table()->setFocus();
        QTest::keyClick(table(), Qt::Key_Return);
        QTRY_VERIFY(GuiTest::visibleTopLevel<KeyDetailsDialog>());
        QPointer<KeyDetailsDialog> page = GuiTest::visibleTopLevel<KeyDetailsDialog>();
        // Enter opens; it never starts an edit.
        QVERIFY(!GuiTest::visibleTopLevel<KeyEditorDialog>());
        const auto value = [&page](const QString& name) {
            return GuiTest::child<QLabel>(page, name + u"Value"_s)->text();
        };
        QCOMPARE(GuiTest::child<QLabel>(page, u"detailsTitle"_s)->text(), u"checkout-api"_s);
        QCOMPARE(value(u"id"_s), id);
        QCOMPARE(value(u"owner"_s), u"Payments team"_s);
        QCOMPARE(value(u"note"_s), spec.note);
        QCOMPARE(value(u"rpm"_s), u"500 (lowered from the tier's 1,000)"_s);
        QVERIFY2(value(u"tier"_s).startsWith(u"Pro"_s), qPrintable(value(u"tier"_s)));
        QCOMPARE(value(u"models"_s), u"gpt-4o, gpt-4o-mini"_s);
        QCOMPARE(value(u"ips"_s), u"203.0.113.0/24"_s);
        // Made straight through the store, so its secret was saved on no keychain here.
        QCOMPARE(value(u"secret"_s),
                 u"Not on this computer — shown once where the key was created"_s);
        // The quota as a bar: 85% used, so near its end, as the row's status says.
        QTRY_COMPARE(value(u"quota"_s), u"$8.50 of $10.00 used in all · $1.50 left"_s);
        auto* quotaBar = GuiTest::child<QProgressBar>(page, u"quotaBar"_s);
        QVERIFY(quotaBar->isVisible());
        QCOMPARE(quotaBar->value(), 850);
        QVERIFY(!GuiTest::child<QProgressBar>(page, u"spendDayBar"_s)->isVisible());
        QCOMPARE(GuiTest::child<QLabel>(page, u"detailsStatus"_s)->text(),
                 u"● "_s + cellOf(u"checkout-api"_s, KeyTableModel::Status));
        QTRY_COMPARE(value(u"lastClient"_s), u"203.0.113.7"_s);

        // Its own usage and history.
        auto* tabs = GuiTest::child<QTabWidget>(page, u"detailsTabs"_s);
        tabs->setCurrentIndex(1);
        auto* log = GuiTest::child<QTableView>(page, u"detailsLogTable"_s);
        QTRY_COMPARE(log->model()->rowCount(), 1);
        QTRY_VERIFY2(GuiTest::child<QLabel>(page, u"detailsUsageSummary"_s)
                         ->text()
                         .startsWith(u"Last 30 days: 1 requests"_s),
                     qPrintable(GuiTest::child<QLabel>(page, u"detailsUsageSummary"_s)->text()));
        tabs->setCurrentIndex(2);
        auto* history = GuiTest::child<QTableView>(page, u"detailsHistoryTable"_s);
        QTRY_COMPARE(history->model()->rowCount(), 1);
        QCOMPARE(history->model()->index(0, 1).data().toString(), u"Created"_s);

        // Edit from the key page; the page follows the saved key.
        QTest::mouseClick(GuiTest::child<QPushButton>(page, u"editKeyButton"_s), Qt::LeftButton);
        QTRY_VERIFY(GuiTest::visibleTopLevel<KeyEditorDialog>());
        KeyEditorDialog* editor = GuiTest::visibleTopLevel<KeyEditorDialog>();
        QCOMPARE(GuiTest::child<QLineEdit>(editor, u"ownerEdit"_s)->text(), u"Payments team"_s);
        auto* note = GuiTest::child<QPlainTextEdit>(editor, u"noteEdit"_s);
        QCOMPARE(note->toPlainText(), spec.note);
        note->setPlainText(u"Moved to eu-central-1."_s);
        QTest::mouseClick(GuiTest::child<QPushButton>(editor, u"saveButton"_s), Qt::LeftButton);
        QTRY_COMPARE(value(u"note"_s), u"Moved to eu-central-1."_s);
        QCOMPARE(storedKey(id).spec.note, u"Moved to eu-central-1."_s);
        QTRY_COMPARE(history->model()->rowCount(), 2);
        QCOMPARE(history->model()->index(0, 1).data().toString(), u"Edited"_s);

        page->close();
        QTRY_VERIFY(!page);
        // A double-click on the row opens it too.
        const QModelIndex label = proxy()->index(rowOf(u"checkout-api"_s), KeyTableModel::Label);
        table()->scrollTo(label);
        const QPoint cell = table()->visualRect(label).center();
        // As a pointer sends it: a click, then the double-click on the same row.
        QTest::mouseClick(table()->viewport(), Qt::LeftButton, {}, cell);
        QTest::mouseDClick(table()->viewport(), Qt::LeftButton, {}, cell);
        QTRY_VERIFY(GuiTest::visibleTopLevel<KeyDetailsDialog>());
        QVERIFY(!GuiTest::visibleTopLevel<KeyEditorDialog>());
        GuiTest::visibleTopLevel<KeyDetailsDialog>()->close();
        QApplication::setActiveWindow(m_window.get());
    }

    void ctrlNumberGoesToThatPageAndHelpHasAbout()
    {
        QApplication::setActiveWindow(m_window.get());
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        auto* sidebar = GuiTest::child<QListWidget>(m_window.get(), u"sidebar"_s);
        QTest::keyClick(m_window.get(), Qt::Key_2, Qt::ControlModifier);
        QTRY_COMPARE(sidebar->currentItem()->text(), u"Usage"_s);
        QTest::keyClick(m_window.get(), Qt::Key_3, Qt::ControlModifier);
        QTRY_COMPARE(sidebar->currentItem()->text(), u"Alerts"_s);
        QTest::keyClick(m_window.get(), Qt::Key_1, Qt::ControlModifier);
        QTRY_COMPARE(sidebar->currentItem()->text(), u"API Keys"_s);
        QVERIFY(m_page->isVisible());

        QString name;
        QString text;
        QTimer::singleShot(0, this, [&name, &text] {
            auto* about = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (!about)
                return;
            name = about->objectName();
            text = about->text() + about->informativeText();
            QTest::mouseClick(about->button(QMessageBox::Close), Qt::LeftButton);
        });
        m_window->findChild<QAction*>(u"actionAbout"_s)->trigger();
        QCOMPARE(name, u"aboutBox"_s);
        QVERIFY2(text.contains(QApplication::applicationVersion()), qPrintable(text));
        QVERIFY(text.contains(u"QtKeychain"_s));

        // F1: the guide that ships in the app, at the desktop app's section.
        QApplication::setActiveWindow(m_window.get());
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        QTest::keyClick(m_window.get(), Qt::Key_F1);
        QTRY_VERIFY(GuiTest::visibleTopLevel<HelpWindow>());
        HelpWindow* help = GuiTest::visibleTopLevel<HelpWindow>();
        auto* browser = GuiTest::child<QTextBrowser>(help, u"helpBrowser"_s);
        QVERIFY(browser->toPlainText().contains(u"Generate New Key"_s));
        QCOMPARE(browser->textCursor().block().text(), u"The desktop app"_s);
        QVERIFY(browser->verticalScrollBar()->value() > 0);
        help->close();
        QApplication::setActiveWindow(m_window.get());
    }

    // Last: it closes the window.
    void theWindowReopensWhereItWasOnThePageItShowed()
    {
        auto* sidebar = GuiTest::child<QListWidget>(m_window.get(), u"sidebar"_s);
        m_window->showNormal();
        // Not the size a new window gets.
        m_window->setGeometry(40, 30, 1111, 655);
        QTRY_COMPARE(m_window->geometry().size(), QSize(1111, 655));
        // Columns chosen on the header's menu: the tier and the month's spend in, permissions
        // out; the label cannot be hidden.
        QHeaderView* header = table()->horizontalHeader();
        QCOMPARE(header->contextMenuPolicy(), Qt::CustomContextMenu);
        QMenu* columns = m_page->columnsMenu();
        QVERIFY(header->isSectionHidden(KeyTableModel::Tier));
        QVERIFY(!GuiTest::child<QAction>(columns, u"showColumnLabel"_s)->isEnabled());
        Q_EMIT columns->aboutToShow();
        QVERIFY(GuiTest::child<QAction>(columns, u"showColumnPermissions"_s)->isChecked());
        GuiTest::child<QAction>(columns, u"showColumnTier"_s)->trigger();
        GuiTest::child<QAction>(columns, u"showColumnMonthSpend"_s)->trigger();
        GuiTest::child<QAction>(columns, u"showColumnPermissions"_s)->trigger();
        QVERIFY(!header->isSectionHidden(KeyTableModel::Tier));
        QVERIFY(!header->isSectionHidden(KeyTableModel::MonthSpend));
        QVERIFY(header->isSectionHidden(KeyTableModel::Permissions));
        QCOMPARE(cellOf(u"checkout-api"_s, KeyTableModel::Tier), u"Pro"_s);

        sidebar->setCurrentRow(2);
        QTRY_COMPARE(sidebar->currentItem()->text(), u"Alerts"_s);
        const QRect where = m_window->geometry();
        QVERIFY(m_window->close());

        MainWindow reopened(m_store->keys(), m_store->usage(), m_store->lifecycle(), *m_vault,
                            m_clock, *m_uiSettings);
        reopened.show();
        QVERIFY(QTest::qWaitForWindowExposed(&reopened));
        QCOMPARE(reopened.geometry(), where);
        QCOMPARE(GuiTest::child<QListWidget>(&reopened, u"sidebar"_s)->currentItem()->text(),
                 u"Alerts"_s);
        QVERIFY(GuiTest::child<QWidget>(&reopened, u"alertsPage"_s)->isVisible());
        const QHeaderView* reopenedHeader =
            GuiTest::child<QTableView>(&reopened, u"keysTable"_s)->horizontalHeader();
        QVERIFY(!reopenedHeader->isSectionHidden(KeyTableModel::Tier));
        QVERIFY(!reopenedHeader->isSectionHidden(KeyTableModel::MonthSpend));
        QVERIFY(reopenedHeader->isSectionHidden(KeyTableModel::Permissions));
        QVERIFY(!reopenedHeader->isSectionHidden(KeyTableModel::Label));
        // More columns make the table scroll sideways, not the labels unreadable.
        GuiTest::child<QAction>(reopened.findChild<QMenu*>(u"columnsMenu"_s), u"showColumnCaps"_s)
            ->trigger();
        QTRY_VERIFY(reopenedHeader->sectionSize(KeyTableModel::Label) >=
                    reopened.fontMetrics().horizontalAdvance(u"prod-web-app-v2"_s));
    }

    void cleanupTestCase()
    {
        m_proxyTester.reset();
        m_sourceTester.reset();
        m_window.reset();
    }
};

QTEST_MAIN(TestApiKeysPage)
#include "tst_apikeyspage.moc"
