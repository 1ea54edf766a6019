#pragma once

#include <QString>
#include <QtGlobal>
#include <memory>

class HttpHandler;

namespace boost::asio {
class io_context;
}

// HTTP/1.1 (and HTTPS) on Boost.Beast: a few I/O threads accept, read and write; each
// complete request goes to the handler. Every request meets the limits below; one that does
// not is answered with the handler's error shape and the connection closes.
class HttpServer final
{
    Q_DISABLE_COPY_MOVE(HttpServer)

public:
    struct Limits
    {
        qint64 maxHeaderBytes = 16 * 1024;
        qint64 maxBodyBytes = 1024 * 1024;
        // The body of an upload route, spooled to a temporary file.
        qint64 maxUploadBytes = qint64(1) << 30;
        // From the first byte of a request (or the TLS handshake) to its last.
        qint64 requestTimeoutMs = 30'000;
        // A keep-alive connection waiting for its next request.
        qint64 idleTimeoutMs = 60'000;
        // Slowest response write before the connection is dropped.
        qint64 writeTimeoutMs = 30'000;
        int maxConnections = 1024;
    };

    HttpServer(HttpHandler& handler, Limits limits, int ioThreads);
    ~HttpServer();

    // Loads the certificate and key when given (PEM), binds and listens. Throws
    // std::runtime_error with a sentence for the user when it cannot.
    void listen(const QString& host, quint16 port, const QString& certFile = {},
                const QString& keyFile = {});
    // The bound port: the one asked for, or the one the system picked for port 0.
    quint16 port() const;
    void start();
    // Stops accepting, drops every connection and joins the I/O threads.
    void stop();
    // The I/O threads' context, for clients whose work belongs on the same threads (the
    // gateway's upstream connections): no hand-over between thread pools per request.
    boost::asio::io_context& ioContext();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};
