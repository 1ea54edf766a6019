#pragma once

#include "ConnectionChoice.h"
#include "ConnectionsPage.h"

#include <QObject>
#include <exception>
#include <functional>
#include <memory>

class Clock;
class ConnectionSettings;
class MainWindow;
class SecretVault;
class StoreConnection;
class UiSettings;

// The store the app works on and the window over it. Starts on the connection chosen last
// (the local store when that server cannot be reached, saying so), and switches to another
// without a restart: the new store is opened first, and only when it works does a new window
// take the old one's place; a switch that fails leaves everything as it was.
class StoreSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StoreSession)

public:
    struct Services
    {
        SecretVault& vault;
        const Clock& clock;
        UiSettings& uiSettings;
        ConnectionSettings& connections;
        QString localLocation;
    };

    StoreSession(ConnectionsPage::Factory factory, Services services, QObject* parent = nullptr);
    ~StoreSession() override;

    void start();
    void switchTo(const ConnectionChoice& choice);
    MainWindow* window() const { return m_window.get(); }
    const ConnectionChoice& current() const { return m_current; }

Q_SIGNALS:
    // A window shows the store (again).
    void switched();
    // Not even the local store opens: there is nothing to show.
    void failedToStart(const QString& why);

private:
    void openLocal(const QString& notice);
    // Opens the store of the choice and shows it with the notice (good: as a success), or
    // calls failed and changes nothing.
    void open(const ConnectionChoice& choice, const QString& notice, bool good,
              std::function<void(const std::exception&)> failed);
    void show(std::unique_ptr<StoreConnection> connection, const ConnectionChoice& choice,
              const QString& notice, bool good);

    ConnectionsPage::Factory m_factory;
    Services m_services;
    ConnectionChoice m_current;
    // Window before connection in destruction: the pages hold the stores.
    std::unique_ptr<StoreConnection> m_connection;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<StoreConnection> m_pending;
};
