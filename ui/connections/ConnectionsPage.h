#pragma once

#include "ConnectionChoice.h"
#include "StoreConnection.h"

#include <QWidget>
#include <functional>
#include <memory>

class ConnectionSettings;
class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QListWidgetItem;
class SecretVault;

// Where KeyDeck keeps its keys: this computer's store or a keydeck-server. Server profiles
// (name, address, TLS checking, a CA file) are saved in the settings and their admin keys in
// the keychain; "Test connection" says plainly what happens when KeyDeck tries one, and
// "Connect" asks for the switch, which the session carries out without a restart.
class ConnectionsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionsPage)

public:
    // Makes an unopened connection for a choice, as the session does.
    using Factory = std::function<std::unique_ptr<StoreConnection>(const ConnectionChoice&)>;

    ConnectionsPage(ConnectionSettings& settings, SecretVault& vault, Factory factory,
                    ConnectionChoice current, QString localLocation, QWidget* parent = nullptr);
    ~ConnectionsPage() override;

    // Shown under the form: the outcome of a switch the session tried.
    void showConnectFailure(const ConnectionChoice& choice, const std::exception& error);
    void showNotice(const QString& text);
    void showConnected(const QString& text);

Q_SIGNALS:
    void connectRequested(const ConnectionChoice& choice);
    void statusMessage(const QString& text, int timeoutMs);

private:
    QWidget* buildLocalPanel();
    QWidget* buildServerForm();
    void reloadList(const QString& select);
    void showSelected();
    void addServer();
    // The form as a profile, or nullopt with the first wrong field shown.
    std::optional<ServerProfile> formProfile();
    bool checkAdminKey();
    void testConnection();
    void saveProfile(std::function<void(const ServerProfile&)> then);
    void deleteProfile();
    void connectSelected();
    void setResult(const QString& text, bool good);
    void setFormError(const QString& text);
    void setBusy(bool busy);
    QString selectedName() const;
    bool isInUse(const QString& profileName) const;
    static bool isNewItem(const QListWidgetItem* item);

    ConnectionSettings& m_settings;
    SecretVault& m_vault;
    Factory m_factory;
    const ConnectionChoice m_current;
    const QString m_localLocation;
    // The profile the form was loaded from; empty for a new one.
    QString m_editing;
    std::unique_ptr<StoreConnection> m_testConnection;

    QListWidget* m_list = nullptr;
    QWidget* m_localPanel = nullptr;
    QWidget* m_serverPanel = nullptr;
    QPushButton* m_useLocalButton = nullptr;
    QLineEdit* m_nameEdit = nullptr;
    QLineEdit* m_urlEdit = nullptr;
    QLineEdit* m_adminKeyEdit = nullptr;
    QLabel* m_adminKeyHint = nullptr;
    QCheckBox* m_verifyTlsCheck = nullptr;
    QLineEdit* m_caFileEdit = nullptr;
    QLabel* m_formError = nullptr;
    QLabel* m_result = nullptr;
    QPushButton* m_testButton = nullptr;
    QPushButton* m_saveButton = nullptr;
    QPushButton* m_connectButton = nullptr;
    QPushButton* m_deleteButton = nullptr;
};
