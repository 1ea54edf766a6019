#pragma once

#include "ServerConfigLoader.h"

#include <QObject>
#include <QTextStream>
#include <memory>

class AdminApis;
class AlertSchedule;
class ApiRouter;
class AuthThrottle;
class Clock;
class EventHub;
class HttpServer;
class OperationsApi;
class RequestLog;
class ServerMetrics;
class StoreConnection;
class StoreOpener;
class UnixSignalWatcher;

// keydeck-server's commands: serve (the default), init-admin, --help, --version. Given the
// store implementation by main.cpp; reports its exit code through finished().
class ServerCommand final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServerCommand)

public:
    ServerCommand(QStringList arguments, ServerConfigLoader::Environment environment,
                  StoreOpener& stores, const Clock& clock, QTextStream& out, QTextStream& err,
                  QObject* parent = nullptr);
    ~ServerCommand() override;

    void start();

Q_SIGNALS:
    void finished(int exitCode);

private:
    void openStore(std::function<void()> then);
    void serve();
    void initAdmin(const QString& label);
    void stopServing(int signal);
    void fail(int exitCode, const QString& message);
    QString helpText() const;

    QStringList m_arguments;
    ServerConfigLoader::Environment m_environment;
    StoreOpener& m_stores;
    const Clock& m_clock;
    QTextStream& m_out;
    QTextStream& m_err;
    ServerConfig m_config;
    // First, so destroyed last: connections still queued anywhere below (a responder waiting
    // in the store's futures or in the store thread's events) hold sessions, which must go
    // while their io_context exists. Its threads are joined before anything is destroyed.
    std::unique_ptr<HttpServer> m_http;
    // The store thread's work is posted to this, not to the command: destroying it drops what
    // is still queued before the server goes.
    std::unique_ptr<QObject> m_storeContext;
    std::unique_ptr<RequestLog> m_log;
    std::unique_ptr<StoreConnection> m_store;
    std::unique_ptr<ServerMetrics> m_metrics;
    std::unique_ptr<AuthThrottle> m_throttle;
    std::unique_ptr<ApiRouter> m_router;
    std::unique_ptr<EventHub> m_events;
    std::unique_ptr<AdminApis> m_admin;
    std::unique_ptr<AlertSchedule> m_alertSchedule;
    std::unique_ptr<OperationsApi> m_operations;
    UnixSignalWatcher* m_signals = nullptr;
};
