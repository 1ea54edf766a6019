#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>
#include <functional>
#include <memory>
#include <optional>

class UpstreamConnections;

namespace boost::asio {
class io_context;
}

// Requests to one upstream API (http or https) on the given I/O threads (the server's own, so a
// request and its upstream call never change threads), over keep-alive connections it pools. The
// answer comes as it arrives - the head, then the body piece by piece - so a stream is relayed,
// never buffered whole. Every wait is bounded: the connection, the first byte of the answer, and
// each later piece.
class UpstreamClient final
{
    Q_DISABLE_COPY_MOVE(UpstreamClient)

public:
    struct Options
    {
        qint64 connectTimeoutMs = 10'000;
        // From the request sent to the answer's head (504 after it).
        qint64 firstByteTimeoutMs = 60'000;
        // Between two pieces of the body.
        qint64 readTimeoutMs = 120'000;
        int maxIdleConnections = 256;
        // An answer's head and, unless streamed, body.
        qint64 maxHeaderBytes = 64 * 1024;
        // Certificates to trust for an https upstream instead of the system's.
        QString caFile;
    };
    using Headers = QList<QPair<QByteArray, QByteArray>>;
    struct Request
    {
        QByteArray method;
        // Below the base URL's path, with any query ("/chat/completions").
        QByteArray path;
        Headers headers;
        QByteArray body;
    };
    enum class Failure
    {
        // No connection (refused, no such host, TLS handshake): nothing was sent.
        Unreachable,
        // No head within firstByteTimeoutMs, or a later piece within readTimeoutMs.
        Timeout,
        // The connection broke or the answer was malformed.
        Broken,
        Cancelled,
    };
    // Called on the I/O threads, one exchange's calls one after another.
    struct Handler
    {
        std::function<void(int status, const Headers& headers)> head;
        // false: the caller wants no more (its client went away); the exchange is cancelled.
        std::function<bool(const QByteArray& bytes)> data;
        // Exactly once, last: nullopt when the whole answer came.
        std::function<void(std::optional<Failure> failure, const QString& why)> done;
    };
    class Exchange
    {
    public:
        Exchange() = default;
        virtual ~Exchange() = default;
        Q_DISABLE_COPY_MOVE(Exchange)
        // Drops the connection at once (from any thread); done() follows with Cancelled
        // unless it came already.
        virtual void cancel() = 0;
    };

    // Throws std::invalid_argument for a base URL that is not http(s)://host[:port][/path].
    UpstreamClient(const QUrl& baseUrl, Options options, boost::asio::io_context& io);
    ~UpstreamClient();

    std::shared_ptr<Exchange> send(Request request, Handler handler);
    // Pooled connections now open.
    int idleConnections() const;
    // No more pooled connections; exchanges still running end with the I/O threads.
    void stop();

private:
    std::unique_ptr<UpstreamConnections> m_impl;
};
