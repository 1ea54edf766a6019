#pragma once

#include <QFuture>
#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QTimer>
#include <functional>
#include <memory>

class QSocketNotifier;

// Hears other processes' commits to a SQLite file as they happen (Linux inotify), so the store
// looks for changes at once instead of at its next poll. Every commit in WAL mode writes the
// -wal file; the commit becomes visible only once its writer has synced the file and updated
// the index in -shm (a memory map, which reports nothing), a moment after its last write. So
// the store looks at each write, again SettleMs and LateMs after the last one, and when a writer
// closes the file (a keydeckctl that exits has committed by then). The -wal file comes and goes
// (a checkpoint that truncates it, the last connection closing): the folder is watched for it
// too. Lives on the thread that made it; without inotify the store's poll alone tells.
class SqliteFileWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SqliteFileWatcher)

public:
    static constexpr int SettleMs = 10;
    static constexpr int LateMs = 100;

    // changed: called on this object's thread.
    SqliteFileWatcher(QString databasePath, std::function<void()> changed);
    ~SqliteFileWatcher() override;

    // Starts once the store has opened the file (its folder and -wal file exist then). A
    // watcher rather than a continuation: a future takes one continuation, its caller's.
    void watchWhenOpen(const QFuture<void>& opened);

private:
    void watch();
    // Watches the -wal file if it is there and not watched yet; whether it started now.
    bool follow();
    void readEvents();
    void heard();

    const QString m_walPath;
    const std::function<void()> m_changed;
    int m_fd = -1;
    int m_folderWatch = -1;
    int m_walWatch = -1;
    std::unique_ptr<QSocketNotifier> m_notifier;
    QFutureWatcher<void> m_opened;
    QTimer m_settled;
    QTimer m_late;
};
