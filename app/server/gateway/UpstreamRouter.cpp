#include "UpstreamRouter.h"

using namespace Qt::StringLiterals;

UpstreamRouter::UpstreamRouter(const QList<UpstreamConfig>& upstreams, const QUrl& fallback,
                               const QByteArray& fallbackKey,
                               const UpstreamClient::Options& options, boost::asio::io_context& io)
{
    for (const UpstreamConfig& config : upstreams) {
        auto upstream = std::make_unique<Upstream>();
        upstream->name = config.name;
        upstream->kind = config.kind;
        upstream->config = config;
        upstream->apiKey = config.apiKey;
        upstream->client = std::make_unique<UpstreamClient>(QUrl(config.baseUrl), options, io);
        m_upstreams.push_back(std::move(upstream));
    }
    if (!fallback.isEmpty()) {
        m_fallback = std::make_unique<Upstream>();
        m_fallback->name = u"default"_s;
        m_fallback->apiKey = fallbackKey;
        m_fallback->client = std::make_unique<UpstreamClient>(fallback, options, io);
    }
}

UpstreamRouter::~UpstreamRouter() = default;

const UpstreamRouter::Upstream* UpstreamRouter::route(bool anthropic, const QString& model) const
{
    const UpstreamConfig::Kind dialect =
        anthropic ? UpstreamConfig::Kind::Anthropic : UpstreamConfig::Kind::OpenAi;
    for (const auto& upstream : m_upstreams) {
        if (upstream->kind == dialect && upstream->config.serves(model))
            return upstream.get();
    }
    return m_fallback.get();
}

QStringList UpstreamRouter::configuredModels() const
{
    QStringList models;
    for (const auto& upstream : m_upstreams) {
        for (const QString& model : upstream->config.exactModels()) {
            if (!models.contains(model))
                models << model;
        }
    }
    return models;
}

void UpstreamRouter::stop()
{
    for (const auto& upstream : m_upstreams)
        upstream->client->stop();
    if (m_fallback)
        m_fallback->client->stop();
}
