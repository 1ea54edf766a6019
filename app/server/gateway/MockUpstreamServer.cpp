#include "MockUpstreamServer.h"

#include "HttpServer.h"
#include "MockUpstream.h"

#include <QHostAddress>

using namespace Qt::StringLiterals;

MockUpstreamServer::MockUpstreamServer(qint64 delayMs, int ioThreads, QByteArray requiredKey)
    : m_handler(std::make_unique<MockUpstream>(delayMs, std::move(requiredKey)))
{
    HttpServer::Limits limits;
    limits.maxBodyBytes = 16 * 1024 * 1024;
    // A benchmark holds many keep-alive connections open.
    limits.maxConnections = 4096;
    m_http = std::make_unique<HttpServer>(*m_handler, limits, ioThreads);
}

MockUpstreamServer::~MockUpstreamServer()
{
    m_http->stop();
}

void MockUpstreamServer::listen(const QString& host, quint16 port)
{
    m_host = host;
    m_http->listen(host, port);
    m_http->start();
}

quint16 MockUpstreamServer::port() const
{
    return m_http->port();
}

QUrl MockUpstreamServer::baseUrl() const
{
    const QString host = QHostAddress(m_host).protocol() == QAbstractSocket::IPv6Protocol
                             ? u"[%1]"_s.arg(m_host)
                             : m_host;
    return QUrl(u"http://%1:%2/v1"_s.arg(host).arg(port()));
}

void MockUpstreamServer::stop()
{
    m_http->stop();
}
