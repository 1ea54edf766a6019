#pragma once

#include "ServerConfig.h"

#include <QObject>
#include <memory>

class AdminApis;
class AlertSchedule;
class ApiRouter;
class AuthThrottle;
class Clock;
class EventHub;
class GatewayApi;
class KeyCache;
class RateLimiter;
class RequestIds;
class MockUpstreamServer;
class HttpServer;
class OperationsApi;
class RequestLog;
class ServerMetrics;
class StoreConnection;
class UpstreamRouter;
class SpendLeases;
class UsageMeter;

// One serving keydeck-server over an opened store it owns: the routes, the APIs behind them (the
// admin API and the gateway to the upstream), the event stream, the alert schedule and the HTTP
// server, built the same way for the program and for
// the tests that hold a RestStore to the store contracts. Lives on the store thread (the thread
// that creates it), whose event loop must run.
class ServerInstance final
{
    Q_DISABLE_COPY_MOVE(ServerInstance)

public:
    ServerInstance(std::unique_ptr<StoreConnection> store, const Clock& clock, RequestLog& log,
                   const ServerConfig& config);
    ~ServerInstance();

    // Binds and starts serving; throws std::runtime_error with a sentence for the user.
    void listen();
    // The bound port, once listening.
    quint16 port() const;
    // Stops accepting, drops every connection and joins the I/O threads.
    void stop();
    StoreConnection& store() { return *m_store; }

private:
    const ServerConfig m_config;
    // Before the store, so destroyed after it: connections still queued anywhere below (a responder
    // waiting in the store's futures or in the store thread's events) hold sessions, which must go
    // while their io_context exists. Its threads are joined before anything is destroyed.
    std::unique_ptr<HttpServer> m_http;
    // The store thread's work is posted to this: destroying it drops what is still queued
    // before the server goes.
    std::unique_ptr<QObject> m_storeContext;
    std::unique_ptr<StoreConnection> m_store;
    std::unique_ptr<ServerMetrics> m_metrics;
    std::unique_ptr<AuthThrottle> m_throttle;
    std::unique_ptr<ApiRouter> m_router;
    std::unique_ptr<EventHub> m_events;
    std::unique_ptr<AdminApis> m_admin;
    std::unique_ptr<AlertSchedule> m_alertSchedule;
    std::unique_ptr<OperationsApi> m_operations;
    // The gateway: its upstream (the mock's own server for --upstream mock), the keys it has
    // met, and the meter that writes its usage.
    std::unique_ptr<MockUpstreamServer> m_mockUpstream;
    std::unique_ptr<UpstreamRouter> m_upstream;
    std::unique_ptr<KeyCache> m_keyCache;
    std::unique_ptr<RateLimiter> m_limiter;
    std::unique_ptr<RequestIds> m_requestIds;
    std::unique_ptr<UsageMeter> m_meter;
    std::unique_ptr<SpendLeases> m_leases;
    std::unique_ptr<GatewayApi> m_gateway;
};
