#pragma once

#include "ApiKeyRecord.h"
#include "UsageEvent.h"

#include <QTimer>
#include <QWizard>
#include <optional>

class ClipboardGuard;
class Clock;
class GatedWizardPage;
class KeyStore;
class LifecycleStore;
class QCheckBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QVBoxLayout;
class QWizardPage;
class SecretVault;
class UsageStore;

// Rotate… on a key, in three steps. (1) "createPage": "createNewKeyButton" creates the
// new version with the same settings and shows its secret once ("newSecretField", Copy, keychain
// status); "storedCheck" gates Next. (2) "deployPage": copy it again from the keychain
// ("copyNewKeyButton") or export it ("exportEnvButton"). (3) "revokePage": the old key's requests
// since the rotation, live ("oldKeyRequestsLabel"), a quiet period ("quietMinutesSpin") and the
// advice that follows from it ("recommendationLabel"); "revokeOldButton" asks first
// ("revokeConfirm", or "revokeEarlyConfirm" while the old key is not quiet). Closing at step 3
// keeps the old key, linked to the new one.
class RotateKeyWizard final : public QWizard
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RotateKeyWizard)

public:
    enum PageId
    {
        CreatePageId,
        DeployPageId,
        RevokePageId
    };
    static constexpr int RefreshIntervalMs = 5000;
    static constexpr int DefaultQuietMinutes = 60;
    // The old key's latest requests read for the addresses that still send it.
    static constexpr int ClientSample = 500;
    static constexpr int MaxClients = 5;

    RotateKeyWizard(const ApiKeyRecord& oldKey, KeyStore& keys, UsageStore& usage,
                    LifecycleStore& lifecycle, SecretVault& vault, const Clock& clock,
                    ClipboardGuard& clipboard, QWidget* parent = nullptr);

    // A rotation begun earlier (the old key links to newKey, which is in use): the wizard opens
    // at step 3, the old key's traffic since the rotation and its revocation.
    void resumeAtRevoke(const ApiKeyRecord& newKey);
    // Empty until step 1 has created it.
    const ApiKeyRecord& newKey() const { return m_newKey; }
    void reject() override;

Q_SIGNALS:
    void keyRotated(const ApiKeyRecord& newKey);
    void oldKeyRevoked(const ApiKeyRecord& oldKey);

protected:
    void initializePage(int id) override;

private:
    QWizardPage* buildCreatePage();
    QWizardPage* buildDeployPage();
    QWizardPage* buildRevokePage();

    void createNewKey();
    void showNewKey(const CreatedKey& created);
    bool canClose() const;
    void updateCancelButton();

    void copyNewKey();
    void exportEnv();

    void refreshTraffic();
    void trafficRead();
    void showClients(const QList<UsageEvent>& events);
    void updateTrafficText();
    bool isQuiet() const;
    void confirmRevoke();
    void revokeOldKey();

    ApiKeyRecord m_oldKey;
    ApiKeyRecord m_newKey;
    KeyStore& m_keys;
    UsageStore& m_usage;
    LifecycleStore& m_lifecycle;
    SecretVault& m_vault;
    const Clock& m_clock;
    ClipboardGuard& m_clipboard;

    GatedWizardPage* m_createPage = nullptr;
    QLabel* m_createIntro = nullptr;
    QPushButton* m_createButton = nullptr;
    QLabel* m_createStatus = nullptr;
    QVBoxLayout* m_secretSlot = nullptr;
    QCheckBox* m_storedCheck = nullptr;
    bool m_rotating = false;
    bool m_resumed = false;

    QLabel* m_deployIntro = nullptr;
    QLabel* m_deployStatus = nullptr;

    GatedWizardPage* m_revokePage = nullptr;
    QLabel* m_requestsLabel = nullptr;
    QSpinBox* m_quietSpin = nullptr;
    QLabel* m_clientsLabel = nullptr;
    QLabel* m_recommendation = nullptr;
    QPushButton* m_revokeButton = nullptr;
    QLabel* m_revokeStatus = nullptr;
    QTimer m_trafficTimer;
    bool m_trafficBusy = false;
    bool m_trafficAgain = false;
    bool m_trafficKnown = false;
    qint64 m_requestsSinceRotation = 0;
    std::optional<qint64> m_lastRequestMs; // the old key's last request, ever
    bool m_revoking = false;
    bool m_revoked = false;
};
