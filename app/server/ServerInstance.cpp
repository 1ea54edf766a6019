#include "ServerInstance.h"

#include "AdminApis.h"
#include "AlertSchedule.h"
#include "ApiRouter.h"
#include "AuthThrottle.h"
#include "EventHub.h"
#include "GatewayApi.h"
#include "HttpServer.h"
#include "KeyCache.h"
#include "KeyStore.h"
#include "MockUpstreamServer.h"
#include "OperationsApi.h"
#include "RateLimiter.h"
#include "RequestIds.h"
#include "ServerMetrics.h"
#include "SpendLeases.h"
#include "SpendStore.h"
#include "StoreConnection.h"
#include "StoreError.h"
#include "StoreThread.h"
#include "UpstreamRouter.h"
#include "UsageMeter.h"

#include <QElapsedTimer>
#include <QRandomGenerator>

ServerInstance::ServerInstance(std::unique_ptr<StoreConnection> store, const Clock& clock,
                               RequestLog& log, const ServerConfig& config)
    : m_config(config)
    , m_storeContext(std::make_unique<QObject>())
    , m_store(std::move(store))
{
    m_metrics = std::make_unique<ServerMetrics>();
    // The throttle counts real time whatever clock the store keeps: a test's manual clock
    // must not make a failed guess cheap.
    auto monotonic = std::make_shared<QElapsedTimer>();
    monotonic->start();
    m_throttle = std::make_unique<AuthThrottle>([monotonic] { return monotonic->elapsed(); });
    m_router = std::make_unique<ApiRouter>(*m_metrics, log);
    m_router->setTrustedProxies(config.trustedProxies);
    const StoreThread storeThread(*m_storeContext);
    m_operations = std::make_unique<OperationsApi>(*m_store, storeThread, *m_metrics, log);
    m_operations->addRoutes(*m_router);
    m_events = std::make_unique<EventHub>(*m_store, clock);
    m_admin = std::make_unique<AdminApis>(*m_store, storeThread, clock, *m_throttle, log, *m_events,
                                          config.adminKeySha256);
    m_admin->addRoutes(*m_router);
    m_alertSchedule = std::make_unique<AlertSchedule>(*m_store, log);

    HttpServer::Limits limits;
    limits.maxHeaderBytes = config.maxHeaderBytes;
    limits.maxBodyBytes = config.maxBodyBytes;
    limits.maxUploadBytes = config.maxUploadBytes;
    limits.requestTimeoutMs = config.requestTimeoutMs;
    limits.idleTimeoutMs = config.idleTimeoutMs;
    m_http = std::make_unique<HttpServer>(*m_router, limits, config.ioThreads);

    QUrl upstreamUrl(config.upstream);
    if (config.upstream == QLatin1StringView("mock")) {
        m_mockUpstream = std::make_unique<MockUpstreamServer>(0, 1);
        m_mockUpstream->listen(QStringLiteral("127.0.0.1"), 0);
        upstreamUrl = m_mockUpstream->baseUrl();
    }
    UpstreamClient::Options upstreamOptions;
    upstreamOptions.firstByteTimeoutMs = config.upstreamTimeoutMs;
    m_upstream = std::make_unique<UpstreamRouter>(
        config.upstreams, upstreamUrl, config.upstreamApiKey, upstreamOptions, m_http->ioContext());
    m_keyCache = std::make_unique<KeyCache>();
    // Any change to any key, made here or by another process on the store: the next request
    // reads its key again.
    QObject::connect(&m_store->keys(), &KeyStore::keysChanged, m_storeContext.get(),
                     [cache = m_keyCache.get()] { cache->invalidate(); });
    SpendStore* spend = m_store->spend();
    if (!spend)
        throw StoreError(StoreError::Code::Unavailable,
                         QStringLiteral("This store cannot back a gateway: it keeps no spend "
                                        "ledger (serve a SQLite file or a PostgreSQL database)."));
    m_leases = std::make_unique<SpendLeases>(*spend, log, SpendLeases::newHolder());
    m_meter = std::make_unique<UsageMeter>(*spend, log);
    // Rate windows run on a clock that never goes back, whatever the wall clock does.
    m_limiter = std::make_unique<RateLimiter>([monotonic] { return monotonic->elapsed(); });
    m_requestIds = std::make_unique<RequestIds>(clock, QRandomGenerator::system()->generate64());
    m_gateway = std::make_unique<GatewayApi>(
        GatewayApi::Services{*m_store, storeThread, clock, *m_keyCache, *m_limiter, *m_upstream,
                             *m_meter, log, *m_requestIds, *spend, m_leases->holder()});
    m_gateway->addRoutes(*m_router);
}

ServerInstance::~ServerInstance()
{
    m_http->stop();
    // Answers still coming from the upstream are dropped; what was metered is written.
    m_upstream->stop();
    m_gateway.reset();
    m_meter.reset();
    m_leases.reset();
    if (m_mockUpstream)
        m_mockUpstream->stop();
    // Before the store: its last tasks may still answer, and their continuations refer to
    // the APIs. Then the store, whose futures hold responders, while the server still exists.
    m_operations.reset();
    m_alertSchedule.reset();
    m_admin.reset();
    m_events.reset();
    m_storeContext.reset();
    m_store.reset();
}

void ServerInstance::listen()
{
    m_http->listen(m_config.listenHost, m_config.listenPort, m_config.tlsCert, m_config.tlsKey);
    m_http->start();
}

quint16 ServerInstance::port() const
{
    return m_http->port();
}

void ServerInstance::stop()
{
    m_http->stop();
    m_upstream->stop();
    m_meter->flushAndWait();
    m_leases->releaseAndWait();
}
