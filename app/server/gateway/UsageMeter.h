#pragma once

#include "UsageEvent.h"

#include <QFuture>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QTimer>

class RequestLog;
class UsageStore;

// The gateway's usage events, written in batches: every flushIntervalMs, or sooner when a batch
// is full, so metering costs the store one transaction per batch rather than one per request.
// record() is safe from any thread; the meter lives on the store thread.
class UsageMeter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsageMeter)

public:
    static constexpr int MaxBatch = 1000;

    UsageMeter(UsageStore& usage, RequestLog& log, int flushIntervalMs = 250,
               QObject* parent = nullptr);
    ~UsageMeter() override;

    void record(UsageEvent event);
    // Writes everything recorded so far and waits until it is stored (at shutdown).
    void flushAndWait();
    qint64 pending() const;

private:
    void flush();
    QList<UsageEvent> take();
    // A batch the store refused (a key deleted meanwhile fails it whole): each event alone,
    // so one bad event loses only itself.
    void recordOneByOne(const QList<UsageEvent>& events);

    UsageStore& m_usage;
    RequestLog& m_log;
    QTimer m_timer;
    mutable QMutex m_mutex;
    QList<UsageEvent> m_pending;
    // Batches handed to the store and not yet known to be stored, which shutdown waits for.
    // Every event has a request_id, so a batch recorded twice (its fallback run here and at
    // shutdown) is stored once.
    struct InFlight
    {
        QFuture<qint64> written;
        QList<UsageEvent> events;
    };
    QList<InFlight> m_inFlight;
};
