#pragma once

#include "Alert.h"

#include <QHash>
#include <QObject>
#include <QTimer>
#include <functional>

class Clock;
class KeyStore;
class LifecycleStore;
class QSystemTrayIcon;
class QWidget;
class UsageStore;

// Looks at the store's open alerts when keys, usage or alerts change (at most once a second)
// and every few minutes - the store evaluates its rules itself, so what it lists is current -
// and turns alerts raised since KeyDeck started, and not seen before, and alerts that grew more
// severe into one desktop notification while the user is looking elsewhere. The notifier and the
// "is the user looking" check are injected, so tests can watch notifications without a system tray.
class AlertMonitor final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertMonitor)

public:
    using Notifier = std::function<void(const QString& title, const QString& message)>;
    using ForegroundCheck = std::function<bool()>;

    static constexpr int CoalesceMs = 1000;
    static constexpr int PeriodMs = 5 * 60 * 1000;

    AlertMonitor(LifecycleStore& lifecycle, KeyStore& store, UsageStore& usage, const Clock& clock,
                 Notifier notifier, ForegroundCheck inForeground, QObject* parent = nullptr);

    // Shows the message as a balloon of the tray icon.
    static Notifier trayNotifier(QSystemTrayIcon* tray);
    // True while the application is active and the window shown, not minimized.
    static ForegroundCheck windowInForeground(const QWidget* window);

    // Looks now, or right after a look in flight.
    void checkNow();
    int checkCount() const { return m_checks; }

Q_SIGNALS:
    void alertsRaised(const QList<Alert>& alerts);
    void checkFailed(const QString& reason);

private:
    void scheduleCheck();
    void notify(const QList<Alert>& raised);

    LifecycleStore& m_lifecycle;
    Notifier m_notifier;
    ForegroundCheck m_inForeground;
    QTimer m_coalesceTimer;
    QTimer m_periodTimer;
    bool m_running = false;
    bool m_again = false;
    int m_checks = 0;
    // Alerts raised before this were there before KeyDeck started: not news.
    qint64 m_startMs = 0;
    // The severity each open alert had when last seen.
    QHash<qint64, Alert::Severity> m_seen;
};
