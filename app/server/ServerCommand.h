#pragma once

#include "ServerConfigLoader.h"

#include <QObject>
#include <QTextStream>
#include <memory>

class Clock;
class QRandomGenerator;
class RequestLog;
class MockUpstreamServer;
class ServerInstance;
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
                  StoreOpener& stores, const Clock& clock, QRandomGenerator& random,
                  QTextStream& out, QTextStream& err, QObject* parent = nullptr);
    ~ServerCommand() override;

    void start();

Q_SIGNALS:
    void finished(int exitCode);

private:
    void openStore(std::function<void()> then);
    void serve();
    void serveMock(const QStringList& options);
    void initAdmin(const QString& label);
    void makeMasterKey();
    void stopServing(int signal);
    void fail(int exitCode, const QString& message);
    QString helpText() const;

    QStringList m_arguments;
    ServerConfigLoader::Environment m_environment;
    StoreOpener& m_stores;
    const Clock& m_clock;
    QRandomGenerator& m_random;
    QTextStream& m_out;
    QTextStream& m_err;
    ServerConfig m_config;
    std::unique_ptr<RequestLog> m_log;
    // Opened here, then handed to the instance that serves it.
    std::unique_ptr<StoreConnection> m_store;
    std::unique_ptr<ServerInstance> m_instance;
    std::unique_ptr<MockUpstreamServer> m_mock;
    UnixSignalWatcher* m_signals = nullptr;
};
