#include "ApiKeyFormat.h"
#include "ApiKeysPage.h"
#include "ClipboardGuard.h"
#include "EnvExportDialog.h"
#include "GuiTest.h"
#include "KeyStore.h"
#include "KeyTableModel.h"
#include "LifecycleStore.h"
#include "ManualClock.h"
#include "RotateKeyWizard.h"
#include "SecretVault.h"
#include "SqliteStore.h"
#include "TestSupport.h"
#include "UsageStore.h"
#include "UtcTime.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <memory>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 MinuteMs = 60'000;

// On the box itself: a check box stretched by its layout only takes clicks on its box and text.
void tick(QCheckBox* box)
{
    QTest::mouseClick(box, Qt::LeftButton, {}, QPoint(box->height() / 2, box->height() / 2));
}

} // namespace

class TestRotateWizard : public QObject
{
    Q_OBJECT

private:
    void answerNextModal(GuiTest::ModalAnswer* answer, QMessageBox::StandardButton button)
    {
        GuiTest::answerNextModal(this, answer, button);
    }

    ApiKeyRecord createKey(const QString& label)
    {
        KeySpec spec;
        spec.label = label;
        spec.environment = u"prod"_s;
        spec.models = {u"gpt-4o-mini"_s};
        spec.permissions = Permissions(Permission::Read) | Permission::Admin;
        spec.tier = Tier::Starter;
        spec.spendCapDayMicros = 5'000'000;
        QFuture<CreatedKey> created = m_store->keys().createKey(spec);
        if (!waitForFuture(created))
            return {};
        try {
            return created.result().record;
        } catch (const std::exception& error) {
            qWarning("createKey(%s): %s", qPrintable(label), error.what());
            return {};
        }
    }

    ApiKeyRecord storedKey(const QString& id)
    {
        return TestSupport::valueOf(m_store->keys().findKey(id), u"findKey(%1)"_s.arg(id))
            .value_or(ApiKeyRecord{});
    }

    QString secretInKeychain(const QString& id)
    {
        const ApiKeyRecord record = storedKey(id);
        return TestSupport::valueOf(m_vault->readSecret(record.vaultEntry, record.digestHex),
                                    u"readSecret(%1)"_s.arg(id))
            .value_or(QString{});
    }

    bool recordRequest(const QString& keyId, qint64 timeMs,
                       const QString& clientIp = u"198.51.100.20"_s)
    {
        UsageEvent event;
        event.timeMs = timeMs;
        event.clientIp = clientIp;
        event.key = keyId;
        event.model = u"gpt-4o-mini"_s;
        event.endpoint = u"/v1/chat/completions"_s;
        event.promptTokens = 12;
        event.completionTokens = 30;
        event.costMicros = 150;
        event.requestId = u"req-%1"_s.arg(++m_requestNumber);
        QFuture<qint64> recorded = m_store->usage().recordUsage({event});
        if (!waitForFuture(recorded))
            return false;
        try {
            return recorded.result() == 1;
        } catch (const std::exception& error) {
            qWarning("recordUsage: %s", error.what());
            return false;
        }
    }

    std::unique_ptr<RotateKeyWizard> openWizard(const ApiKeyRecord& oldKey)
    {
        auto wizard = std::make_unique<RotateKeyWizard>(oldKey, m_store->keys(), m_store->usage(),
                                                        m_store->lifecycle(), *m_vault, m_clock,
                                                        *m_clipboard);
        wizard->show();
        QApplication::setActiveWindow(wizard.get());
        if (!QTest::qWaitForWindowActive(wizard.get()))
            qWarning("wizard not active");
        return wizard;
    }

    // Step 1 and 2 as a user does them; leaves the wizard on the revoke page.
    void createAndDeploy(RotateKeyWizard* wizard)
    {
        QTest::mouseClick(GuiTest::child<QPushButton>(wizard, u"createNewKeyButton"_s),
                          Qt::LeftButton);
        QTRY_VERIFY(wizard->findChild<QLineEdit*>(u"newSecretField"_s));
        QTRY_VERIFY(
            GuiTest::child<QLabel>(wizard, u"keychainStatus"_s)->text().startsWith(u"Saved"));
        tick(GuiTest::child<QCheckBox>(wizard, u"storedCheck"_s));
        QTest::mouseClick(wizard->button(QWizard::CommitButton), Qt::LeftButton);
        QCOMPARE(wizard->currentPage()->objectName(), u"deployPage"_s);
        QTest::mouseClick(wizard->button(QWizard::NextButton), Qt::LeftButton);
        QCOMPARE(wizard->currentPage()->objectName(), u"revokePage"_s);
    }

    QTemporaryDir m_dir;
    ManualClock m_clock{*UtcTime::parseRfc3339(u"2026-03-01T10:00:00Z")};
    std::unique_ptr<SqliteStore> m_store;
    std::unique_ptr<SecretVault> m_vault;
    std::unique_ptr<ClipboardGuard> m_clipboard;
    int m_requestNumber = 0;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = std::make_unique<SqliteStore>(m_dir.filePath(u"keys.sqlite"_s), m_clock,
                                                *QRandomGenerator::system());
        QFuture<void> opened = m_store->open();
        QVERIFY(waitForFuture(opened));
        m_vault = std::make_unique<SecretVault>(
            u"KeyDeckRotateTest-%1"_s.arg(QRandomGenerator::system()->generate()));
        m_clipboard = std::make_unique<ClipboardGuard>(QApplication::clipboard());
        m_clipboard->setClearDelaySeconds(0);
    }

    void rotatesDeploysAndRevokesEarlyOnlyWhenConfirmed()
    {
        const ApiKeyRecord old = createKey(u"prod-web-app"_s);
        QVERIFY(!old.id.isEmpty());
        QVERIFY(recordRequest(old.id, m_clock.nowUtcMs() - 10 * MinuteMs));
        m_clock.advanceMs(MinuteMs);

        std::unique_ptr<RotateKeyWizard> wizard = openWizard(old);
        QCOMPARE(wizard->objectName(), u"rotateKeyWizard"_s);
        QCOMPARE(wizard->currentPage()->objectName(), u"createPage"_s);
        const QString intro = GuiTest::child<QLabel>(wizard.get(), u"createIntroLabel"_s)->text();
        QVERIFY2(intro.contains(u"<b>prod-web-app-v2</b>"), qPrintable(intro));
        QVERIFY(intro.contains(u"the old key keeps working until you revoke it"));
        // What carries over and what starts afresh: never the budget.
        QVERIFY2(intro.contains(u"<b>The two keys share one budget</b>") &&
                     intro.contains(u"rotating never frees a limit") &&
                     intro.contains(u"usage log and history start empty"),
                 qPrintable(intro));
        // Nothing created yet: there is nothing to go on with.
        QVERIFY(!wizard->button(QWizard::CommitButton)->isEnabled());
        QVERIFY(!GuiTest::child<QCheckBox>(wizard.get(), u"storedCheck"_s)->isEnabled());

        // Step 1: the new key, shown once, in the keychain, linked both ways.
        QTest::mouseClick(GuiTest::child<QPushButton>(wizard.get(), u"createNewKeyButton"_s),
                          Qt::LeftButton);
        QTRY_VERIFY(wizard->findChild<QLineEdit*>(u"newSecretField"_s));
        auto* secretField = GuiTest::child<QLineEdit>(wizard.get(), u"newSecretField"_s);
        const QString secret = secretField->text();
        QVERIFY(secretField->isReadOnly());
        QVERIFY(secretField->font().fixedPitch() ||
                secretField->font().family() ==
                    QFontDatabase::systemFont(QFontDatabase::FixedFont).family());
        QVERIFY2(ApiKeyFormat::isWellFormed(secret), qPrintable(secret.left(8)));
        const ApiKeyRecord created = wizard->newKey();
        QCOMPARE(created.spec.label, u"prod-web-app-v2"_s);
        QTRY_VERIFY(
            GuiTest::child<QLabel>(wizard.get(), u"keychainStatus"_s)->text().startsWith(u"Saved"));
        QCOMPARE(secretInKeychain(created.id), secret);

        const ApiKeyRecord storedNew = storedKey(created.id);
        const ApiKeyRecord storedOld = storedKey(old.id);
        QCOMPARE(storedNew.rotatedFromId, old.id);
        QCOMPARE(storedOld.rotatedToId, created.id);
        QCOMPARE(storedOld.status, KeyStatus::Active);
        KeySpec sameSettings = old.spec;
        sameSettings.label = u"prod-web-app-v2"_s;
        QCOMPARE(storedNew.spec, sameSettings);

        QTest::mouseClick(GuiTest::child<QPushButton>(wizard.get(), u"copyButton"_s),
                          Qt::LeftButton);
        QCOMPARE(QApplication::clipboard()->text(), secret);

        // Next waits for "I have stored the new key".
        QVERIFY(!wizard->button(QWizard::CommitButton)->isEnabled());
        tick(GuiTest::child<QCheckBox>(wizard.get(), u"storedCheck"_s));
        QVERIFY(wizard->button(QWizard::CommitButton)->isEnabled());
        QTest::mouseClick(wizard->button(QWizard::CommitButton), Qt::LeftButton);

        // Step 2: copy again, from the keychain, or export.
        QCOMPARE(wizard->currentPage()->objectName(), u"deployPage"_s);
        QVERIFY(GuiTest::child<QLabel>(wizard.get(), u"deployAdviceLabel"_s)
                    ->text()
                    .contains(u"prod-web-app-v2"));
        QApplication::clipboard()->clear();
        QTest::mouseClick(GuiTest::child<QPushButton>(wizard.get(), u"copyNewKeyButton"_s),
                          Qt::LeftButton);
        QTRY_COMPARE(QApplication::clipboard()->text(), secret);
        QTest::mouseClick(GuiTest::child<QPushButton>(wizard.get(), u"exportEnvButton"_s),
                          Qt::LeftButton);
        QTRY_VERIFY(wizard->findChild<EnvExportDialog*>());
        QPointer<EnvExportDialog> exportDialog = wizard->findChild<EnvExportDialog*>();
        QTRY_VERIFY(exportDialog->isVisible());
        exportDialog->reject();
        QTRY_VERIFY(!exportDialog);
        QTest::mouseClick(wizard->button(QWizard::NextButton), Qt::LeftButton);

        // Step 3: the old key's requests since the rotation, live.
        QCOMPARE(wizard->currentPage()->objectName(), u"revokePage"_s);
        auto* requests = GuiTest::child<QLabel>(wizard.get(), u"oldKeyRequestsLabel"_s);
        auto* advice = GuiTest::child<QLabel>(wizard.get(), u"recommendationLabel"_s);
        QCOMPARE(GuiTest::child<QSpinBox>(wizard.get(), u"quietMinutesSpin"_s)->value(), 60);
        QTRY_VERIFY2(requests->text().startsWith(u"No requests with “prod-web-app” since"),
                     qPrintable(requests->text()));
        // The request before the rotation still counts for the quiet period.
        QCOMPARE(advice->text(), u"Still in use: last request 11 minutes ago — wait until it "
                                 "has been quiet for 60 minutes"_s);

        m_clock.advanceMs(MinuteMs);
        QVERIFY(recordRequest(old.id, m_clock.nowUtcMs()));
        QTRY_VERIFY_WITH_TIMEOUT(
            requests->text().startsWith(u"1 request with “prod-web-app” since"), 3000);
        QVERIFY2(requests->text().endsWith(u"; last one less than a minute ago"),
                 qPrintable(requests->text()));
        QVERIFY(recordRequest(old.id, m_clock.nowUtcMs(), u"203.0.113.9"_s));
        QTRY_VERIFY_WITH_TIMEOUT(requests->text().startsWith(u"2 requests with"), 3000);
        // Where the old key still comes from, so its last clients can be found and moved.
        auto* clients = GuiTest::child<QLabel>(wizard.get(), u"oldKeyClientsLabel"_s);
        QTRY_COMPARE(clients->text(), u"Still sent from: 198.51.100.20 (1 request), "
                                      "203.0.113.9 (1 request)"_s);
        QVERIFY(clients->isVisible());
        // No new usage, only time: the periodic refresh moves "last one" on.
        m_clock.advanceMs(2 * MinuteMs);
        QTRY_VERIFY_WITH_TIMEOUT(requests->text().endsWith(u"; last one 2 minutes ago"),
                                 RotateKeyWizard::RefreshIntervalMs + 3000);
        QVERIFY2(advice->text().startsWith(u"Still in use: last request 2 minutes ago"),
                 qPrintable(advice->text()));
        QCOMPARE(advice->property("safe").toBool(), false);

        // Too early: an explicit confirmation, No by default; No keeps the old key.
        GuiTest::ModalAnswer answer;
        answerNextModal(&answer, QMessageBox::No);
        QTest::mouseClick(GuiTest::child<QPushButton>(wizard.get(), u"revokeOldButton"_s),
                          Qt::LeftButton);
        QTRY_VERIFY(answer.answered);
        QCOMPARE(answer.objectName, u"revokeEarlyConfirm"_s);
        QVERIFY(answer.noWasDefault);
        QTest::qWait(200);
        QCOMPARE(storedKey(old.id).status, KeyStatus::Active);
        QVERIFY(!wizard->button(QWizard::FinishButton)->isEnabled());

        answerNextModal(&answer, QMessageBox::Yes);
        QTest::mouseClick(GuiTest::child<QPushButton>(wizard.get(), u"revokeOldButton"_s),
                          Qt::LeftButton);
        QTRY_VERIFY(answer.answered);
        QCOMPARE(answer.objectName, u"revokeEarlyConfirm"_s);
        QTRY_COMPARE(storedKey(old.id).status, KeyStatus::Revoked);
        QTRY_VERIFY(GuiTest::child<QLabel>(wizard.get(), u"revokeStatusLabel"_s)
                        ->text()
                        .startsWith(u"Rotation complete"));
        QCOMPARE(storedKey(created.id).status, KeyStatus::Active);
        QVERIFY(wizard->button(QWizard::FinishButton)->isEnabled());
        QTest::mouseClick(wizard->button(QWizard::FinishButton), Qt::LeftButton);
        QTRY_VERIFY(!wizard->isVisible());
        QCOMPARE(wizard->result(), int(QDialog::Accepted));
    }

    void recommendsRevokingOnceQuiet()
    {
        const ApiKeyRecord old = createKey(u"batch-jobs"_s);
        QVERIFY(recordRequest(old.id, m_clock.nowUtcMs() - 5 * MinuteMs));
        std::unique_ptr<RotateKeyWizard> wizard = openWizard(old);
        createAndDeploy(wizard.get());
        auto* advice = GuiTest::child<QLabel>(wizard.get(), u"recommendationLabel"_s);
        auto* quiet = GuiTest::child<QSpinBox>(wizard.get(), u"quietMinutesSpin"_s);
        QTRY_VERIFY2(advice->text().startsWith(u"Still in use: last request 5 minutes ago"),
                     qPrintable(advice->text()));

        m_clock.advanceMs(56 * MinuteMs);
        QTRY_VERIFY_WITH_TIMEOUT(advice->text() == u"Safe to revoke: no traffic for 60 minutes"_s,
                                 RotateKeyWizard::RefreshIntervalMs + 3000);
        QCOMPARE(advice->property("safe").toBool(), true);
        // The chosen period decides, at once.
        quiet->setValue(120);
        QVERIFY2(advice->text().startsWith(u"Still in use: last request 1 h 1 min ago — wait "
                                           "until it has been quiet for 120 minutes"),
                 qPrintable(advice->text()));
        quiet->setValue(45);
        QCOMPARE(advice->text(), u"Safe to revoke: no traffic for 45 minutes"_s);

        GuiTest::ModalAnswer answer;
        answerNextModal(&answer, QMessageBox::Yes);
        QTest::mouseClick(GuiTest::child<QPushButton>(wizard.get(), u"revokeOldButton"_s),
                          Qt::LeftButton);
        QTRY_VERIFY(answer.answered);
        QCOMPARE(answer.objectName, u"revokeConfirm"_s);
        QVERIFY(answer.noWasDefault);
        QTRY_COMPARE(storedKey(old.id).status, KeyStatus::Revoked);
    }

    void bumpsV9ToV10AndClosingKeepsTheOldKeyLinked()
    {
        const ApiKeyRecord old = createKey(u"svc-v9"_s);
        std::unique_ptr<RotateKeyWizard> wizard = openWizard(old);
        QVERIFY(GuiTest::child<QLabel>(wizard.get(), u"createIntroLabel"_s)
                    ->text()
                    .contains(u"<b>svc-v10</b>"));
        createAndDeploy(wizard.get());
        QCOMPARE(wizard->newKey().spec.label, u"svc-v10"_s);

        // Leaving at step 3 is allowed: nothing is revoked, the keys stay linked.
        wizard->reject();
        QTRY_VERIFY(!wizard->isVisible());
        const ApiKeyRecord storedOld = storedKey(old.id);
        QCOMPARE(storedOld.status, KeyStatus::Active);
        QCOMPARE(storedOld.rotatedToId, wizard->newKey().id);
        QCOMPARE(storedKey(wizard->newKey().id).spec.label, u"svc-v10"_s);

        // A second rotation of the same (stale) record is refused, on the page.
        std::unique_ptr<RotateKeyWizard> again = openWizard(old);
        auto* create = GuiTest::child<QPushButton>(again.get(), u"createNewKeyButton"_s);
        QTest::mouseClick(create, Qt::LeftButton);
        QTRY_VERIFY(GuiTest::child<QLabel>(again.get(), u"createStatusLabel"_s)
                        ->text()
                        .startsWith(u"The new key was not created"));
        QVERIFY(!create->isEnabled());
        QVERIFY(!again->findChild<QLineEdit*>(u"newSecretField"_s));
        again->reject();
    }

    void apiKeysPageOffersRotateAndShowsTheLinks()
    {
        ApiKeysPage page(m_store->keys(), m_store->usage(), m_store->lifecycle(), *m_vault, m_clock,
                         *m_clipboard);
        page.resize(1300, 700);
        page.show();
        auto* table = GuiTest::child<QTableView>(&page, u"keysTable"_s);
        QAbstractItemModel* model = table->model();
        const auto rowOf = [model](const QString& label) {
            for (int row = 0; row < model->rowCount(); ++row) {
                if (model->index(row, KeyTableModel::Label).data().toString() == label)
                    return row;
            }
            return -1;
        };
        const auto select = [&](const QString& label) {
            table->selectionModel()->setCurrentIndex(model->index(rowOf(label), 0),
                                                     QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
        };
        QTRY_VERIFY(rowOf(u"svc-v10"_s) >= 0);
        auto* rotate = GuiTest::child<QAction>(&page, u"actionRotateKey"_s);

        const QString oldTip =
            model->index(rowOf(u"svc-v9"_s), KeyTableModel::Label).data(Qt::ToolTipRole).toString();
        QVERIFY2(oldTip.contains(u"Rotated to “svc-v10”"), qPrintable(oldTip));
        const QString newTip = model->index(rowOf(u"svc-v10"_s), KeyTableModel::Label)
                                   .data(Qt::ToolTipRole)
                                   .toString();
        QVERIFY2(newTip.contains(u"Rotated from “svc-v9”"), qPrintable(newTip));

        // Revoked: nothing to rotate. Already rotated: the rotation is finished from step 3,
        // which shows the old key's traffic since its successor came.
        select(u"svc-v9"_s);
        QVERIFY(rotate->isEnabled());
        QCOMPARE(rotate->text(), u"Finish Rotation…"_s);
        QVERIFY2(
            model->index(rowOf(u"svc-v9"_s), KeyTableModel::Status)
                .data()
                .toString()
                .endsWith(u"rotation pending"_s),
            qPrintable(model->index(rowOf(u"svc-v9"_s), KeyTableModel::Status).data().toString()));
        rotate->trigger();
        QTRY_VERIFY(page.findChild<RotateKeyWizard*>());
        QPointer<RotateKeyWizard> resumed = page.findChild<RotateKeyWizard*>();
        QTRY_VERIFY(resumed->isVisible());
        QCOMPARE(resumed->currentId(), int(RotateKeyWizard::RevokePageId));
        QCOMPARE(resumed->newKey().spec.label, u"svc-v10"_s);
        QTRY_VERIFY(GuiTest::child<QLabel>(resumed.data(), u"oldKeyRequestsLabel"_s)
                        ->text()
                        .contains(u"“svc-v9”"_s));
        resumed->reject();
        QTRY_VERIFY(!resumed);
        select(u"prod-web-app"_s);
        QVERIFY(!rotate->isEnabled());
        select(u"svc-v10"_s);
        QVERIFY(rotate->isEnabled());
        rotate->trigger();
        QTRY_VERIFY(page.findChild<RotateKeyWizard*>());
        QPointer<RotateKeyWizard> wizard = page.findChild<RotateKeyWizard*>();
        QTRY_VERIFY(wizard->isVisible());
        QVERIFY(GuiTest::child<QLabel>(wizard.data(), u"createIntroLabel"_s)
                    ->text()
                    .contains(u"<b>svc-v11</b>"));
        wizard->reject();
        QTRY_VERIFY(!wizard);
    }
};

QTEST_MAIN(TestRotateWizard)
#include "tst_rotatewizard.moc"
