#pragma once

#include <QEventLoop>
#include <QFuture>
#include <QFutureWatcher>
#include <type_traits>

// The future's result (a failure rethrown), waited for in an event loop that sleeps until
// something happens: a server store answers through the loop, and a loop that polls would take
// one of the machine's cores from the work being measured.
template <typename T> T awaitInEventLoop(QFuture<T> future)
{
    if (!future.isFinished()) {
        QEventLoop loop;
        QFutureWatcher<T> watcher;
        QObject::connect(&watcher, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
        // A future that finished meanwhile still reports it, through the loop.
        watcher.setFuture(future);
        loop.exec();
    }
    if constexpr (std::is_void_v<T>)
        future.waitForFinished();
    else
        return future.result();
}
