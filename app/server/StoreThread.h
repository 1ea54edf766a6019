#pragma once

#include <QObject>
#include <QPointer>
#include <functional>

// The thread whose event loop owns the stores (the main thread). I/O threads hand it work
// and go on; the stores then do their own work on their worker threads.
class StoreThread final
{
public:
    explicit StoreThread(QObject& context)
        : m_context(&context)
    {}

    QObject* context() const { return m_context; }
    // Queued, never run on the caller's stack: safe from any thread.
    void post(std::function<void()> work) const
    {
        QMetaObject::invokeMethod(m_context, std::move(work), Qt::QueuedConnection);
    }

private:
    QPointer<QObject> m_context;
};
