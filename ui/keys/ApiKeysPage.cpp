#include "ApiKeysPage.h"

#include "ClipboardGuard.h"
#include "EnvExportDialog.h"
#include "ErrorText.h"
#include "KeyDetailsDialog.h"
#include "KeyEditorDialog.h"
#include "KeyFilterProxyModel.h"
#include "KeyStore.h"
#include "KeyTableModel.h"
#include "PageHeading.h"
#include "QuotaBarDelegate.h"
#include "RotateKeyWizard.h"
#include "SecretVault.h"
#include "ShowOnceDialog.h"
#include "UsageStore.h"

#include <QAction>
#include <QComboBox>
#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QMetaEnum>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QStackedWidget>
#include <QStyle>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
constexpr int ReloadCoalesceMs = 200;
// Rows enough to fill the first screen of the table several times over.
constexpr int FirstPageSize = 200;
constexpr int SearchDebounceMs = 120;
constexpr int ExpiryCheckMs = 30'000;
constexpr int StatusMessageMs = 6000;
constexpr int MaxLabelsInConfirmation = 5;
const QString CopyKeyTip = u"Copy the full key from this computer's keychain"_s;

QString quotedLabels(const QList<ApiKeyRecord>& records)
{
    QStringList labels;
    for (const ApiKeyRecord& record : records.first(qMin(records.size(), MaxLabelsInConfirmation)))
        labels << u"“%1”"_s.arg(record.spec.label.toHtmlEscaped());
    QString text = labels.join(u", ");
    if (records.size() > MaxLabelsInConfirmation)
        text += u" and %1 more"_s.arg(records.size() - MaxLabelsInConfirmation);
    return text;
}

QString keysNoun(qsizetype count)
{
    return count == 1 ? u"key"_s : u"keys"_s;
}

// The one call to action on the page; styled per button, not per page, so the 100k-row table
// keeps the plain (fast) style.
void makePrimary(QToolButton* button)
{
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    button->setCursor(Qt::PointingHandCursor);
    button->setStyleSheet(u"QToolButton { background: #1f5fa8; color: white; font-weight: 600;"
                          " border: 1px solid #184c86; border-radius: 4px; padding: 5px 14px; }"
                          "QToolButton:hover { background: #2669b8; }"
                          "QToolButton:pressed { background: #184c86; }"
                          "QToolButton:focus { border: 1px solid #0b2f57; }"_s);
}

QMessageBox* confirmationBox(const QString& objectName, const QString& title, const QString& text,
                             const QString& yesText, QWidget* parent)
{
    auto* box = new QMessageBox(QMessageBox::Warning, title, text,
                                QMessageBox::Yes | QMessageBox::No, parent);
    box->setObjectName(objectName);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setTextFormat(Qt::RichText);
    box->button(QMessageBox::Yes)->setText(yesText);
    // Destructive and final: Enter or Escape must never be the thing that does it.
    box->setDefaultButton(QMessageBox::No);
    box->setEscapeButton(QMessageBox::No);
    return box;
}
} // namespace

ApiKeysPage::ApiKeysPage(KeyStore& store, UsageStore& usage, LifecycleStore& lifecycle,
                         SecretVault& vault, const Clock& clock, ClipboardGuard& clipboard,
                         QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_usage(usage)
    , m_lifecycle(lifecycle)
    , m_vault(vault)
    , m_clock(clock)
    , m_clipboard(clipboard)
    , m_model(new KeyTableModel(clock, this))
    , m_proxy(new KeyFilterProxyModel(this))
{
    Q_INIT_RESOURCE(keydeck);
    setObjectName(u"apiKeysPage"_s);
    m_proxy->setSourceModel(m_model);
    m_model->setSecretPresence([&vault](const ApiKeyRecord& record) {
        return vault.presence(record.vaultEntry, record.createdAtMs);
    });
    connect(&m_vault, &SecretVault::indexChanged, this, [this] {
        m_model->secretPresenceChanged();
        updateActions();
    });

    buildActions();
    buildUi();

    m_reloadTimer.setSingleShot(true);
    m_reloadTimer.setInterval(ReloadCoalesceMs);
    connect(&m_reloadTimer, &QTimer::timeout, this, &ApiKeysPage::reload);
    connect(&m_store, &KeyStore::keysChanged, this, &ApiKeysPage::scheduleReload);
    m_usageTimer.setSingleShot(true);
    m_usageTimer.setInterval(ReloadCoalesceMs);
    connect(&m_usageTimer, &QTimer::timeout, this, &ApiKeysPage::refreshUsage);
    connect(&m_usage, &UsageStore::usageChanged, this, [this] {
        if (!m_usageTimer.isActive())
            m_usageTimer.start();
    });

    m_searchTimer.setSingleShot(true);
    m_searchTimer.setInterval(SearchDebounceMs);
    connect(&m_searchTimer, &QTimer::timeout, this, [this] {
        m_proxy->setSearchText(m_searchEdit->text());
        showFromTheTop();
    });

    m_expiryTimer.setInterval(ExpiryCheckMs);
    connect(&m_expiryTimer, &QTimer::timeout, this, [this] {
        m_model->refreshTimeDependentColumns();
        updateActions();
    });
    m_expiryTimer.start();

    m_failureTimer.setSingleShot(true);
    connect(&m_failureTimer, &QTimer::timeout, this, &ApiKeysPage::showPendingFailures);

    connect(m_model, &KeyTableModel::environmentsChanged, this,
            &ApiKeysPage::refreshEnvironmentFilter);
    const auto refresh = [this] {
        updateCount();
        updateActions();
    };
    connect(m_proxy, &QAbstractItemModel::modelReset, this, refresh);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, refresh);
    // Both: the proxy announces a removal before the source has dropped the row.
    for (QAbstractItemModel* model :
         {static_cast<QAbstractItemModel*>(m_model), static_cast<QAbstractItemModel*>(m_proxy)}) {
        connect(model, &QAbstractItemModel::rowsInserted, this, &ApiKeysPage::updateCount);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &ApiKeysPage::updateCount);
    }
    connect(m_proxy, &QAbstractItemModel::dataChanged, this, &ApiKeysPage::updateActions);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ApiKeysPage::updateActions);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ApiKeysPage::updateCount);

    setViewState(ViewState::Loading);
    updateActions();
    reload();
}

QList<QAction*> ApiKeysPage::keyActions() const
{
    return {m_generateAction, m_openAction,   m_copyAction,   m_exportEnvAction,
            m_usageAction,    m_editAction,   m_rotateAction, m_disableAction,
            m_enableAction,   m_revokeAction, m_deleteAction, m_refreshAction};
}

void ApiKeysPage::focusSearch()
{
    m_searchEdit->setFocus(Qt::ShortcutFocusReason);
    m_searchEdit->selectAll();
}

void ApiKeysPage::buildActions()
{
    auto makeAction = [this](const QString& objectName, const QString& text,
                             const QString& toolTip) {
        auto* action = new QAction(text, this);
        action->setObjectName(objectName);
        action->setToolTip(toolTip);
        return action;
    };
    m_generateAction = makeAction(u"actionGenerateKey"_s, u"Generate New Key"_s,
                                  u"Create a key; its secret is shown once (Ctrl+N)"_s);
    m_generateAction->setIcon(QIcon(u":/icons/plus.svg"_s));
    m_generateAction->setShortcut(QKeySequence::New);
    m_openAction = makeAction(u"actionOpenKey"_s, u"Open Key Page"_s,
                              u"Everything about the key: limits and how much of each is used, "
                              u"allowlists, owner and note, its usage and history (Enter)"_s);
    m_openAction->setShortcuts({QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)});
    m_copyAction = makeAction(u"actionCopyKey"_s, u"Copy key"_s, CopyKeyTip);
    m_copyAction->setIcon(QIcon(u":/icons/copy.svg"_s));
    m_copyAction->setShortcut(QKeySequence::Copy);
    m_exportEnvAction = makeAction(u"actionExportEnv"_s, u"Export .env…"_s,
                                   u"Write the selected keys from this computer's keychain into a "
                                   u".env file (mode 0600)"_s);
    m_usageAction = makeAction(u"actionShowUsage"_s, u"Usage"_s,
                               u"Show the requests, tokens and cost of the selected keys"_s);
    m_editAction = makeAction(u"actionEditKey"_s, u"Edit…"_s,
                              u"Change the label, limits, allowlists or expiry (F2)"_s);
    m_editAction->setShortcut(Qt::Key_F2);
    m_rotateAction = makeAction(u"actionRotateKey"_s, u"Rotate…"_s,
                                u"Replace the key with a new version: create it, deploy it, then "
                                u"revoke the old one once its traffic has moved (Ctrl+Shift+R)"_s);
    // Ctrl+R is Refresh on Linux desktops.
    m_rotateAction->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_R);
    m_disableAction = makeAction(u"actionDisableKey"_s, u"Disable"_s,
                                 u"Reject requests with this key until it is enabled again "
                                 u"(Ctrl+Shift+D)"_s);
    m_disableAction->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_D);
    m_enableAction = makeAction(u"actionEnableKey"_s, u"Enable"_s,
                                u"Accept requests with this key again (Ctrl+Shift+E)"_s);
    m_enableAction->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_E);
    m_revokeAction = makeAction(u"actionRevokeKey"_s, u"Revoke…"_s,
                                u"Reject every request with this key, immediately and for good "
                                u"(Ctrl+Shift+Delete; asks first)"_s);
    m_revokeAction->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_Delete);
    m_deleteAction =
        makeAction(u"actionDeleteKey"_s, u"Delete…"_s,
                   u"Remove the key from the store and its secret from the keychain"_s);
    m_deleteAction->setShortcut(QKeySequence::Delete);
    m_refreshAction = makeAction(u"actionRefresh"_s, u"Refresh"_s, u"Reload the keys (F5)"_s);
    m_refreshAction->setShortcut(QKeySequence::Refresh);

    connect(m_generateAction, &QAction::triggered, this, &ApiKeysPage::generateKey);
    connect(m_openAction, &QAction::triggered, this, &ApiKeysPage::openKeyPage);
    connect(m_copyAction, &QAction::triggered, this, &ApiKeysPage::copyKey);
    connect(m_exportEnvAction, &QAction::triggered, this, &ApiKeysPage::exportEnv);
    connect(m_usageAction, &QAction::triggered, this, [this] {
        QStringList ids;
        for (const ApiKeyRecord& record : selectedRecords())
            ids << record.id;
        Q_EMIT usageRequested(ids);
    });
    connect(m_editAction, &QAction::triggered, this, &ApiKeysPage::editKey);
    connect(m_rotateAction, &QAction::triggered, this, &ApiKeysPage::rotateKey);
    connect(m_disableAction, &QAction::triggered, this,
            [this] { changeStatus(selectedRecords(), KeyStatus::Disabled); });
    connect(m_enableAction, &QAction::triggered, this,
            [this] { changeStatus(selectedRecords(), KeyStatus::Active); });
    connect(m_revokeAction, &QAction::triggered, this, &ApiKeysPage::confirmRevoke);
    connect(m_deleteAction, &QAction::triggered, this, &ApiKeysPage::confirmDelete);
    connect(m_refreshAction, &QAction::triggered, this, &ApiKeysPage::reload);
}

void ApiKeysPage::buildUi()
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(14, 12, 14, 8);
    layout->setSpacing(10);
    layout->addWidget(buildHeader());
    m_filterBar = buildFilterBar();
    layout->addWidget(m_filterBar);

    m_table = new QTableView(this);
    m_table->setObjectName(u"keysTable"_s);
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setShowGrid(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->verticalHeader()->hide();
    // Fixed row heights: with 100k rows the view never measures rows one by one.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 12);
    QHeaderView* header = m_table->horizontalHeader();
    header->setHighlightSections(false);
    header->setSectionsMovable(true);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    header->setStretchLastSection(false);
    // The label takes whatever the other columns leave, so every default column fits a
    // 1400-pixel window without horizontal scrolling - but never less than a usual label needs:
    // with more columns shown, the table scrolls sideways instead of cutting every label short.
    header->setMinimumSectionSize(60);
    const QFontMetrics mono(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    const QFontMetrics text = fontMetrics();
    const QString time = u"2026-12-31 23:59"_s;
    const QList<std::pair<int, int>> widths{
        {KeyTableModel::Key, mono.horizontalAdvance(u"sk-sub-AbCd…wxyz"_s)},
        {KeyTableModel::Environment, text.horizontalAdvance(u"Environment"_s)},
        {KeyTableModel::Type, text.horizontalAdvance(u"Subscription"_s)},
        // + status dot; "Disabled · rotation due" may elide, its tooltip says it all.
        {KeyTableModel::Status, text.horizontalAdvance(u"Active · rotation due"_s) + 18},
        {KeyTableModel::Permissions, text.horizontalAdvance(u"read, write, admin"_s)},
        {KeyTableModel::Created, text.horizontalAdvance(time)},
        {KeyTableModel::LastUsed, text.horizontalAdvance(time)},
        {KeyTableModel::Expires, text.horizontalAdvance(time)},
        {KeyTableModel::QuotaUsed, text.horizontalAdvance(u"Quota used"_s)},
        {KeyTableModel::QuotaRemaining, text.horizontalAdvance(u"Remaining"_s)},
        {KeyTableModel::Tier, text.horizontalAdvance(u"Enterprise"_s)},
        {KeyTableModel::MonthSpend, text.horizontalAdvance(u"Spend (month)"_s)},
        {KeyTableModel::Caps, text.horizontalAdvance(u"$10.00/day · $100.00/month"_s)},
        {KeyTableModel::Owner, text.horizontalAdvance(u"Web platform team"_s)},
    };
    const int padding =
        2 * style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_table) + 8;
    for (const auto& [column, width] : widths)
        header->resizeSection(column, width + padding);
    m_table->setItemDelegateForColumn(KeyTableModel::QuotaUsed, new QuotaBarDelegate(m_table));
    for (int column = 0; column < KeyTableModel::ColumnCount; ++column)
        header->setSectionHidden(column, !KeyTableModel::isShownByDefault(column));
    buildColumnsMenu();
    m_minLabelWidth = text.horizontalAdvance(u"prod-web-app-v2"_s) + padding;
    connect(header, &QHeaderView::sectionResized, this, [this](int column) {
        if (column != KeyTableModel::Label)
            fitLabelColumn();
    });
    m_table->viewport()->installEventFilter(this);
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(header, &QWidget::customContextMenuRequested, this,
            [this, header](const QPoint& pos) { m_columnsMenu->exec(header->mapToGlobal(pos)); });
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(KeyTableModel::Created, Qt::DescendingOrder);
    // A new order, like a new filter, starts at its first row.
    connect(header, &QHeaderView::sortIndicatorChanged, this, &ApiKeysPage::showFromTheTop);
    connect(m_proxy, &KeyFilterProxyModel::settled, this, [this] {
        if (std::exchange(m_scrollToTopWhenSettled, false))
            m_table->scrollToTop();
    });

    // The keys' own shortcuts work where the keys are: in the table. Ctrl+C and Delete must keep
    // working in the search field.
    for (QAction* action : {m_openAction, m_copyAction, m_deleteAction, m_editAction,
                            m_rotateAction, m_disableAction, m_enableAction, m_revokeAction}) {
        action->setShortcutContext(Qt::WidgetShortcut);
        m_table->addAction(action);
    }
    // Opening is what a row does; editing stays an explicit action.
    connect(m_table, &QTableView::doubleClicked, this, &ApiKeysPage::openKeyPage);
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        QMenu menu(this);
        menu.addAction(m_openAction);
        menu.setDefaultAction(m_openAction);
        menu.addActions(
            {m_copyAction, m_exportEnvAction, m_usageAction, m_editAction, m_rotateAction});
        menu.addSeparator();
        menu.addActions({m_disableAction, m_enableAction, m_revokeAction, m_deleteAction});
        menu.exec(m_table->viewport()->mapToGlobal(pos));
    });

    auto* loading = new QWidget(this);
    auto* loadingLayout = new QVBoxLayout(loading);
    loadingLayout->addStretch();
    auto* loadingLabel = new QLabel(u"Loading keys…"_s, loading);
    loadingLabel->setObjectName(u"loadingLabel"_s);
    loadingLabel->setAlignment(Qt::AlignCenter);
    auto* busy = new QProgressBar(loading);
    busy->setRange(0, 0);
    busy->setMaximumWidth(240);
    busy->setTextVisible(false);
    loadingLayout->addWidget(loadingLabel);
    loadingLayout->addWidget(busy, 0, Qt::AlignHCenter);
    loadingLayout->addStretch();

    auto* empty = new QWidget(this);
    empty->setObjectName(u"emptyState"_s);
    auto* emptyLayout = new QVBoxLayout(empty);
    emptyLayout->addStretch();
    auto* emptyLabel = new QLabel(u"No API keys yet — Generate New Key to create one"_s, empty);
    emptyLabel->setAlignment(Qt::AlignCenter);
    QFont emptyFont = emptyLabel->font();
    emptyFont.setPointSizeF(emptyFont.pointSizeF() * 1.15);
    emptyLabel->setFont(emptyFont);
    auto* emptyHint = new QLabel(u"Each key is shown once when it is created and saved to this "
                                 "computer's keychain.\nUse one key per app and environment, "
                                 "and rotate keys every 90 days."_s,
                                 empty);
    emptyHint->setAlignment(Qt::AlignCenter);
    emptyHint->setForegroundRole(QPalette::PlaceholderText);
    auto* emptyButton = new QToolButton(empty);
    emptyButton->setDefaultAction(m_generateAction);
    makePrimary(emptyButton);
    emptyLayout->addWidget(emptyLabel);
    emptyLayout->addWidget(emptyHint);
    emptyLayout->addSpacing(8);
    emptyLayout->addWidget(emptyButton, 0, Qt::AlignHCenter);
    emptyLayout->addStretch();

    auto* failed = new QWidget(this);
    auto* failedLayout = new QVBoxLayout(failed);
    failedLayout->addStretch();
    m_loadErrorLabel = new QLabel(failed);
    m_loadErrorLabel->setObjectName(u"loadErrorLabel"_s);
    m_loadErrorLabel->setAlignment(Qt::AlignCenter);
    m_loadErrorLabel->setWordWrap(true);
    m_loadErrorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* retry = new QPushButton(u"Try again"_s, failed);
    retry->setObjectName(u"retryLoadButton"_s);
    connect(retry, &QPushButton::clicked, this, &ApiKeysPage::reload);
    failedLayout->addWidget(m_loadErrorLabel);
    failedLayout->addWidget(retry, 0, Qt::AlignHCenter);
    failedLayout->addStretch();

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(loading);
    m_stack->addWidget(empty);
    m_stack->addWidget(m_table);
    m_stack->addWidget(failed);
    layout->addWidget(m_stack, 1);
}

void ApiKeysPage::buildColumnsMenu()
{
    m_columnsMenu = new QMenu(u"Columns"_s, this);
    m_columnsMenu->setObjectName(u"columnsMenu"_s);
    QHeaderView* header = m_table->horizontalHeader();
    for (int column = 0; column < KeyTableModel::ColumnCount; ++column) {
        QAction* action = m_columnsMenu->addAction(
            m_model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString());
        action->setObjectName(u"showColumn%1"_s.arg(
            QString::fromLatin1(QMetaEnum::fromType<KeyTableModel::Column>().valueToKey(column))));
        action->setCheckable(true);
        // The label names the row: without it the table says nothing.
        action->setEnabled(column != KeyTableModel::Label);
        connect(action, &QAction::toggled, this,
                [header, column](bool shown) { header->setSectionHidden(column, !shown); });
    }
    // Ticks follow the header, whatever changed it (a restored state, the menu).
    connect(m_columnsMenu, &QMenu::aboutToShow, this, [this, header] {
        const QList<QAction*> actions = m_columnsMenu->actions();
        for (int column = 0; column < actions.size(); ++column) {
            const QSignalBlocker blocker(actions.at(column));
            actions.at(column)->setChecked(!header->isSectionHidden(column));
        }
    });
}

QByteArray ApiKeysPage::tableState() const
{
    return m_table->horizontalHeader()->saveState();
}

void ApiKeysPage::restoreTableState(const QByteArray& state)
{
    QHeaderView* header = m_table->horizontalHeader();
    const QByteArray defaults = header->saveState();
    if (state.isEmpty() || !header->restoreState(state) ||
        header->count() != KeyTableModel::ColumnCount ||
        header->isSectionHidden(KeyTableModel::Label))
        header->restoreState(defaults);
    // States saved when the label stretched: it is sized by fitLabelColumn() now.
    header->setSectionResizeMode(KeyTableModel::Label, QHeaderView::Interactive);
    fitLabelColumn();
}

void ApiKeysPage::fitLabelColumn()
{
    QHeaderView* header = m_table->horizontalHeader();
    int others = 0;
    for (int column = 0; column < header->count(); ++column) {
        if (column != KeyTableModel::Label && !header->isSectionHidden(column))
            others += header->sectionSize(column);
    }
    const int width = qMax(m_minLabelWidth, m_table->viewport()->width() - others);
    if (header->sectionSize(KeyTableModel::Label) != width)
        header->resizeSection(KeyTableModel::Label, width);
}

bool ApiKeysPage::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_table->viewport() && event->type() == QEvent::Resize)
        fitLabelColumn();
    return QWidget::eventFilter(watched, event);
}

QWidget* ApiKeysPage::buildHeader()
{
    auto* header = new QWidget(this);
    auto* layout = new QHBoxLayout(header);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new PageHeading(u"API Keys"_s,
                                      u"Keys authenticate requests to the API. A key's secret is "
                                      "shown once, when it is created; KeyDeck keeps it only in "
                                      "this computer's keychain."_s,
                                      header),
                      1);
    auto* generate = new QToolButton(header);
    generate->setObjectName(u"generateButton"_s);
    generate->setDefaultAction(m_generateAction);
    makePrimary(generate);
    layout->addWidget(generate, 0, Qt::AlignBottom);
    return header;
}

QWidget* ApiKeysPage::buildFilterBar()
{
    auto* bar = new QWidget(this);
    auto* layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(8);

    m_searchEdit = new QLineEdit(bar);
    m_searchEdit->setObjectName(u"searchEdit"_s);
    m_searchEdit->setPlaceholderText(u"Search label, key, owner, environment…"_s);
    m_searchEdit->setClearButtonEnabled(true);
    m_searchEdit->setToolTip(u"Matches label, masked key, environment, id and allowed models. "
                             "Paste a full key to find the key it belongs to."_s);
    m_searchEdit->setFixedWidth(
        m_searchEdit->fontMetrics().horizontalAdvance(m_searchEdit->placeholderText()) + 60);
    connect(m_searchEdit, &QLineEdit::textChanged, this, [this] { m_searchTimer.start(); });

    m_environmentFilter = new QComboBox(bar);
    m_environmentFilter->setObjectName(u"environmentFilter"_s);
    m_environmentFilter->setToolTip(u"Show keys of one environment"_s);
    m_environmentFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_environmentFilter->addItem(u"All environments"_s, QString());
    connect(m_environmentFilter, &QComboBox::currentIndexChanged, this, [this] {
        m_proxy->setEnvironmentFilter(m_environmentFilter->currentData().toString());
        showFromTheTop();
    });

    m_statusFilter = new QComboBox(bar);
    m_statusFilter->setObjectName(u"statusFilter"_s);
    m_statusFilter->setToolTip(u"Show keys in one status"_s);
    m_statusFilter->addItem(u"All statuses"_s, -1);
    for (KeyStatus status :
         {KeyStatus::Active, KeyStatus::Disabled, KeyStatus::Revoked, KeyStatus::Expired})
        m_statusFilter->addItem(KeyTableModel::statusText(status), int(status));
    connect(m_statusFilter, &QComboBox::currentIndexChanged, this, &ApiKeysPage::applyStatusFilter);

    m_countLabel = new QLabel(bar);
    m_countLabel->setObjectName(u"countLabel"_s);
    m_countLabel->setForegroundRole(QPalette::PlaceholderText);

    layout->addWidget(m_searchEdit);
    layout->addWidget(m_environmentFilter);
    layout->addWidget(m_statusFilter);
    layout->addWidget(m_countLabel);
    layout->addStretch(1);
    // A tool bar, not a row of buttons: on a narrow window the actions that do not fit move into
    // its extension menu instead of pushing the page wider than the screen.
    auto* actions = new QToolBar(bar);
    actions->setObjectName(u"keyActionsBar"_s);
    actions->setToolButtonStyle(Qt::ToolButtonTextOnly);
    actions->setStyleSheet(u"QToolBar#keyActionsBar { border: none; background: transparent; }"_s);
    actions->addActions({m_copyAction, m_exportEnvAction, m_usageAction, m_editAction,
                         m_rotateAction, m_disableAction, m_enableAction, m_revokeAction,
                         m_deleteAction, m_refreshAction});
    actions->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    layout->addWidget(actions, 0, Qt::AlignRight);
    return bar;
}

void ApiKeysPage::setViewState(ViewState state)
{
    m_stack->setCurrentIndex(int(state));
    // Search and filters over no keys at all would only be noise.
    m_filterBar->setVisible(state == ViewState::Table);
}

void ApiKeysPage::scheduleReload()
{
    // Not restarted on every change: a burst of changes still reloads every 200 ms.
    if (!m_reloadTimer.isActive())
        m_reloadTimer.start();
}

void ApiKeysPage::reload()
{
    if (m_loading) {
        m_reloadAgain = true;
        return;
    }
    m_loading = true;
    m_reloadTimer.stop();
    loadLifecycleThresholds();
    // keydeckctl may have saved a secret here since.
    m_vault.refreshIndex();
    if (!m_model->isLoaded()) {
        // The first rows show as soon as the store gives them (one round trip to a server)
        // while the whole list, which a server sends a page at a time, is still coming.
        KeyListQuery first;
        first.limit = FirstPageSize;
        m_store.listKeysPage(first)
            .then(QtFuture::Launch::Async,
                  [](const KeyStore::Page& page) {
                      return std::pair(KeyTableModel::prepare(page.keys), page.total);
                  })
            .then(this,
                  [this](std::pair<KeyTableModel::Rows, qint64> firstPage) {
                      if (!m_loading || m_model->isLoaded())
                          return;
                      m_partialTotal = firstPage.second;
                      applyRecords(std::move(firstPage.first));
                  })
            // The whole list's load says what went wrong, if anything did.
            .onFailed(this, [](const std::exception&) {});
    }
    m_store
        .listKeys()
        // Pure work on plain data, so no context object: deriving search text and indexes for
        // 100k rows happens on the thread pool, not on the GUI thread.
        .then(
            QtFuture::Launch::Async,
            [](QList<ApiKeyRecord> records) { return KeyTableModel::prepare(std::move(records)); })
        .then(this,
              [this](KeyTableModel::Rows rows) {
                  m_loading = false;
                  m_partialTotal = -1;
                  applyRecords(std::move(rows));
              })
        .onFailed(this,
                  [this](const std::exception& error) {
                      m_loading = false;
                      m_partialTotal = -1;
                      if (!m_model->isLoaded()) {
                          m_loadErrorLabel->setText(u"Could not load the keys from %1:\n%2"_s.arg(
                              m_store.location(), ErrorText::describe(error)));
                          setViewState(ViewState::LoadError);
                      } else {
                          reportFailure(u"Could not reload the keys"_s, error);
                      }
                  })
        .then(this, [this] {
            if (std::exchange(m_reloadAgain, false))
                reload();
        });
}

void ApiKeysPage::refreshUsage()
{
    // The first load brings usage with the keys; one refresh at a time.
    if (!m_model->isLoaded())
        return;
    if (m_loading || std::exchange(m_refreshingUsage, true)) {
        m_usageTimer.start();
        return;
    }
    m_usage.keyUsage()
        .then(this, [this](const QList<KeyUsage>& usage) { m_model->applyUsage(usage); })
        .onFailed(this,
                  [this](const std::exception& error) {
                      reportFailure(u"Could not refresh the keys' usage"_s, error);
                  })
        .then(this, [this] { m_refreshingUsage = false; });
}

void ApiKeysPage::applyRecords(KeyTableModel::Rows rows)
{
    QStringList selectedIds;
    for (const ApiKeyRecord& record : selectedRecords())
        selectedIds << record.id;
    const QModelIndex current = m_table->currentIndex();
    const QString currentId = current.data(KeyTableModel::KeyIdRole).toString();
    const int scroll = m_table->verticalScrollBar()->value();

    if (m_model->setRecords(std::move(rows))) {
        const auto restore = [this, selectedIds, currentId, scroll] {
            selectKeys(selectedIds, currentId);
            m_table->verticalScrollBar()->setValue(scroll);
        };
        disconnect(m_restoreSelection);
        if (m_proxy->isPending())
            m_restoreSelection =
                connect(m_proxy, &KeyFilterProxyModel::settled, this, [this, restore] {
                    disconnect(m_restoreSelection);
                    restore();
                });
        else
            restore();
    }
    setViewState(m_model->rowCount() == 0 ? ViewState::Empty : ViewState::Table);
    updateCount();
    updateActions();
}

void ApiKeysPage::selectKeys(const QStringList& ids, const QString& currentId)
{
    QItemSelection selection;
    for (const QString& id : ids) {
        const int row = m_model->rowForId(id);
        if (row < 0)
            continue;
        const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
        if (index.isValid())
            selection.select(index, index);
    }
    QItemSelectionModel* selectionModel = m_table->selectionModel();
    const int currentRow = m_model->rowForId(currentId);
    if (currentRow >= 0) {
        const QModelIndex index = m_proxy->mapFromSource(m_model->index(currentRow, 0));
        selectionModel->setCurrentIndex(index, QItemSelectionModel::NoUpdate);
    }
    selectionModel->select(selection,
                           QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void ApiKeysPage::refreshEnvironmentFilter()
{
    const QString selected = m_environmentFilter->currentData().toString();
    const QSignalBlocker blocker(m_environmentFilter);
    while (m_environmentFilter->count() > 1)
        m_environmentFilter->removeItem(1);
    for (const QString& environment : m_model->environments())
        m_environmentFilter->addItem(environment, environment);
    const int index = m_environmentFilter->findData(selected);
    m_environmentFilter->setCurrentIndex(qMax(0, index));
    if (index < 0)
        m_proxy->setEnvironmentFilter(QString());
}

void ApiKeysPage::applyStatusFilter()
{
    const int value = m_statusFilter->currentData().toInt();
    m_proxy->setStatusFilter(value < 0 ? std::nullopt : std::optional(KeyStatus(value)));
    showFromTheTop();
}

void ApiKeysPage::showFromTheTop()
{
    // A worker may still be ordering the rows: the top is where its result starts.
    if (m_proxy->isPending()) {
        m_scrollToTopWhenSettled = true;
        return;
    }
    m_table->scrollToTop();
}

void ApiKeysPage::updateCount()
{
    if (!m_model->isLoaded()) {
        m_countLabel->clear();
        return;
    }
    const QLocale locale;
    const int total = m_model->rowCount();
    const int shown = m_proxy->rowCount();
    if (m_partialTotal > total)
        m_countLabel->setText(u"%1 of %2 %3 — loading the rest…"_s.arg(
            locale.toString(shown), locale.toString(m_partialTotal), keysNoun(m_partialTotal)));
    else if (shown == total)
        m_countLabel->setText(u"%1 %2"_s.arg(locale.toString(total), keysNoun(total)));
    else
        m_countLabel->setText(
            u"%1 of %2 %3"_s.arg(locale.toString(shown), locale.toString(total), keysNoun(total)));
    // One selected row is plain to see; more may reach beyond the view.
    const qsizetype selected = m_table->selectionModel()->selectedRows().size();
    if (selected > 1)
        m_countLabel->setText(m_countLabel->text() +
                              u" · %1 selected"_s.arg(locale.toString(selected)));
    if (total == 0 && m_stack->currentIndex() == int(ViewState::Table))
        setViewState(ViewState::Empty);
    else if (total > 0 && m_stack->currentIndex() == int(ViewState::Empty))
        setViewState(ViewState::Table);
}

void ApiKeysPage::updateActions()
{
    const QList<ApiKeyRecord> selected = selectedRecords();
    bool anyActive = false;
    bool anyDisabled = false;
    bool anyLive = false;
    for (const ApiKeyRecord& record : selected) {
        anyActive = anyActive || record.status == KeyStatus::Active;
        anyDisabled = anyDisabled || record.status == KeyStatus::Disabled;
        anyLive = anyLive || record.status != KeyStatus::Revoked;
    }
    const bool single = selected.size() == 1;
    m_openAction->setEnabled(single);
    // A secret known not to be here cannot be copied; say so where the user looks for Copy.
    const bool secretNotHere = single && m_vault.presence(selected.constFirst().vaultEntry,
                                                          selected.constFirst().createdAtMs) ==
                                             SecretIndex::Presence::NotHere;
    m_copyAction->setEnabled(single && !secretNotHere);
    m_copyAction->setToolTip(secretNotHere ? KeyTableModel::secretNotHereText() : CopyKeyTip);
    m_editAction->setEnabled(single && selected.constFirst().status != KeyStatus::Revoked);
    m_rotateAction->setEnabled(single && selected.constFirst().status != KeyStatus::Revoked);
    // A key already rotated is waiting for step 3: the same action finishes it.
    m_rotateAction->setText(single && !selected.constFirst().rotatedToId.isEmpty()
                                ? u"Finish Rotation…"_s
                                : u"Rotate…"_s);
    m_disableAction->setEnabled(anyActive);
    m_enableAction->setEnabled(anyDisabled);
    m_revokeAction->setEnabled(anyLive);
    m_deleteAction->setEnabled(!selected.isEmpty());
    m_usageAction->setEnabled(!selected.isEmpty());
    // Revoked keys are refused by the export itself; offering it would only lead to an error.
    m_exportEnvAction->setEnabled(
        !selected.isEmpty() &&
        std::none_of(selected.cbegin(), selected.cend(),
                     [](const ApiKeyRecord& r) { return r.status == KeyStatus::Revoked; }));
}

void ApiKeysPage::exportEnv()
{
    const QList<ApiKeyRecord> records = selectedRecords();
    if (records.isEmpty())
        return;
    m_store.workspaceSettings()
        .then(this,
              [this, records](const WorkspaceSettings& settings) {
                  auto* dialog = new EnvExportDialog(records, m_vault, m_clipboard,
                                                     settings.standardPrefix, QString(), this);
                  dialog->setAttribute(Qt::WA_DeleteOnClose);
                  connect(
                      dialog, &EnvExportDialog::exported, this,
                      [this](const QString& path, int count) {
                          Q_EMIT statusMessage(
                              u"Exported %1 variable(s) to %2 (mode 0600)"_s.arg(count).arg(path),
                              StatusMessageMs);
                      });
                  dialog->open();
              })
        .onFailed(this, [this](const std::exception& error) {
            reportFailure(u"Could not read the workspace settings"_s, error);
        });
}

QList<ApiKeyRecord> ApiKeysPage::selectedRecords() const
{
    QList<ApiKeyRecord> records;
    if (!m_table)
        return records;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    records.reserve(rows.size());
    for (const QModelIndex& index : rows) {
        const QModelIndex source = m_proxy->mapToSource(index);
        if (source.isValid())
            records.append(m_model->record(source.row()));
    }
    return records;
}

std::optional<ApiKeyRecord> ApiKeysPage::singleSelection() const
{
    const QList<ApiKeyRecord> selected = selectedRecords();
    if (selected.size() != 1)
        return std::nullopt;
    return selected.constFirst();
}

void ApiKeysPage::generateKey()
{
    auto* dialog = new KeyEditorDialog(KeyEditorDialog::Mode::Create, m_clock, this);
    // Kept alive until the store answers, so a refused key reopens with everything typed.
    connect(dialog, &QDialog::accepted, this, [this, dialog] { submitCreate(dialog); });
    connect(dialog, &QDialog::rejected, dialog, &QObject::deleteLater);
    dialog->open();
}

void ApiKeysPage::submitCreate(KeyEditorDialog* dialog)
{
    const QPointer<KeyEditorDialog> guard(dialog);
    m_store.createKey(dialog->spec())
        .then(this,
              [this, guard](const CreatedKey& created) {
                  if (guard)
                      guard->deleteLater();
                  m_model->upsertRecord(created.record);
                  selectKeys({created.record.id}, created.record.id);
                  m_table->scrollTo(m_table->currentIndex());
                  setViewState(ViewState::Table);
                  showCreatedKey(created);
              })
        .onFailed(this, [this, guard](const std::exception& error) {
            if (!guard)
                return;
            guard->open();
            auto* box = new QMessageBox(QMessageBox::Warning, u"Generate New Key"_s,
                                        u"The key was not created."_s, QMessageBox::Ok, guard);
            box->setObjectName(u"createError"_s);
            box->setInformativeText(ErrorText::describe(error));
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        });
}

void ApiKeysPage::showCreatedKey(const CreatedKey& created)
{
    auto* dialog = new ShowOnceDialog(created, m_clipboard, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->saveToKeychain(m_vault, created.record.vaultEntry);
    dialog->open();
    Q_EMIT statusMessage(
        u"Created “%1”. Copy the key now: it is shown only once."_s.arg(created.record.spec.label),
        StatusMessageMs);
}

void ApiKeysPage::copyKey()
{
    const std::optional<ApiKeyRecord> record = singleSelection();
    if (!record)
        return;
    const QString label = record->spec.label;
    m_vault.readSecret(record->vaultEntry, record->digestHex)
        .then(this,
              [this](const QString& secret) {
                  m_clipboard.copySecret(secret);
                  const int seconds = m_clipboard.clearDelaySeconds();
                  Q_EMIT statusMessage(
                      seconds > 0 ? u"Key copied — clipboard clears in %1 s"_s.arg(seconds)
                                  : u"Key copied — the clipboard is not cleared automatically"_s,
                      StatusMessageMs);
              })
        .onFailed(this, [this, label](const std::exception& error) {
            const auto* vaultError = dynamic_cast<const SecretVault::Error*>(&error);
            if (vaultError && vaultError->code() == SecretVault::Error::Code::NotFound) {
                auto* box = new QMessageBox(
                    QMessageBox::Information, u"Copy key"_s,
                    u"This key's secret is not in this computer's keychain (it was created "
                    "elsewhere or the keychain was reset). Keys are shown only once: rotate the "
                    "key to get a new secret."_s,
                    QMessageBox::Ok, this);
                box->setObjectName(u"secretNotFound"_s);
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->open();
                return;
            }
            reportFailure(u"Could not read “%1” from the keychain"_s.arg(label), error);
        });
}

void ApiKeysPage::openKeyPage()
{
    const std::optional<ApiKeyRecord> record = singleSelection();
    if (!record)
        return;
    auto* page = new KeyDetailsDialog(*m_model, record->id, {m_usage, m_lifecycle, m_clock}, this);
    page->setAttribute(Qt::WA_DeleteOnClose);
    const auto recordOf = [this](const QString& id) -> std::optional<ApiKeyRecord> {
        const int row = m_model->rowForId(id);
        return row < 0 ? std::nullopt : std::optional(m_model->record(row));
    };
    connect(page, &KeyDetailsDialog::editRequested, this,
            [this, page, recordOf](const QString& id) {
                if (const auto current = recordOf(id))
                    editRecord(*current, page);
            });
    connect(page, &KeyDetailsDialog::rotateRequested, this,
            [this, page, recordOf](const QString& id) {
                if (const auto current = recordOf(id))
                    rotateRecord(*current, page);
            });
    connect(page, &KeyDetailsDialog::usageRequested, this, [this, page](const QString& id) {
        page->close();
        Q_EMIT usageRequested({id});
    });
    page->show();
}

void ApiKeysPage::editKey()
{
    if (const std::optional<ApiKeyRecord> record = singleSelection())
        editRecord(*record, this);
}

void ApiKeysPage::editRecord(const ApiKeyRecord& record, QWidget* over)
{
    if (record.status == KeyStatus::Revoked)
        return;
    auto* dialog = new KeyEditorDialog(KeyEditorDialog::Mode::Edit, m_clock, over);
    dialog->setSpec(record.spec);
    const QString id = record.id;
    connect(dialog, &QDialog::accepted, this, [this, dialog, id] { submitEdit(dialog, id); });
    connect(dialog, &QDialog::rejected, dialog, &QObject::deleteLater);
    dialog->open();
}

void ApiKeysPage::rotateKey()
{
    if (const std::optional<ApiKeyRecord> record = singleSelection())
        rotateRecord(*record, this);
}

void ApiKeysPage::rotateRecord(const ApiKeyRecord& record, QWidget* over)
{
    if (record.status == KeyStatus::Revoked)
        return;
    // Already rotated: its successor is out there, and what is left is step 3.
    const int successorRow = m_model->rowForId(record.rotatedToId);
    if (!record.rotatedToId.isEmpty() && successorRow < 0)
        return;
    auto* wizard = new RotateKeyWizard(record, m_store, m_usage, m_lifecycle, m_vault, m_clock,
                                       m_clipboard, over);
    if (successorRow >= 0)
        wizard->resumeAtRevoke(m_model->record(successorRow));
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    connect(wizard, &RotateKeyWizard::keyRotated, this, [this](const ApiKeyRecord& created) {
        m_model->upsertRecord(created);
        Q_EMIT statusMessage(
            u"Created “%1”. Deploy it, then revoke the old key."_s.arg(created.spec.label),
            StatusMessageMs);
    });
    wizard->open();
}

void ApiKeysPage::submitEdit(KeyEditorDialog* dialog, const QString& id)
{
    const QPointer<KeyEditorDialog> guard(dialog);
    m_store.updateKey(id, dialog->spec())
        .then(this,
              [this, guard](const ApiKeyRecord& updated) {
                  if (guard)
                      guard->deleteLater();
                  m_model->upsertRecord(updated);
                  Q_EMIT statusMessage(u"Saved “%1”"_s.arg(updated.spec.label), StatusMessageMs);
              })
        .onFailed(this, [guard](const std::exception& error) {
            if (!guard)
                return;
            guard->open();
            auto* box = new QMessageBox(QMessageBox::Warning, u"Edit key"_s,
                                        u"The changes were not saved."_s, QMessageBox::Ok, guard);
            box->setObjectName(u"editError"_s);
            box->setInformativeText(ErrorText::describe(error));
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        });
}

void ApiKeysPage::changeStatus(const QList<ApiKeyRecord>& records, KeyStatus status)
{
    for (const ApiKeyRecord& record : records) {
        const bool applies = status == KeyStatus::Revoked  ? record.status != KeyStatus::Revoked
                             : status == KeyStatus::Active ? record.status == KeyStatus::Disabled
                                                           : record.status == KeyStatus::Active;
        if (!applies)
            continue;
        const QString label = record.spec.label;
        m_store.setKeyStatus(record.id, status)
            .then(this,
                  [this](const ApiKeyRecord& updated) {
                      m_model->upsertRecord(updated);
                      updateActions();
                      Q_EMIT statusMessage(u"“%1” is now %2"_s.arg(
                                               updated.spec.label,
                                               KeyTableModel::statusText(updated.status).toLower()),
                                           StatusMessageMs);
                  })
            .onFailed(this, [this, label](const std::exception& error) {
                reportFailure(u"Could not change “%1”"_s.arg(label), error);
            });
    }
}

void ApiKeysPage::confirmRevoke()
{
    QList<ApiKeyRecord> records;
    for (const ApiKeyRecord& record : selectedRecords()) {
        if (record.status != KeyStatus::Revoked)
            records << record;
    }
    if (records.isEmpty())
        return;
    const QString subject = records.size() == 1
                                ? quotedLabels(records)
                                : u"%1 keys (%2)"_s.arg(records.size()).arg(quotedLabels(records));
    QMessageBox* box =
        confirmationBox(u"revokeConfirm"_s, u"Revoke API key"_s,
                        u"<p><b>Revoke %1?</b></p><p>Requests using %2 will fail immediately with "
                        "<code>401 revoked_api_key</code>. This cannot be undone.</p>"_s.arg(
                            subject, records.size() == 1 ? u"this key"_s : u"these keys"_s),
                        u"Revoke"_s, this);
    connect(box, &QMessageBox::finished, this, [this, box, records] {
        if (box->clickedButton() == box->button(QMessageBox::Yes))
            changeStatus(records, KeyStatus::Revoked);
    });
    box->open();
}

void ApiKeysPage::confirmDelete()
{
    const QList<ApiKeyRecord> records = selectedRecords();
    if (records.isEmpty())
        return;
    const QString subject = records.size() == 1
                                ? quotedLabels(records)
                                : u"%1 keys (%2)"_s.arg(records.size()).arg(quotedLabels(records));
    QMessageBox* box = confirmationBox(
        u"deleteConfirm"_s, u"Delete API key"_s,
        u"<p><b>Delete %1?</b></p><p>%2 removed from the store and from this computer's "
        "keychain; requests using %3 will fail with <code>401 invalid_api_key</code>. This "
        "cannot be undone.</p>"_s.arg(subject, records.size() == 1 ? u"It is"_s : u"They are"_s,
                                      records.size() == 1 ? u"it"_s : u"them"_s),
        u"Delete"_s, this);
    connect(box, &QMessageBox::finished, this, [this, box, records] {
        if (box->clickedButton() == box->button(QMessageBox::Yes))
            deleteKeys(records);
    });
    box->open();
}

void ApiKeysPage::deleteKeys(const QList<ApiKeyRecord>& records)
{
    for (const ApiKeyRecord& record : records) {
        const QString id = record.id;
        const QString label = record.spec.label;
        m_store.deleteKey(id)
            .then(this,
                  [this, id, label, entry = record.vaultEntry, owned = record.ownsVaultEntry] {
                      m_model->removeRecord(id);
                      if (!owned) {
                          Q_EMIT statusMessage(
                              u"Deleted “%1”; its secret stays in the keychain: this store is a "
                              "copy of another store, which may still use it"_s.arg(label),
                              StatusMessageMs);
                          return;
                      }
                      Q_EMIT statusMessage(u"Deleted “%1”"_s.arg(label), StatusMessageMs);
                      m_vault.removeSecret(entry).onFailed(this, [this, label](
                                                                     const std::exception& error) {
                          const auto* vaultError = dynamic_cast<const SecretVault::Error*>(&error);
                          // Keys created elsewhere never had a secret here.
                          if (vaultError &&
                              vaultError->code() == SecretVault::Error::Code::NotFound)
                              return;
                          reportFailure(u"“%1” was deleted, but its secret could not be "
                                        "removed from the keychain"_s.arg(label),
                                        error);
                      });
                  })
            .onFailed(this, [this, label](const std::exception& error) {
                reportFailure(u"Could not delete “%1”"_s.arg(label), error);
            });
    }
}

void ApiKeysPage::reportFailure(const QString& what, const std::exception& error)
{
    m_pendingFailures << what + u":\n"_s + ErrorText::describe(error);
    // Failures of one bulk action arrive together; they share one message box.
    m_failureTimer.start(0);
}

void ApiKeysPage::showPendingFailures()
{
    if (m_pendingFailures.isEmpty())
        return;
    auto* box =
        new QMessageBox(QMessageBox::Warning, u"API Keys"_s,
                        std::exchange(m_pendingFailures, {}).join(u"\n\n"), QMessageBox::Ok, this);
    box->setObjectName(u"actionError"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void ApiKeysPage::loadLifecycleThresholds()
{
    // Settings changes announce themselves as keysChanged, which lands here through reload().
    m_store.workspaceSettings()
        .then(this,
              [this](const WorkspaceSettings& settings) {
                  m_model->setLifecycleThresholds(settings.expiryWarningDays,
                                                  settings.rotationPeriodDays);
              })
        .onFailed(this, [this](const std::exception& error) {
            reportFailure(u"Could not read the workspace settings"_s, error);
        });
}
