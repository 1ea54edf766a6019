#pragma once

#include <QTimer>
#include <QWidget>

class ClipboardGuard;
class QLabel;
class QLineEdit;
class QPushButton;
class SecretVault;

// A new key's secret, shown once: monospace read-only field ("secretField"), Copy
// ("copyButton", through the clipboard guard) with its status ("copyStatus"), and the keychain
// status line ("keychainStatus"). Used by the show-once dialog and the rotation wizard.
class SecretPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SecretPanel)

public:
    enum class KeychainState
    {
        Saving,
        Saved,
        Failed,
        Skipped
    };

    SecretPanel(const QString& secret, ClipboardGuard& clipboard, QWidget* parent = nullptr);

    QLineEdit* secretField() const { return m_secretField; }
    // detail: for Failed, why and what to do (e.g. "No keychain: copy the key now").
    void setKeychainState(KeychainState state, const QString& detail = {});
    // Stores the secret under keyId, following the job on the keychain status line.
    void saveToKeychain(SecretVault& vault, const QString& keyId);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void copy();
    void showCountdown();

    ClipboardGuard& m_clipboard;
    QString m_secret;
    QLineEdit* m_secretField = nullptr;
    QPushButton* m_copyButton = nullptr;
    QLabel* m_copyStatus = nullptr;
    // Ticks the "clears in N s" count down while a clear is pending.
    QTimer m_countdown;
    QLabel* m_keychainStatus = nullptr;
    bool m_copied = false;
    bool m_cleared = false;
};
