#include "UsageMeter.h"

#include "RequestLog.h"

using namespace Qt::StringLiterals;

UsageMeter::UsageMeter(SpendStore& spend, RequestLog& log, int flushIntervalMs, QObject* parent)
    : QObject(parent)
    , m_spend(spend)
    , m_log(log)
{
    m_timer.setInterval(flushIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &UsageMeter::flush);
    m_timer.start();
}

UsageMeter::~UsageMeter()
{
    flushAndWait();
}

void UsageMeter::record(UsageEvent event, QString reservationId)
{
    const QMutexLocker lock(&m_mutex);
    m_pending.append({std::move(reservationId), std::move(event)});
    if (m_pending.size() == MaxBatch)
        QMetaObject::invokeMethod(this, &UsageMeter::flush, Qt::QueuedConnection);
}

qint64 UsageMeter::pending() const
{
    const QMutexLocker lock(&m_mutex);
    return m_pending.size();
}

UsageMeter::Batch UsageMeter::take()
{
    const QMutexLocker lock(&m_mutex);
    if (m_pending.size() <= MaxBatch)
        return std::exchange(m_pending, {});
    Batch batch = m_pending.mid(0, MaxBatch);
    m_pending.remove(0, MaxBatch);
    return batch;
}

void UsageMeter::flush()
{
    m_inFlight.removeIf([](const InFlight& batch) { return batch.written.isFinished(); });
    for (Batch batch = take(); !batch.isEmpty(); batch = take()) {
        QFuture<qint64> written = m_spend.settleSpend(batch);
        m_inFlight.append({written, batch});
        written.onFailed(this, [this, batch](const std::exception& error) {
            m_log.error(u"a batch of usage events was refused; recording them one by one"_s,
                        {{u"events"_s, QString::number(batch.size())},
                         {u"error"_s, QString::fromUtf8(error.what())}});
            recordOneByOne(batch);
            return qint64(0);
        });
    }
}

void UsageMeter::recordOneByOne(const Batch& batch)
{
    for (const SpendStore::Settlement& settlement : batch) {
        m_spend.settleSpend({settlement})
            .onFailed(this, [this, event = settlement.event](const std::exception& error) {
                m_log.error(u"a usage event could not be recorded"_s,
                            {{u"key"_s, event.key},
                             {u"request_id"_s, event.requestId},
                             {u"error"_s, QString::fromUtf8(error.what())}});
                return qint64(0);
            });
    }
}

void UsageMeter::flushAndWait()
{
    m_timer.stop();
    const auto stored = [this](const Batch& batch) {
        QFuture<qint64> written = m_spend.settleSpend(batch);
        written.waitForFinished();
        try {
            written.result();
            return true;
        } catch (const std::exception& error) {
            m_log.error(u"usage events could not be recorded at shutdown"_s,
                        {{u"events"_s, QString::number(batch.size())},
                         {u"error"_s, QString::fromUtf8(error.what())}});
            return false;
        }
    };
    const auto storedOrOneByOne = [&stored](const Batch& batch) {
        if (stored(batch) || batch.size() == 1)
            return;
        for (const SpendStore::Settlement& settlement : batch)
            stored({settlement});
    };
    // The store's own futures finish on its worker thread: waiting here cannot block them.
    for (InFlight& batch : m_inFlight) {
        batch.written.waitForFinished();
        try {
            batch.written.result();
        } catch (const std::exception&) {
            storedOrOneByOne(batch.settlements);
        }
    }
    m_inFlight.clear();
    for (Batch batch = take(); !batch.isEmpty(); batch = take())
        storedOrOneByOne(batch);
}
