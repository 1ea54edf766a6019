#pragma once

#include "ApiKeyRecord.h"

#include <QDialog>

class ClipboardGuard;
class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

// Shows a new key's secret exactly once: monospace read-only field ("secretField"), Copy
// ("copyButton"), the keychain status line ("keychainStatus"), and a checkbox
// "storedCheck" ("I have stored this key") that must be ticked before "doneButton" closes it.
// Escape and the window close button do nothing until then.
class ShowOnceDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ShowOnceDialog)

public:
    ShowOnceDialog(const CreatedKey& created, ClipboardGuard& clipboard, QWidget* parent = nullptr);

    enum class KeychainState
    {
        Saving,
        Saved,
        Failed,
        Skipped
    };
    // detail: for Failed, why and what to do (e.g. "No keychain: copy the key now").
    void setKeychainState(KeychainState state, const QString& detail = {});

    void reject() override;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void copy();

    ClipboardGuard& m_clipboard;
    QString m_secret;
    QLineEdit* m_secretField = nullptr;
    QPushButton* m_copyButton = nullptr;
    QLabel* m_copyStatus = nullptr;
    QLabel* m_keychainStatus = nullptr;
    QCheckBox* m_storedCheck = nullptr;
    QPushButton* m_doneButton = nullptr;
    bool m_copied = false;
};
