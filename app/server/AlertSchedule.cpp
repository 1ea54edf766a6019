#include "AlertSchedule.h"

#include "KeyStore.h"
#include "LifecycleStore.h"
#include "RequestLog.h"
#include "StoreConnection.h"
#include "UsageStore.h"

using namespace Qt::StringLiterals;

AlertSchedule::AlertSchedule(StoreConnection& store, RequestLog& log, int intervalMs, int settleMs,
                             QObject* parent)
    : QObject(parent)
    , m_store(store)
    , m_log(log)
{
    m_interval.setInterval(intervalMs);
    connect(&m_interval, &QTimer::timeout, this, &AlertSchedule::evaluate);
    m_interval.start();
    m_settle.setSingleShot(true);
    m_settle.setInterval(settleMs);
    connect(&m_settle, &QTimer::timeout, this, &AlertSchedule::evaluate);
    connect(&store.usage(), &UsageStore::usageChanged, &m_settle, qOverload<>(&QTimer::start));
    connect(&store.keys(), &KeyStore::keysChanged, &m_settle, qOverload<>(&QTimer::start));
    m_settle.start();
}

void AlertSchedule::evaluate()
{
    if (m_running) {
        m_again = true;
        return;
    }
    m_running = true;
    m_store.lifecycle()
        .evaluateAlerts()
        .then(this,
              [this](const QList<Alert>& raised) {
                  m_running = false;
                  if (!raised.isEmpty())
                      m_log.info(u"alerts raised"_s, {{u"count"_s, int(raised.size())}});
                  if (std::exchange(m_again, false))
                      evaluate();
              })
        .onFailed(this, [this](const std::exception& error) {
            m_running = false;
            // The next tick tries again; a queued re-run would only fail the same way.
            m_again = false;
            m_log.error(u"alert evaluation failed"_s,
                        {{u"error"_s, QString::fromUtf8(error.what())}});
        });
}
