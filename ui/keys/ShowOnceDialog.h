#pragma once

#include "ApiKeyRecord.h"
#include "SecretPanel.h"

#include <QDialog>

class ClipboardGuard;
class QCheckBox;
class QPushButton;
class SecretVault;

// Shows a new key's secret exactly once: the SecretPanel ("secretField", "copyButton",
// "keychainStatus"), and a checkbox "storedCheck" ("I have stored this key") that must be
// ticked before "doneButton" closes it. Escape and the window close button do nothing until then.
class ShowOnceDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ShowOnceDialog)

public:
    ShowOnceDialog(const CreatedKey& created, ClipboardGuard& clipboard, QWidget* parent = nullptr);

    using KeychainState = SecretPanel::KeychainState;
    // detail: for Failed, why and what to do (e.g. "No keychain: copy the key now").
    void setKeychainState(KeychainState state, const QString& detail = {});
    void saveToKeychain(SecretVault& vault, const QString& keyId);

    void reject() override;

private:
    SecretPanel* m_panel = nullptr;
    QCheckBox* m_storedCheck = nullptr;
    QPushButton* m_doneButton = nullptr;
};
