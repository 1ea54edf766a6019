#include "MainWindow.h"

#include "AlertMonitor.h"
#include "AlertsPage.h"
#include "ApiKeysPage.h"
#include "ClipboardGuard.h"
#include "ConnectionsPage.h"
#include "ErrorText.h"
#include "HelpWindow.h"
#include "KeyStore.h"
#include "SecretVault.h"
#include "SettingsPage.h"
#include "UiSettings.h"
#include "UsagePage.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QStackedWidget>
#include <QStatusBar>
#include <QSystemTrayIcon>

using namespace Qt::StringLiterals;

namespace {
constexpr int SidebarWidth = 150;
constexpr int MaxKeychainReasonChars = 90;
} // namespace

MainWindow::MainWindow(KeyStore& store, UsageStore& usage, LifecycleStore& lifecycle,
                       SecretVault& vault, const Clock& clock, UiSettings& settings,
                       ConnectionsPage* connections, QWidget* parent)
    : QMainWindow(parent)
    , m_store(store)
    , m_vault(vault)
    , m_settings(settings)
    , m_clipboard(new ClipboardGuard(QApplication::clipboard(), this))
{
    Q_INIT_RESOURCE(keydeck);
    setObjectName(u"mainWindow"_s);
    setWindowTitle(u"KeyDeck"_s);
    setWindowIcon(QIcon(u":/icons/keydeck.svg"_s));

    m_clipboard->setClearDelaySeconds(m_settings.clipboardClearSeconds());
    connect(&m_settings, &UiSettings::clipboardClearSecondsChanged, m_clipboard,
            &ClipboardGuard::setClearDelaySeconds);

    m_sidebar = new QListWidget(this);
    m_sidebar->setObjectName(u"sidebar"_s);
    m_sidebar->setFixedWidth(SidebarWidth);
    m_sidebar->setIconSize(QSize(20, 20));
    m_sidebar->setFrameShape(QFrame::NoFrame);
    m_sidebar->setSpacing(2);
    m_sidebar->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_sidebar->setStyleSheet(u"QListWidget#sidebar { background: palette(window);"
                             " border-right: 1px solid palette(mid); padding: 8px 6px; }"
                             "QListWidget#sidebar::item { padding: 7px 8px; border-radius: 4px; }"
                             "QListWidget#sidebar::item:selected { background: palette(highlight);"
                             " color: palette(highlighted-text); }"_s);
    m_pages = new QStackedWidget(this);
    m_pages->setObjectName(u"pages"_s);

    m_keysPage = new ApiKeysPage(store, usage, lifecycle, vault, clock, *m_clipboard, m_pages);
    m_usagePage = new UsagePage(store, usage, clock, m_pages);
    m_alertsPage = new AlertsPage(store, lifecycle, clock, m_pages);
    m_settingsPage = new SettingsPage(store, settings, m_pages);
    addPage(m_keysPage, u"API Keys"_s, u":/icons/key.svg"_s);
    addPage(m_usagePage, u"Usage"_s, u":/icons/usage.svg"_s);
    addPage(m_alertsPage, u"Alerts"_s, u":/icons/bell.svg"_s);
    if (connections) {
        m_connectionsPage = connections;
        m_connectionsPage->setParent(m_pages);
        addPage(m_connectionsPage, u"Connections"_s, u":/icons/server.svg"_s);
    }
    addPage(m_settingsPage, u"Settings"_s, u":/icons/settings.svg"_s);
    connect(m_sidebar, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    // The page it showed last time, if the window still has it.
    int firstRow = 0;
    for (int row = 0; row < m_pages->count(); ++row) {
        if (m_pages->widget(row)->objectName() == m_settings.lastPage())
            firstRow = row;
    }
    m_sidebar->setCurrentRow(firstRow);
    connect(m_sidebar, &QListWidget::currentRowChanged, this, [this](int row) {
        if (const QWidget* page = m_pages->widget(row))
            m_settings.setLastPage(page->objectName());
    });

    m_banner = new QLabel(this);
    m_banner->setObjectName(u"connectionBanner"_s);
    m_banner->setWordWrap(true);
    m_banner->setStyleSheet(u"QLabel#connectionBanner { background: #fff4e5; color: #6d3c00;"
                            " border-bottom: 1px solid #f0c36d; padding: 8px 14px; }"_s);
    m_banner->hide();
    connect(&m_store, &KeyStore::reachabilityChanged, this, &MainWindow::showReachability);

    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_sidebar);
    auto* content = new QVBoxLayout;
    content->setSpacing(0);
    content->addWidget(m_banner);
    content->addWidget(m_pages, 1);
    layout->addLayout(content, 1);
    setCentralWidget(central);

    buildMenus();
    buildStatusBar();
    connect(m_keysPage, &ApiKeysPage::statusMessage, statusBar(), &QStatusBar::showMessage);
    connect(m_usagePage, &UsagePage::statusMessage, statusBar(), &QStatusBar::showMessage);
    if (m_connectionsPage)
        connect(m_connectionsPage, &ConnectionsPage::statusMessage, statusBar(),
                &QStatusBar::showMessage);
    connect(m_keysPage, &ApiKeysPage::usageRequested, this, [this](const QStringList& keyIds) {
        m_usagePage->setKeyFilter(keyIds);
        showPage(m_usagePage);
    });
    // Where it was when it closed; else wide enough for every column of the keys table, never
    // larger than the screen.
    m_keysPage->restoreTableState(m_settings.keysTableState());
    if (!restoreGeometry(m_settings.windowGeometry())) {
        const QSize available = screen()->availableSize();
        resize(qMin(1400, available.width()), qMin(860, available.height()));
    }
    buildAlerts(store, usage, lifecycle, clock);
    probeKeychain();
}

void MainWindow::buildAlerts(KeyStore& store, UsageStore& usage, LifecycleStore& lifecycle,
                             const Clock& clock)
{
    connect(m_alertsPage, &AlertsPage::statusMessage, statusBar(), &QStatusBar::showMessage);
    connect(m_alertsPage, &AlertsPage::attentionCountChanged, this, &MainWindow::showAlertCount);
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(windowIcon(), this);
        m_tray->setObjectName(u"trayIcon"_s);
        m_tray->setToolTip(u"KeyDeck"_s);
        const auto bringBack = [this] {
            showNormal();
            raise();
            activateWindow();
        };
        connect(m_tray, &QSystemTrayIcon::activated, this, bringBack);
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this, bringBack] {
            bringBack();
            showPage(m_alertsPage);
        });
        m_tray->show();
    }
    m_alertMonitor =
        new AlertMonitor(lifecycle, store, usage, clock,
                         m_tray ? AlertMonitor::trayNotifier(m_tray) : AlertMonitor::Notifier(),
                         AlertMonitor::windowInForeground(this), this);
    // The page's first load may have finished before the connection above.
    showAlertCount(m_alertsPage->attentionCount());
}

void MainWindow::showAlertCount(int count)
{
    QListWidgetItem* item = m_sidebar->item(m_pages->indexOf(m_alertsPage));
    item->setText(count > 0 ? u"Alerts (%1)"_s.arg(count) : u"Alerts"_s);
    item->setToolTip(count == 1  ? u"1 alert needs attention"_s
                     : count > 0 ? u"%1 alerts need attention"_s.arg(count)
                                 : QString());
    if (m_tray)
        m_tray->setToolTip(item->toolTip().isEmpty() ? u"KeyDeck"_s
                                                     : u"KeyDeck — "_s + item->toolTip());
}

void MainWindow::addPage(QWidget* page, const QString& title, const QString& iconPath)
{
    m_pages->addWidget(page);
    auto* item = new QListWidgetItem(QIcon(iconPath), title, m_sidebar);
    item->setSizeHint(QSize(SidebarWidth - 16, 36));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    m_settings.setWindowGeometry(saveGeometry());
    m_settings.setKeysTableState(m_keysPage->tableState());
    QMainWindow::closeEvent(event);
}

void MainWindow::showPage(QWidget* page)
{
    m_sidebar->setCurrentRow(m_pages->indexOf(page));
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(u"&File"_s);
    file->addAction(m_usagePage->importAction());
    file->addSeparator();
    QAction* quit = file->addAction(u"&Quit"_s);
    quit->setObjectName(u"actionQuit"_s);
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu* keys = menuBar()->addMenu(u"&Keys"_s);
    const QList<QAction*> actions = m_keysPage->keyActions();
    keys->addAction(actions.constFirst());
    keys->addSeparator();
    keys->addActions(actions.mid(1));
    keys->addSeparator();
    keys->addMenu(m_keysPage->columnsMenu());
    QAction* find = keys->addAction(u"&Search Keys"_s);
    find->setObjectName(u"actionFindKeys"_s);
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, this, [this] {
        showPage(m_keysPage);
        m_keysPage->focusSearch();
    });
    connect(m_keysPage->generateAction(), &QAction::triggered, this,
            [this] { showPage(m_keysPage); });

    // Every page a keystroke away, in the sidebar's order.
    QMenu* go = menuBar()->addMenu(u"&Go"_s);
    for (int row = 0; row < m_sidebar->count() && row < 9; ++row) {
        QAction* page = go->addAction(m_sidebar->item(row)->icon(), m_sidebar->item(row)->text());
        page->setObjectName(u"actionGoToPage%1"_s.arg(row + 1));
        page->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + row)));
        connect(page, &QAction::triggered, this, [this, row] { m_sidebar->setCurrentRow(row); });
    }

    QMenu* help = menuBar()->addMenu(u"&Help"_s);
    QAction* guide = help->addAction(u"KeyDeck &Help"_s);
    guide->setObjectName(u"actionHelp"_s);
    guide->setShortcut(QKeySequence::HelpContents);
    connect(guide, &QAction::triggered, this, [this] {
        auto* window = new HelpWindow(this);
        window->setAttribute(Qt::WA_DeleteOnClose);
        window->show();
        window->showSection(u"The desktop app"_s);
    });
    help->addSeparator();
    QAction* about = help->addAction(u"&About KeyDeck"_s);
    about->setObjectName(u"actionAbout"_s);
    about->setMenuRole(QAction::AboutRole);
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);
}

void MainWindow::showAbout()
{
    QMessageBox box(QMessageBox::NoIcon, u"About KeyDeck"_s, {}, QMessageBox::Close, this);
    box.setObjectName(u"aboutBox"_s);
    box.setIconPixmap(windowIcon().pixmap(64, 64));
    box.setTextFormat(Qt::RichText);
    box.setText(
        u"<h3>KeyDeck %1</h3><p>The API keys of an OpenAI-compatible API: quotas, spend "
        "caps, rate limits, rotation, usage and <code>.env</code> export. Secrets stay in "
        "the system keychain.</p>"_s.arg(QApplication::applicationVersion().toHtmlEscaped()));
    box.setInformativeText(u"<p>Built with:</p><ul>"
                           "<li>Qt %1 — LGPL-3.0 (Qt Charts: GPL-3.0)</li>"
                           "<li>QtKeychain — BSD-3-Clause</li>"
                           "<li>SQLite — public domain</li>"
                           "</ul>"_s.arg(QString::fromLatin1(qVersion()).toHtmlEscaped()));
    box.exec();
}

void MainWindow::showReachability(bool reachable, const QString& why)
{
    if (reachable) {
        if (m_banner->isVisible())
            statusBar()->showMessage(u"Connected again; everything was reloaded."_s, 8000);
        m_banner->hide();
        return;
    }
    m_banner->setText(u"The connection to %1 is lost (%2). KeyDeck reconnects by itself; until "
                      "then changes cannot be saved, and nothing you do is kept half-done."_s.arg(
                          m_store.location(), why));
    m_banner->show();
}

void MainWindow::buildStatusBar()
{
    auto* storeLabel = new QLabel(m_store.location(), this);
    storeLabel->setObjectName(u"storeLocationLabel"_s);
    storeLabel->setToolTip(u"Where the key records are kept (never the secrets)"_s);
    storeLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_keychainLabel = new QLabel(u"Keychain: checking…"_s, this);
    m_keychainLabel->setObjectName(u"keychainStatusLabel"_s);
    statusBar()->addPermanentWidget(storeLabel);
    statusBar()->addPermanentWidget(m_keychainLabel);
}

void MainWindow::probeKeychain()
{
    m_vault.probe()
        .then(this,
              [this](const SecretVault::Probe& probe) {
                  if (probe.available) {
                      m_keychainLabel->setText(u"Keychain: available"_s);
                      m_keychainLabel->setToolTip(
                          u"New keys are saved to this computer's keychain"_s);
                      return;
                  }
                  QString reason = probe.reason;
                  if (reason.size() > MaxKeychainReasonChars)
                      reason = reason.left(MaxKeychainReasonChars - 1) + u'…';
                  m_keychainLabel->setText(u"Keychain: unavailable — %1"_s.arg(reason));
                  m_keychainLabel->setToolTip(probe.reason);
              })
        .onFailed(this, [this](const std::exception& error) {
            m_keychainLabel->setText(
                u"Keychain: unavailable — %1"_s.arg(ErrorText::describe(error)));
        });
}
