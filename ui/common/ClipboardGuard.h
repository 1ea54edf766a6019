#pragma once

#include <QObject>
#include <QTimer>

class QClipboard;

// Puts a secret on the clipboard marked for password managers (x-kde-passwordManagerHint) and
// clears it after a delay, but only if the clipboard still holds that secret.
class ClipboardGuard final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClipboardGuard)

public:
    // Also clears, at the latest when the application quits or the guard is destroyed, a secret
    // the clipboard still holds: the delay does not outlive the app.
    explicit ClipboardGuard(QClipboard* clipboard, QObject* parent = nullptr);
    ~ClipboardGuard() override;

    void setClearDelaySeconds(int seconds); // 0 disables clearing
    int clearDelaySeconds() const;
    void copySecret(const QString& secret);
    bool isClearPending() const;
    // Seconds until a pending clear (at least 1 while it is pending); 0 when none is.
    int secondsUntilClear() const;

Q_SIGNALS:
    void cleared();

private:
    // Clears the clipboard if it still holds the secret; true if it did.
    bool clearIfOurs();

    QClipboard* m_clipboard;
    QTimer m_timer;
    QString m_secret;
};
