// What a user sees when the store is slow, down or refuses: every page against a test double of
// the store API (FakeStore) that answers late or fails as each test says.
#include "ApiKeysPage.h"
#include "ClipboardGuard.h"
#include "FakeStore.h"
#include "GuiTest.h"
#include "KeyTableModel.h"
#include "ManualClock.h"
#include "SecretVault.h"
#include "UsagePage.h"

#include <QAbstractProxyModel>
#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 NowMs = 1'767'225'600'000;

ApiKeyRecord keyNamed(const QString& id, const QString& label)
{
    ApiKeyRecord record;
    record.id = id;
    record.spec.label = label;
    record.spec.environment = u"prod"_s;
    record.prefix = u"sk-"_s;
    record.hint = u"sk-AbCd…wxyz"_s;
    record.createdAtMs = NowMs;
    record.updatedAtMs = NowMs;
    return record;
}
} // namespace

class TestStoreFailures final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ApiKeysPage> keysPage()
    {
        auto page =
            std::make_unique<ApiKeysPage>(m_store->keys(), m_store->usage(), m_store->lifecycle(),
                                          *m_vault, m_clock, *m_clipboard);
        page->resize(1000, 600);
        page->show();
        return page;
    }
    QTableView* table(QWidget* page) { return GuiTest::child<QTableView>(page, u"keysTable"_s); }

    // The text the API Keys page shows when its first load fails with failure; the page stays
    // open in *page.
    QString loadErrorFor(const StoreError& failure, std::unique_ptr<ApiKeysPage>* page)
    {
        m_store->behaviour().failure = failure;
        *page = keysPage();
        auto* error = GuiTest::child<QLabel>(page->get(), u"loadErrorLabel"_s);
        if (!QTest::qWaitFor([error] { return error->isVisible(); }, 5000))
            return {};
        return (*page)->isVisible() && !table(page->get())->isVisible() ? error->text() : QString();
    }

    ManualClock m_clock{NowMs};
    std::unique_ptr<FakeStore> m_store;
    std::unique_ptr<SecretVault> m_vault;
    std::unique_ptr<ClipboardGuard> m_clipboard;

private Q_SLOTS:
    void init()
    {
        m_store = std::make_unique<FakeStore>();
        m_store->fakeKeys().setKeys(
            {keyNamed(u"key_b"_s, u"ci-tests"_s), keyNamed(u"key_a"_s, u"prod-web-app"_s)});
        m_vault = std::make_unique<SecretVault>(
            u"KeyDeckFailureTest-%1"_s.arg(QRandomGenerator::system()->generate()));
        m_clipboard = std::make_unique<ClipboardGuard>(QApplication::clipboard());
    }

    void cleanup()
    {
        m_clipboard.reset();
        m_vault.reset();
        m_store.reset();
    }

    void aSlowStoreShowsLoadingUntilItAnswers()
    {
        m_store->behaviour().delayMs = 1500;
        const auto page = keysPage();
        auto* loading = GuiTest::child<QLabel>(page.get(), u"loadingLabel"_s);
        QTRY_VERIFY(loading->isVisible());
        QVERIFY(!table(page.get())->isVisible());
        // Nothing that needs the keys is offered before they are there.
        QVERIFY(!GuiTest::child<QAction>(page.get(), u"actionDisableKey"_s)->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(table(page.get())->isVisible(), 5000);
        QVERIFY(!loading->isVisible());
        QCOMPARE(table(page.get())->model()->rowCount(), 2);
    }

    // Past KeyFilterProxyModel::DefaultSynchronousRows the page orders rows on a worker; a
    // reload that has to reset the table still brings the user's selection back.
    void aLargeTableKeepsItsSelectionAcrossAReload()
    {
        QList<ApiKeyRecord> keys;
        for (int i = 0; i < 2500; ++i)
            keys.prepend(keyNamed(u"key_%1"_s.arg(i), u"svc-%1"_s.arg(i, 4, 10, QChar(u'0'))));
        m_store->fakeKeys().setKeys(keys);
        const auto page = keysPage();
        QTableView* view = table(page.get());
        QTRY_COMPARE(view->model()->rowCount(), 2500);
        view->sortByColumn(KeyTableModel::Label, Qt::AscendingOrder);
        QTRY_COMPARE(view->model()->index(0, KeyTableModel::Label).data().toString(),
                     u"svc-0000"_s);
        const QModelIndex chosen = view->model()->index(1234, KeyTableModel::Label);
        QCOMPARE(chosen.data().toString(), u"svc-1234"_s);
        view->selectionModel()->setCurrentIndex(chosen, QItemSelectionModel::ClearAndSelect |
                                                            QItemSelectionModel::Rows);

        // Another order from the store cannot be applied row by row: the table resets.
        auto* proxy = qobject_cast<QAbstractProxyModel*>(view->model());
        QSignalSpy resets(proxy->sourceModel(), &QAbstractItemModel::modelReset);
        std::reverse(keys.begin(), keys.end());
        m_store->fakeKeys().setKeys(keys);
        Q_EMIT m_store->fakeKeys().keysChanged();
        QTRY_COMPARE(resets.count(), 1);
        QTRY_COMPARE(view->currentIndex().data().toString(), u"svc-1234"_s);
        const QModelIndexList selected = view->selectionModel()->selectedRows();
        QCOMPARE(selected.size(), 1);
        QCOMPARE(selected.constFirst().data().toString(), u"svc-1234"_s);
        QCOMPARE(view->model()->index(0, KeyTableModel::Label).data().toString(), u"svc-0000"_s);
    }

    void aStoreThatIsDownSaysWhyAndCanBeTriedAgain()
    {
        std::unique_ptr<ApiKeysPage> page;
        const QString error = loadErrorFor(
            StoreError(StoreError::Code::Unavailable, u"keydeck-server at 127.0.0.1:9 refused"_s),
            &page);
        QVERIFY2(error.contains(u"Could not load the keys from test: fake store"_s),
                 qPrintable(error));
        QVERIFY2(error.contains(u"keydeck-server at 127.0.0.1:9 refused"_s), qPrintable(error));

        m_store->behaviour().failure.reset();
        QTest::mouseClick(GuiTest::child<QPushButton>(page.get(), u"retryLoadButton"_s),
                          Qt::LeftButton);
        QTRY_VERIFY(table(page.get())->isVisible());
        QCOMPARE(table(page.get())->model()->rowCount(), 2);
    }

    void refusedCredentialsAreSaidInWords()
    {
        std::unique_ptr<ApiKeysPage> page;
        const QString error = loadErrorFor(
            StoreError(StoreError::Code::Unauthorized, u"401 invalid_api_key"_s), &page);
        QVERIFY2(error.contains(StoreError::summary(StoreError::Code::Unauthorized)),
                 qPrintable(error));
        QVERIFY2(error.contains(u"401 invalid_api_key"_s), qPrintable(error));
    }

    void aFailedActionSaysWhyAndChangesNothing()
    {
        const auto page = keysPage();
        QTRY_COMPARE(table(page.get())->model()->rowCount(), 2);
        QAbstractItemModel* rows = table(page.get())->model();
        int row = 0;
        while (rows->index(row, KeyTableModel::Label).data().toString() != u"prod-web-app")
            ++row;
        table(page.get())->selectRow(row);
        auto* disable = GuiTest::child<QAction>(page.get(), u"actionDisableKey"_s);
        QTRY_VERIFY(disable->isEnabled());

        StoreError limited(StoreError::Code::RateLimited, u"429 rate_limit_exceeded"_s);
        limited.setRetryAfterMs(2000);
        m_store->behaviour().failure = limited;
        disable->trigger();
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = page->findChild<QMessageBox*>(u"actionError"_s)));
        QVERIFY2(box->text().contains(StoreError::summary(StoreError::Code::RateLimited)),
                 qPrintable(box->text()));
        QVERIFY2(box->text().contains(u"429 rate_limit_exceeded"_s), qPrintable(box->text()));
        box->accept();
        // Neither the store nor the table took the change.
        QCOMPARE(m_store->fakeKeys().keys().last().status, KeyStatus::Active);
        QCOMPARE(rows->index(row, KeyTableModel::Status).data().toString(), u"Active"_s);
    }

    void theUsagePageSaysWhyItHasNothingToShow()
    {
        m_store->behaviour().failure =
            StoreError(StoreError::Code::Forbidden, u"403 insufficient_permissions"_s);
        UsagePage page(m_store->keys(), m_store->usage(), m_clock);
        page.resize(1100, 800);
        page.show();
        auto* error = GuiTest::child<QLabel>(&page, u"loadErrorLabel"_s);
        QTRY_VERIFY(error->isVisible());
        QVERIFY2(error->text().contains(StoreError::summary(StoreError::Code::Forbidden)),
                 qPrintable(error->text()));
        QVERIFY2(error->text().contains(u"insufficient_permissions"_s), qPrintable(error->text()));
    }
};

QTEST_MAIN(TestStoreFailures)
#include "tst_storefailures.moc"
