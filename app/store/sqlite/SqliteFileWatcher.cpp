#include "SqliteFileWatcher.h"

#include <QFile>
#include <QFileInfo>
#include <QSocketNotifier>
#include <sys/inotify.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

SqliteFileWatcher::SqliteFileWatcher(QString databasePath, std::function<void()> changed)
    : m_walPath(databasePath + u"-wal"_s)
    , m_changed(std::move(changed))
{
    for (auto [timer, ms] : {std::pair{&m_settled, SettleMs}, std::pair{&m_late, LateMs}}) {
        timer->setSingleShot(true);
        timer->setInterval(ms);
        connect(timer, &QTimer::timeout, this, [this] { m_changed(); });
    }
}

SqliteFileWatcher::~SqliteFileWatcher()
{
    m_notifier.reset();
    if (m_fd >= 0)
        ::close(m_fd);
}

void SqliteFileWatcher::watchWhenOpen(const QFuture<void>& opened)
{
    connect(&m_opened, &QFutureWatcher<void>::finished, this, &SqliteFileWatcher::watch,
            Qt::UniqueConnection);
    m_opened.setFuture(opened);
}

void SqliteFileWatcher::watch()
{
    if (m_fd >= 0)
        return;
    m_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (m_fd < 0)
        return;
    const QByteArray folder = QFile::encodeName(QFileInfo(m_walPath).absolutePath());
    m_folderWatch = inotify_add_watch(m_fd, folder.constData(), IN_CREATE | IN_MOVED_TO);
    m_notifier = std::make_unique<QSocketNotifier>(m_fd, QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &SqliteFileWatcher::readEvents);
    follow();
}

bool SqliteFileWatcher::follow()
{
    if (m_walWatch >= 0)
        return false;
    const QByteArray wal = QFile::encodeName(m_walPath);
    m_walWatch = inotify_add_watch(m_fd, wal.constData(), IN_MODIFY | IN_CLOSE_WRITE);
    return m_walWatch >= 0;
}

void SqliteFileWatcher::readEvents()
{
    alignas(inotify_event) char buffer[4096];
    const QString walName = QFileInfo(m_walPath).fileName();
    bool wrote = false;
    bool closed = false;
    for (;;) {
        const ssize_t length = ::read(m_fd, buffer, sizeof buffer);
        if (length <= 0)
            break;
        for (ssize_t at = 0; at < length;) {
            const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
            at += ssize_t(sizeof(inotify_event) + event->len);
            if (event->wd == m_walWatch) {
                if (event->mask & IN_IGNORED)
                    m_walWatch = -1;
                wrote = wrote || (event->mask & IN_MODIFY);
                closed = closed || (event->mask & IN_CLOSE_WRITE);
            } else if (event->wd == m_folderWatch && event->len > 0 &&
                       QFile::decodeName(event->name) == walName && follow()) {
                wrote = true;
            }
        }
    }
    if (closed)
        m_changed();
    if (wrote)
        heard();
}

void SqliteFileWatcher::heard()
{
    m_changed();
    m_settled.start();
    m_late.start();
}
