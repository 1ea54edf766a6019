#include "ServerMetrics.h"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

ServerMetrics::ServerMetrics()
    : m_registry(std::make_shared<prometheus::Registry>())
    , m_requests(prometheus::BuildCounter()
                     .Name("keydeck_http_requests_total")
                     .Help("HTTP requests answered, by route pattern, method and status")
                     .Register(*m_registry))
    , m_latency(prometheus::BuildHistogram()
                    .Name("keydeck_http_request_duration_seconds")
                    .Help("Time from a complete request to its answer, by route pattern")
                    .Register(*m_registry))
{}

ServerMetrics::~ServerMetrics() = default;

void ServerMetrics::observe(const QString& route, const QByteArray& method, int status,
                            double seconds)
{
    static const prometheus::Histogram::BucketBoundaries buckets{
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    const std::string routeLabel = route.toStdString();
    m_requests
        .Add({{"route", routeLabel},
              {"method", method.toStdString()},
              {"status", std::to_string(status)}})
        .Increment();
    m_latency.Add({{"route", routeLabel}}, buckets).Observe(seconds);
}

QByteArray ServerMetrics::exposition() const
{
    return QByteArray::fromStdString(prometheus::TextSerializer().Serialize(m_registry->Collect()));
}
