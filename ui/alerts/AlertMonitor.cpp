#include "AlertMonitor.h"

#include "Clock.h"
#include "ErrorText.h"
#include "KeyStore.h"
#include "LifecycleStore.h"
#include "UsageStore.h"

#include <QGuiApplication>
#include <QPointer>
#include <QSystemTrayIcon>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace {
// More would not fit a notification balloon; the Alerts page lists them all.
constexpr int MaxAlertsInNotification = 3;
constexpr int NotificationMs = 10'000;
} // namespace

AlertMonitor::AlertMonitor(LifecycleStore& lifecycle, KeyStore& store, UsageStore& usage,
                           const Clock& clock, Notifier notifier, ForegroundCheck inForeground,
                           QObject* parent)
    : QObject(parent)
    , m_lifecycle(lifecycle)
    , m_notifier(std::move(notifier))
    , m_inForeground(std::move(inForeground))
    , m_startMs(clock.nowUtcMs())
{
    m_coalesceTimer.setSingleShot(true);
    m_coalesceTimer.setInterval(CoalesceMs);
    connect(&m_coalesceTimer, &QTimer::timeout, this, &AlertMonitor::checkNow);
    // Time alone moves conditions: keys age into rotation and towards their expiry.
    m_periodTimer.setInterval(PeriodMs);
    connect(&m_periodTimer, &QTimer::timeout, this, &AlertMonitor::checkNow);
    m_periodTimer.start();

    connect(&store, &KeyStore::keysChanged, this, &AlertMonitor::scheduleCheck);
    connect(&usage, &UsageStore::usageChanged, this, &AlertMonitor::scheduleCheck);
    connect(&lifecycle, &LifecycleStore::alertsChanged, this, &AlertMonitor::scheduleCheck);
    scheduleCheck();
}

AlertMonitor::Notifier AlertMonitor::trayNotifier(QSystemTrayIcon* tray)
{
    const QPointer<QSystemTrayIcon> guard(tray);
    return [guard](const QString& title, const QString& message) {
        if (guard)
            guard->showMessage(title, message, QSystemTrayIcon::Warning, NotificationMs);
    };
}

AlertMonitor::ForegroundCheck AlertMonitor::windowInForeground(const QWidget* window)
{
    const QPointer<const QWidget> guard(window);
    return [guard] {
        return QGuiApplication::applicationState() == Qt::ApplicationActive && guard &&
               guard->isVisible() && !guard->isMinimized();
    };
}

void AlertMonitor::scheduleCheck()
{
    // Not restarted by every signal: a steady stream of usage still looks once a second.
    if (!m_coalesceTimer.isActive())
        m_coalesceTimer.start();
}

void AlertMonitor::checkNow()
{
    if (m_running) {
        m_again = true;
        return;
    }
    m_running = true;
    m_coalesceTimer.stop();
    m_lifecycle.alerts(false)
        .then(this,
              [this](const QList<Alert>& open) {
                  ++m_checks;
                  QList<Alert> raised;
                  for (const Alert& alert : open) {
                      const auto seen = m_seen.constFind(alert.id);
                      const bool fresh = seen == m_seen.cend() ? alert.raisedAtMs >= m_startMs
                                                               : alert.severity > *seen;
                      m_seen.insert(alert.id, alert.severity);
                      if (fresh && !alert.acknowledgedAtMs)
                          raised << alert;
                  }
                  if (!raised.isEmpty()) {
                      Q_EMIT alertsRaised(raised);
                      notify(raised);
                  }
              })
        .onFailed(
            this,
            [this](const std::exception& error) { Q_EMIT checkFailed(ErrorText::describe(error)); })
        .then(this, [this] {
            m_running = false;
            if (std::exchange(m_again, false))
                checkNow();
        });
}

void AlertMonitor::notify(const QList<Alert>& raised)
{
    if (!m_notifier || (m_inForeground && m_inForeground()))
        return;
    QStringList lines;
    for (const Alert& alert : raised.first(qMin(raised.size(), MaxAlertsInNotification)))
        lines << alert.message;
    if (raised.size() > MaxAlertsInNotification)
        lines << u"…and %1 more on the Alerts page"_s.arg(raised.size() - MaxAlertsInNotification);
    const QString title = raised.size() == 1
                              ? u"KeyDeck alert"_s
                              : u"KeyDeck: %1 alerts need attention"_s.arg(raised.size());
    m_notifier(title, lines.join(u'\n'));
}
