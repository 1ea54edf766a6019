#pragma once

#include <QMainWindow>

class ApiKeysPage;
class ClipboardGuard;
class Clock;
class KeyStore;
class QLabel;
class QListWidget;
class QStackedWidget;
class SecretVault;
class SettingsPage;
class UiSettings;

// Sidebar + pages. Only pages that work are listed. The status bar says where the keys live
// and whether the keychain can hold their secrets.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    MainWindow(KeyStore& store, SecretVault& vault, const Clock& clock, UiSettings& settings,
               QWidget* parent = nullptr);

private:
    void buildMenus();
    void buildStatusBar();
    void addPage(QWidget* page, const QString& title, const QString& iconPath);
    void showPage(QWidget* page);
    void probeKeychain();

    KeyStore& m_store;
    SecretVault& m_vault;
    UiSettings& m_settings;
    ClipboardGuard* m_clipboard = nullptr;
    QListWidget* m_sidebar = nullptr;
    QStackedWidget* m_pages = nullptr;
    ApiKeysPage* m_keysPage = nullptr;
    SettingsPage* m_settingsPage = nullptr;
    QLabel* m_keychainLabel = nullptr;
};
