#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>
#include <memory>

class HttpServer;
class MockUpstream;

// MockUpstream on its own HTTP server: `keydeck-server mock-upstream`, and the loopback
// upstream of `--upstream mock`, so the gateway reaches it over the same client as a real one.
class MockUpstreamServer final
{
    Q_DISABLE_COPY_MOVE(MockUpstreamServer)

public:
    // requiredKey: see MockUpstream.
    MockUpstreamServer(qint64 delayMs, int ioThreads, QByteArray requiredKey = {});
    ~MockUpstreamServer();

    // Throws std::runtime_error with a sentence for the user.
    void listen(const QString& host, quint16 port);
    quint16 port() const;
    // http://HOST:PORT/v1, what the gateway's --upstream takes.
    QUrl baseUrl() const;
    void stop();

private:
    std::unique_ptr<MockUpstream> m_handler;
    std::unique_ptr<HttpServer> m_http;
    QString m_host;
};
