#pragma once

#include <QMainWindow>

class AlertMonitor;
class AlertsPage;
class ApiKeysPage;
class ClipboardGuard;
class ConnectionsPage;
class Clock;
class KeyStore;
class LifecycleStore;
class QLabel;
class QListWidget;
class QStackedWidget;
class QSystemTrayIcon;
class SecretVault;
class SettingsPage;
class UiSettings;
class UsagePage;
class UsageStore;

// Sidebar + pages. Only pages that work are listed. The status bar says where the keys live
// and whether the keychain can hold their secrets; a banner says when a server store's
// connection is lost, until it is back.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    // connections: the Connections page, when the app can switch stores (the window owns it).
    MainWindow(KeyStore& store, UsageStore& usage, LifecycleStore& lifecycle, SecretVault& vault,
               const Clock& clock, UiSettings& settings, ConnectionsPage* connections = nullptr,
               QWidget* parent = nullptr);

    UsagePage* usagePage() const { return m_usagePage; }
    AlertsPage* alertsPage() const { return m_alertsPage; }
    AlertMonitor* alertMonitor() const { return m_alertMonitor; }
    ConnectionsPage* connectionsPage() const { return m_connectionsPage; }
    void showPage(QWidget* page);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void showAbout();
    void buildStatusBar();
    void addPage(QWidget* page, const QString& title, const QString& iconPath);
    void probeKeychain();
    void showReachability(bool reachable, const QString& why);
    void buildAlerts(KeyStore& store, UsageStore& usage, LifecycleStore& lifecycle,
                     const Clock& clock);
    void showAlertCount(int count);

    KeyStore& m_store;
    SecretVault& m_vault;
    UiSettings& m_settings;
    ClipboardGuard* m_clipboard = nullptr;
    QListWidget* m_sidebar = nullptr;
    QStackedWidget* m_pages = nullptr;
    ApiKeysPage* m_keysPage = nullptr;
    UsagePage* m_usagePage = nullptr;
    AlertsPage* m_alertsPage = nullptr;
    SettingsPage* m_settingsPage = nullptr;
    ConnectionsPage* m_connectionsPage = nullptr;
    QLabel* m_banner = nullptr;
    AlertMonitor* m_alertMonitor = nullptr;
    QSystemTrayIcon* m_tray = nullptr;
    QLabel* m_keychainLabel = nullptr;
};
