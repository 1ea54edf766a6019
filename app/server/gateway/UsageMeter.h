#pragma once

#include "SpendStore.h"
#include "UsageEvent.h"

#include <QFuture>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QTimer>

class RequestLog;

// The gateway's usage events, written in batches: every flushIntervalMs, or sooner when a batch
// is full, so metering costs the store one transaction per batch rather than one per request.
// Each event settles its request's spend reservation in the same transaction (SpendStore).
// record() is safe from any thread; the meter lives on the store thread.
class UsageMeter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsageMeter)

public:
    static constexpr int MaxBatch = 1000;

    UsageMeter(SpendStore& spend, RequestLog& log, int flushIntervalMs = 250,
               QObject* parent = nullptr);
    ~UsageMeter() override;

    // reservationId: what the request reserved (SpendStore::reserveSpend), empty for none.
    void record(UsageEvent event, QString reservationId = {});
    // Writes everything recorded so far and waits until it is stored (at shutdown).
    void flushAndWait();
    qint64 pending() const;

private:
    void flush();
    using Batch = QList<SpendStore::Settlement>;
    Batch take();
    // A batch the store refused (a key deleted meanwhile fails it whole): each event alone,
    // so one bad event loses only itself.
    void recordOneByOne(const Batch& batch);

    SpendStore& m_spend;
    RequestLog& m_log;
    QTimer m_timer;
    mutable QMutex m_mutex;
    Batch m_pending;
    // Batches handed to the store and not yet known to be stored, which shutdown waits for.
    // Every event has a request_id, so a batch recorded twice (its fallback run here and at
    // shutdown) is stored once.
    struct InFlight
    {
        QFuture<qint64> written;
        Batch settlements;
    };
    QList<InFlight> m_inFlight;
};
