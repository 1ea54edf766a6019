#pragma once

#include "UpstreamClient.h"
#include "UpstreamConfig.h"

#include <QList>
#include <QUrl>
#include <memory>
#include <vector>

// Where a request goes: the first configured upstream (in the config file's order) that speaks
// the route's dialect - OpenAI's routes, or Anthropic's /v1/messages - and serves the model;
// else the one-line upstream (--upstream: every model, both dialects); else nowhere (the
// gateway answers 404 model_not_found). Each upstream has its own client and connection pool.
class UpstreamRouter final
{
    Q_DISABLE_COPY_MOVE(UpstreamRouter)

public:
    struct Upstream
    {
        QString name;
        // nullopt: the one-line upstream, which takes either dialect.
        std::optional<UpstreamConfig::Kind> kind;
        UpstreamConfig config;
        QByteArray apiKey;
        std::unique_ptr<UpstreamClient> client;
    };

    // fallback: the one-line upstream's base URL, empty for none.
    UpstreamRouter(const QList<UpstreamConfig>& upstreams, const QUrl& fallback,
                   const QByteArray& fallbackKey, const UpstreamClient::Options& options,
                   boost::asio::io_context& io);
    ~UpstreamRouter();

    // nullptr: no upstream serves the model in this dialect.
    const Upstream* route(bool anthropic, const QString& model) const;
    const Upstream* fallback() const { return m_fallback.get(); }
    // The models the configured upstreams name exactly, in the file's order.
    QStringList configuredModels() const;
    void stop();

private:
    std::vector<std::unique_ptr<Upstream>> m_upstreams;
    std::unique_ptr<Upstream> m_fallback;
};
