#pragma once

#include "ApiKeyRecord.h"
#include "KeyTableModel.h"

#include <QTimer>
#include <QWidget>

class ClipboardGuard;
class Clock;
class KeyEditorDialog;
class KeyFilterProxyModel;
class KeyStore;
class LifecycleStore;
class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QStackedWidget;
class QTableView;
class SecretVault;
class UsageStore;

// Settings -> API Keys: the table of keys with search, filters and every key action.
// All data goes through KeyStore futures and SecretVault jobs; nothing here blocks.
class ApiKeysPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiKeysPage)

public:
    // usage and lifecycle are usually the same object as store (they feed the rotation wizard).
    ApiKeysPage(KeyStore& store, UsageStore& usage, LifecycleStore& lifecycle, SecretVault& vault,
                const Clock& clock, ClipboardGuard& clipboard, QWidget* parent = nullptr);

    // For the main window's menu, in menu order.
    QList<QAction*> keyActions() const;
    QAction* generateAction() const { return m_generateAction; }
    void focusSearch();
    // The table's columns as the user left them (shown, order, widths, sort), for the next
    // start; a state from another version of the table is ignored.
    QByteArray tableState() const;
    void restoreTableState(const QByteArray& state);
    // Show or hide columns (Label always shows); also on the table header's context menu.
    QMenu* columnsMenu() const { return m_columnsMenu; }
    void reload();
    // Usage arrived: refreshes last use, quota and spend in place, without listing the keys.
    void refreshUsage();

Q_SIGNALS:
    void statusMessage(const QString& text, int timeoutMs);
    // "Usage" on selected keys: show the Usage page filtered to them.
    void usageRequested(const QStringList& keyIds);

protected:
    // The table's viewport: its width decides the label column's.
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    enum class ViewState
    {
        Loading,
        Empty,
        Table,
        LoadError
    };

    void buildActions();
    void buildUi();
    QWidget* buildHeader();
    void buildColumnsMenu();
    // The label column as wide as the other shown columns leave, at least m_minLabelWidth.
    void fitLabelColumn();
    QWidget* buildFilterBar();
    void setViewState(ViewState state);

    void scheduleReload();
    // Expiry warning and rotation period from the workspace settings, for the row flags.
    void loadLifecycleThresholds();
    void applyRecords(KeyTableModel::Rows rows);
    void refreshEnvironmentFilter();
    void applyStatusFilter();
    void updateActions();
    void updateCount();
    // After a new search, filter or sort order: the view starts at the first row.
    void showFromTheTop();

    QList<ApiKeyRecord> selectedRecords() const;
    std::optional<ApiKeyRecord> singleSelection() const;
    void selectKeys(const QStringList& ids, const QString& currentId);

    void generateKey();
    void submitCreate(KeyEditorDialog* dialog);
    void showCreatedKey(const CreatedKey& created);
    void copyKey();
    void exportEnv();
    // The selected key's own page.
    void openKeyPage();
    void editKey();
    void rotateKey();
    // over: the window the dialog opens on (the keys page, or a key page).
    void editRecord(const ApiKeyRecord& record, QWidget* over);
    void rotateRecord(const ApiKeyRecord& record, QWidget* over);
    void submitEdit(KeyEditorDialog* dialog, const QString& id);
    void changeStatus(const QList<ApiKeyRecord>& records, KeyStatus status);
    void confirmRevoke();
    void confirmDelete();
    void deleteKeys(const QList<ApiKeyRecord>& records);
    void reportFailure(const QString& what, const std::exception& error);
    void showPendingFailures();

    KeyStore& m_store;
    UsageStore& m_usage;
    LifecycleStore& m_lifecycle;
    SecretVault& m_vault;
    const Clock& m_clock;
    ClipboardGuard& m_clipboard;

    KeyTableModel* m_model = nullptr;
    KeyFilterProxyModel* m_proxy = nullptr;

    QAction* m_generateAction = nullptr;
    QAction* m_openAction = nullptr;
    QAction* m_copyAction = nullptr;
    QAction* m_exportEnvAction = nullptr;
    QAction* m_usageAction = nullptr;
    QAction* m_editAction = nullptr;
    QAction* m_rotateAction = nullptr;
    QAction* m_disableAction = nullptr;
    QAction* m_enableAction = nullptr;
    QAction* m_revokeAction = nullptr;
    QAction* m_deleteAction = nullptr;
    QAction* m_refreshAction = nullptr;

    QMenu* m_columnsMenu = nullptr;
    int m_minLabelWidth = 0;
    QWidget* m_filterBar = nullptr;
    QStackedWidget* m_stack = nullptr;
    QTableView* m_table = nullptr;
    QLineEdit* m_searchEdit = nullptr;
    QComboBox* m_environmentFilter = nullptr;
    QComboBox* m_statusFilter = nullptr;
    QLabel* m_countLabel = nullptr;
    QLabel* m_loadErrorLabel = nullptr;

    QTimer m_reloadTimer;
    QTimer m_usageTimer;
    QTimer m_searchTimer;
    QTimer m_expiryTimer;
    QTimer m_failureTimer;
    QStringList m_pendingFailures;
    bool m_loading = false;
    bool m_reloadAgain = false;
    // While the first load brings every key, the table shows the first page of them: how
    // many keys there are in all, or -1 once the whole list is in.
    qint64 m_partialTotal = -1;
    // After a reload that reset a large table, the selection comes back once the proxy has
    // ordered the new rows.
    QMetaObject::Connection m_restoreSelection;
    bool m_refreshingUsage = false;
    bool m_scrollToTopWhenSettled = false;
};
