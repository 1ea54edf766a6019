#include "EventHub.h"

#include "Clock.h"
#include "KeyStore.h"
#include "LifecycleStore.h"
#include "StoreConnection.h"
#include "StreamSink.h"
#include "UsageStore.h"
#include "UtcTime.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

EventHub::EventHub(StoreConnection& store, const Clock& clock, int maxSubscribers, int heartbeatMs,
                   QObject* parent)
    : QObject(parent)
    , m_clock(clock)
    , m_maxSubscribers(maxSubscribers)
{
    connect(&store.keys(), &KeyStore::keysChanged, this, [this] { broadcast(u"keys"_s); });
    connect(&store.usage(), &UsageStore::usageChanged, this, [this] { broadcast(u"usage"_s); });
    connect(&store.lifecycle(), &LifecycleStore::alertsChanged, this,
            [this] { broadcast(u"alerts"_s); });
    m_heartbeat.setInterval(heartbeatMs);
    connect(&m_heartbeat, &QTimer::timeout, this, [this] { send(": heartbeat\n\n"); });
    m_heartbeat.start();
}

bool EventHub::subscribe(const std::shared_ptr<StreamSink>& sink)
{
    m_sinks.removeIf([](const auto& existing) { return !existing->isOpen(); });
    if (isFull())
        return false;
    // How long a client waits before reconnecting, then a first event so it knows it is live.
    const QByteArray ready =
        "retry: 2000\nevent: ready\ndata: " +
        QJsonDocument(QJsonObject{{u"time"_s, UtcTime::toRfc3339(m_clock.nowUtcMs())}})
            .toJson(QJsonDocument::Compact) +
        "\n\n";
    if (sink->write(ready))
        m_sinks.append(sink);
    return true;
}

void EventHub::broadcast(const QString& type)
{
    const QByteArray data =
        QJsonDocument(
            QJsonObject{{u"type"_s, type}, {u"time"_s, UtcTime::toRfc3339(m_clock.nowUtcMs())}})
            .toJson(QJsonDocument::Compact);
    send("id: " + QByteArray::number(m_nextId++) + "\nevent: " + type.toLatin1() +
         "\ndata: " + data + "\n\n");
}

void EventHub::send(const QByteArray& bytes)
{
    m_sinks.removeIf([&bytes](const auto& sink) { return !sink->write(bytes); });
}
