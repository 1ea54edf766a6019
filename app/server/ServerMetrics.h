#pragma once

#include <QByteArray>
#include <QString>
#include <memory>

namespace prometheus {
class Counter;
class Histogram;
class Registry;
template <typename T> class Family;
} // namespace prometheus

// What /metrics exposes, in the Prometheus text format (prometheus-cpp): requests by route,
// method and status, and their latency by route. Routes are the patterns
// ("/v1/admin/keys/{id}"), never raw paths, so a label cannot carry an id or a key.
class ServerMetrics final
{
    Q_DISABLE_COPY_MOVE(ServerMetrics)

public:
    ServerMetrics();
    ~ServerMetrics();

    // Thread-safe.
    void observe(const QString& route, const QByteArray& method, int status, double seconds);
    QByteArray exposition() const;

private:
    std::shared_ptr<prometheus::Registry> m_registry;
    prometheus::Family<prometheus::Counter>& m_requests;
    prometheus::Family<prometheus::Histogram>& m_latency;
};
