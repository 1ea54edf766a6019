#pragma once

#include "Alert.h"

#include <QObject>
#include <QTimer>
#include <functional>

class KeyStore;
class LifecycleStore;
class QSystemTrayIcon;
class QWidget;
class UsageStore;

// Evaluates the alert rules when keys, usage or rules change (coalesced) and every few minutes,
// and turns newly raised alerts into one desktop notification while the user is looking
// elsewhere. The notifier and the "is the user looking" check are injected, so tests can watch
// notifications without a system tray.
class AlertMonitor final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertMonitor)

public:
    using Notifier = std::function<void(const QString& title, const QString& message)>;
    using ForegroundCheck = std::function<bool()>;

    static constexpr int CoalesceMs = 1000;
    static constexpr int PeriodMs = 5 * 60 * 1000;

    AlertMonitor(LifecycleStore& lifecycle, KeyStore& store, UsageStore& usage, Notifier notifier,
                 ForegroundCheck inForeground, QObject* parent = nullptr);

    // Shows the message as a balloon of the tray icon.
    static Notifier trayNotifier(QSystemTrayIcon* tray);
    // True while the application is active and the window shown, not minimized.
    static ForegroundCheck windowInForeground(const QWidget* window);

    // Evaluates now, or right after an evaluation in flight.
    void evaluateNow();
    int evaluationCount() const { return m_evaluations; }

Q_SIGNALS:
    void alertsRaised(const QList<Alert>& alerts);
    void evaluationFailed(const QString& reason);

private:
    void scheduleEvaluation();
    void notify(const QList<Alert>& raised);

    LifecycleStore& m_lifecycle;
    Notifier m_notifier;
    ForegroundCheck m_inForeground;
    QTimer m_coalesceTimer;
    QTimer m_periodTimer;
    bool m_running = false;
    bool m_again = false;
    int m_evaluations = 0;
};
