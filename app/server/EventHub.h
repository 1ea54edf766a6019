#pragma once

#include <QList>
#include <QObject>
#include <QTimer>
#include <memory>

class Clock;
class StoreConnection;
class StreamSink;

// GET /v1/admin/events: Server-Sent Events to every subscribed admin client when keys change,
// usage is appended or alerts change - in this server or, as the store notices, anywhere else
// that writes to it - so clients reload what changed instead of polling. Lives on the store
// thread. A comment line every heartbeat keeps proxies from closing a quiet stream and finds
// clients that went away.
class EventHub final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventHub)

public:
    static constexpr int DefaultMaxSubscribers = 256;
    static constexpr int DefaultHeartbeatMs = 15'000;

    EventHub(StoreConnection& store, const Clock& clock, int maxSubscribers = DefaultMaxSubscribers,
             int heartbeatMs = DefaultHeartbeatMs, QObject* parent = nullptr);

    // false (and nothing written) when maxSubscribers are connected already.
    bool subscribe(const std::shared_ptr<StreamSink>& sink);
    int subscriberCount() const { return int(m_sinks.size()); }
    bool isFull() const { return m_sinks.size() >= m_maxSubscribers; }

private:
    void broadcast(const QString& type);
    void send(const QByteArray& bytes);

    const Clock& m_clock;
    const qsizetype m_maxSubscribers;
    QList<std::shared_ptr<StreamSink>> m_sinks;
    qint64 m_nextId = 1;
    QTimer m_heartbeat;
};
