#include "UpstreamClient.h"

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;
using Failure = UpstreamClient::Failure;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// Idle keep-alive connections of one kind, newest first out (the likeliest still open). One
// idle for longer than servers commonly keep it is closed rather than raced against the
// server's own close.
template <class Stream> class Pool final
{
public:
    static constexpr std::chrono::seconds MaxIdle{30};

    explicit Pool(int capacity)
        : m_capacity(capacity)
    {}

    std::unique_ptr<Stream> take()
    {
        const std::lock_guard lock(m_mutex);
        const auto now = std::chrono::steady_clock::now();
        while (!m_idle.empty()) {
            Idle idle = std::move(m_idle.back());
            m_idle.pop_back();
            if (now - idle.since < MaxIdle)
                return std::move(idle.stream);
        }
        return nullptr;
    }
    void put(std::unique_ptr<Stream> stream)
    {
        const std::lock_guard lock(m_mutex);
        if (int(m_idle.size()) < m_capacity)
            m_idle.push_back({std::move(stream), std::chrono::steady_clock::now()});
    }
    int size() const
    {
        const std::lock_guard lock(m_mutex);
        return int(m_idle.size());
    }
    void clear()
    {
        const std::lock_guard lock(m_mutex);
        m_idle.clear();
    }

private:
    struct Idle
    {
        std::unique_ptr<Stream> stream;
        std::chrono::steady_clock::time_point since;
    };
    const int m_capacity;
    mutable std::mutex m_mutex;
    std::vector<Idle> m_idle;
};

struct Target
{
    std::string host;
    std::string port;
    std::string basePath;
    std::string hostHeader;
    bool tls = false;
};

} // namespace

// The client's state: its threads, the parsed target, the pools of idle connections.
class UpstreamConnections final
{
public:
    using Options = UpstreamClient::Options;

    UpstreamConnections(const QUrl& baseUrl, Options clientOptions, net::io_context& context)
        : options(std::move(clientOptions))
        , io(context)
        , plainPool(this->options.maxIdleConnections)
        , tlsPool(this->options.maxIdleConnections)
        , tls(net::ssl::context::tls_client)
    {
        const QString scheme = baseUrl.scheme();
        if (!baseUrl.isValid() || (scheme != u"http" && scheme != u"https") ||
            baseUrl.host().isEmpty() || !baseUrl.query().isEmpty() || !baseUrl.fragment().isEmpty())
            throw std::invalid_argument("the upstream must be an http:// or https:// URL");
        target.tls = scheme == u"https";
        target.host = baseUrl.host().toStdString();
        const int port = baseUrl.port(target.tls ? 443 : 80);
        target.port = std::to_string(port);
        target.hostHeader = baseUrl.host(QUrl::FullyEncoded).toStdString();
        if (target.hostHeader.find(':') != std::string::npos)
            target.hostHeader = '[' + target.hostHeader + ']';
        if (baseUrl.port() != -1)
            target.hostHeader += ":" + target.port;
        std::string path = baseUrl.path(QUrl::FullyEncoded).toStdString();
        while (!path.empty() && path.back() == '/')
            path.pop_back();
        target.basePath = path;
        if (target.tls) {
            tls.set_verify_mode(net::ssl::verify_peer);
            if (this->options.caFile.isEmpty())
                tls.set_default_verify_paths();
            else
                tls.load_verify_file(this->options.caFile.toStdString());
        }
    }

    void stop()
    {
        stopped = true;
        plainPool.clear();
        tlsPool.clear();
    }

    Options options;
    Target target;
    net::io_context& io;
    Pool<PlainStream> plainPool;
    Pool<TlsStream> tlsPool;
    net::ssl::context tls;
    std::atomic<bool> stopped{false};

    Pool<PlainStream>& pool(PlainStream*) { return plainPool; }
    Pool<TlsStream>& pool(TlsStream*) { return tlsPool; }
};

namespace {

template <class Stream>
class StreamExchange final : public UpstreamClient::Exchange,
                             public std::enable_shared_from_this<StreamExchange<Stream>>
{
public:
    StreamExchange(UpstreamConnections& client, UpstreamClient::Request request,
                   UpstreamClient::Handler handler)
        : m_client(client)
        , m_handler(std::move(handler))
        , m_resolver(net::make_strand(client.io))
    {
        const Target& target = client.target;
        m_message.method_string(request.method.toStdString());
        m_message.target(target.basePath + request.path.toStdString());
        m_message.version(11);
        m_message.set(bhttp::field::host, target.hostHeader);
        for (const auto& [name, value] : std::as_const(request.headers))
            m_message.set(name.toStdString(), value.toStdString());
        m_message.body() = request.body.toStdString();
        m_message.keep_alive(true);
        m_message.prepare_payload();
    }

    void start()
    {
        {
            const std::lock_guard lock(m_streamMutex);
            m_stream = m_client.pool(static_cast<Stream*>(nullptr)).take();
            ++m_streamGeneration;
        }
        if (m_stream) {
            m_reused = true;
            return net::dispatch(m_stream->get_executor(),
                                 [self = this->shared_from_this()] { self->write(); });
        }
        connect();
    }

    void cancel() override
    {
        m_cancelled = true;
        net::post(m_resolver.get_executor(),
                  [self = this->shared_from_this()] { self->m_resolver.cancel(); });
        const std::lock_guard lock(m_streamMutex);
        if (!m_stream)
            return;
        // Closed on its own strand, and only if it is still the exchange's stream: one made
        // meanwhile (a retry, on the resolver's strand) sees m_cancelled before it writes.
        net::post(m_stream->get_executor(),
                  [self = this->shared_from_this(), generation = m_streamGeneration] {
                      {
                          const std::lock_guard closing(self->m_streamMutex);
                          if (!self->m_stream || self->m_streamGeneration != generation)
                              return;
                          beast::get_lowest_layer(*self->m_stream).close();
                      }
                      self->finish(Failure::Cancelled, QStringLiteral("cancelled"));
                  });
    }

private:
    const Target& target() const { return m_client.target; }

    void connect()
    {
        m_reused = false;
        m_resolver.async_resolve(
            target().host, target().port,
            [self = this->shared_from_this()](beast::error_code ec,
                                              const tcp::resolver::results_type& results) {
                if (ec)
                    return self->finish(Failure::Unreachable,
                                        QStringLiteral("cannot resolve %1: %2")
                                            .arg(QString::fromStdString(self->target().host),
                                                 QString::fromStdString(ec.message())));
                self->connectTo(results);
            });
    }

    std::unique_ptr<Stream> makeStream()
    {
        if constexpr (std::is_same_v<Stream, PlainStream>)
            return std::make_unique<Stream>(net::make_strand(m_client.io));
        else
            return std::make_unique<Stream>(net::make_strand(m_client.io), m_client.tls);
    }

    void connectTo(const tcp::resolver::results_type& results)
    {
        {
            const std::lock_guard lock(m_streamMutex);
            m_stream = makeStream();
            ++m_streamGeneration;
        }
        if (m_cancelled)
            return finish(Failure::Cancelled, QStringLiteral("cancelled"));
        auto& socket = beast::get_lowest_layer(*m_stream);
        socket.expires_after(std::chrono::milliseconds(m_client.options.connectTimeoutMs));
        socket.async_connect(
            results, [self = this->shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
                if (ec)
                    return self->finish(Failure::Unreachable,
                                        QStringLiteral("cannot connect to %1:%2: %3")
                                            .arg(QString::fromStdString(self->target().host),
                                                 QString::fromStdString(self->target().port),
                                                 QString::fromStdString(ec.message())));
                beast::error_code ignored;
                beast::get_lowest_layer(*self->m_stream)
                    .socket()
                    .set_option(tcp::no_delay(true), ignored);
                self->handshake();
            });
    }

    void handshake()
    {
        if constexpr (std::is_same_v<Stream, PlainStream>) {
            write();
        } else {
            if (!SSL_set_tlsext_host_name(m_stream->native_handle(), target().host.c_str()))
                return finish(Failure::Unreachable, QStringLiteral("cannot set the TLS host name"));
            m_stream->set_verify_callback(net::ssl::host_name_verification(target().host));
            m_stream->async_handshake(net::ssl::stream_base::client,
                                      [self = this->shared_from_this()](beast::error_code ec) {
                                          if (ec)
                                              return self->finish(
                                                  Failure::Unreachable,
                                                  QStringLiteral("TLS with the upstream failed: %1")
                                                      .arg(QString::fromStdString(ec.message())));
                                          self->write();
                                      });
        }
    }

    void write()
    {
        if (m_cancelled)
            return finish(Failure::Cancelled, QStringLiteral("cancelled"));
        beast::get_lowest_layer(*m_stream).expires_after(
            std::chrono::milliseconds(m_client.options.firstByteTimeoutMs));
        m_written = false;
        bhttp::async_write(*m_stream, m_message,
                           [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                               if (ec)
                                   return self->brokeBeforeAnswer(ec);
                               self->m_written = true;
                               self->readHead();
                           });
    }

    void readHead()
    {
        m_parser.emplace();
        m_parser->header_limit(std::uint32_t(m_client.options.maxHeaderBytes));
        m_parser->body_limit(boost::none);
        bhttp::async_read_header(
            *m_stream, m_buffer, *m_parser,
            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                if (ec)
                    return self->brokeBeforeAnswer(ec);
                // 100 Continue, 103 Early Hints: interim, the answer is still to come.
                const unsigned status = self->m_parser->get().result_int();
                if (status >= 100 && status < 200 && status != 101)
                    return self->readHead();
                UpstreamClient::Headers headers;
                for (const auto& field : self->m_parser->get())
                    headers.append({QByteArray::fromStdString(std::string(field.name_string())),
                                    QByteArray::fromStdString(std::string(field.value()))});
                if (self->m_handler.head)
                    self->m_handler.head(int(self->m_parser->get().result_int()), headers);
                self->readBody();
            });
    }

    // A pooled connection the upstream closed while it sat idle: the write fails, or the
    // answer ends before its first byte. Only then the request goes again, once, on a fresh
    // connection - after anything else the upstream may have begun the work, and a second
    // completion would be paid twice.
    void brokeBeforeAnswer(beast::error_code ec)
    {
        if (ec == beast::error::timeout)
            return finish(Failure::Timeout,
                          QStringLiteral("the upstream sent no answer within %1 ms")
                              .arg(m_client.options.firstByteTimeoutMs));
        const bool closedWhileIdle =
            !m_written || ((ec == net::error::eof || ec == bhttp::error::end_of_stream ||
                            ec == net::error::connection_reset) &&
                           m_buffer.size() == 0 && !m_parser->got_some());
        if (m_reused && !m_cancelled && closedWhileIdle) {
            m_buffer.consume(m_buffer.size());
            {
                const std::lock_guard lock(m_streamMutex);
                m_stream.reset();
                ++m_streamGeneration;
            }
            return connect();
        }
        finish(Failure::Broken, QStringLiteral("the upstream connection broke: %1")
                                    .arg(QString::fromStdString(ec.message())));
    }

    void readBody()
    {
        if (m_parser->is_done())
            return finish(std::nullopt, {});
        m_parser->get().body().data = m_piece.data();
        m_parser->get().body().size = m_piece.size();
        beast::get_lowest_layer(*m_stream).expires_after(
            std::chrono::milliseconds(m_client.options.readTimeoutMs));
        bhttp::async_read_some(
            *m_stream, m_buffer, *m_parser,
            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                if (ec == bhttp::error::need_buffer)
                    ec = {};
                const std::size_t bytes = self->m_piece.size() - self->m_parser->get().body().size;
                if (bytes > 0 && self->m_handler.data &&
                    !self->m_handler.data(QByteArray(self->m_piece.data(), qsizetype(bytes)))) {
                    beast::get_lowest_layer(*self->m_stream).close();
                    return self->finish(Failure::Cancelled, QStringLiteral("cancelled"));
                }
                if (ec == beast::error::timeout)
                    return self->finish(Failure::Timeout,
                                        QStringLiteral("the upstream stalled for %1 ms")
                                            .arg(self->m_client.options.readTimeoutMs));
                if (ec)
                    return self->finish(Failure::Broken,
                                        QStringLiteral("the upstream's answer broke off: %1")
                                            .arg(QString::fromStdString(ec.message())));
                self->readBody();
            });
    }

    void finish(std::optional<Failure> failure, const QString& why)
    {
        if (m_finished.exchange(true))
            return;
        if (!failure && m_stream && m_parser && m_parser->keep_alive() && !m_cancelled &&
            !m_client.stopped) {
            beast::get_lowest_layer(*m_stream).expires_never();
            const std::lock_guard lock(m_streamMutex);
            m_client.pool(static_cast<Stream*>(nullptr)).put(std::move(m_stream));
            ++m_streamGeneration;
        }
        if (m_handler.done)
            m_handler.done(failure, why);
        m_handler = {};
    }

    UpstreamConnections& m_client;
    UpstreamClient::Handler m_handler;
    tcp::resolver m_resolver;
    bhttp::request<bhttp::string_body> m_message;
    std::mutex m_streamMutex;
    std::unique_ptr<Stream> m_stream;
    // Counts the streams m_stream has held, under m_streamMutex.
    quint64 m_streamGeneration = 0;
    std::optional<bhttp::response_parser<bhttp::buffer_body>> m_parser;
    beast::flat_buffer m_buffer;
    std::array<char, 16 * 1024> m_piece{};
    bool m_reused = false;
    bool m_written = false;
    std::atomic<bool> m_cancelled{false};
    std::atomic<bool> m_finished{false};
};

} // namespace

UpstreamClient::UpstreamClient(const QUrl& baseUrl, Options options, boost::asio::io_context& io)
    : m_impl(std::make_unique<UpstreamConnections>(baseUrl, std::move(options), io))
{}

UpstreamClient::~UpstreamClient()
{
    m_impl->stop();
}

std::shared_ptr<UpstreamClient::Exchange> UpstreamClient::send(Request request, Handler handler)
{
    if (m_impl->target.tls) {
        auto exchange = std::make_shared<StreamExchange<TlsStream>>(*m_impl, std::move(request),
                                                                    std::move(handler));
        exchange->start();
        return exchange;
    }
    auto exchange = std::make_shared<StreamExchange<PlainStream>>(*m_impl, std::move(request),
                                                                  std::move(handler));
    exchange->start();
    return exchange;
}

int UpstreamClient::idleConnections() const
{
    return m_impl->plainPool.size() + m_impl->tlsPool.size();
}

void UpstreamClient::stop()
{
    m_impl->stop();
}
