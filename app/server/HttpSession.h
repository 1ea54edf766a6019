#pragma once

#include "HttpHandler.h"
#include "HttpServer.h"
#include "RequestUpload.h"
#include "StreamSink.h"

#include <QDir>
#include <QTemporaryFile>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>

namespace keydeck::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

// What every session of a server shares.
struct SessionContext
{
    HttpHandler& handler;
    HttpServer::Limits limits;
    std::atomic<int>& connections;
};

// The sink of one streamed response: hands each write to the session's strand. Holds the
// session weakly; the session's read of the (otherwise silent) client keeps it alive and
// notices when the client goes.
template <class Session> class SessionSink final : public StreamSink
{
public:
    explicit SessionSink(const std::shared_ptr<Session>& session)
        : m_session(session)
    {}

    bool write(const QByteArray& bytes) override
    {
        const std::shared_ptr<Session> session = m_session.lock();
        if (!session || !m_open)
            return false;
        net::post(session->stream().get_executor(),
                  [session, bytes] { session->queueChunk(bytes, false); });
        return true;
    }
    void finish() override
    {
        if (const std::shared_ptr<Session> session = m_session.lock())
            net::post(session->stream().get_executor(),
                      [session] { session->queueChunk({}, true); });
    }
    void abort() override
    {
        if (const std::shared_ptr<Session> session = m_session.lock())
            net::post(session->stream().get_executor(),
                      [session] { session->queueChunk({}, true, true); });
    }
    bool isOpen() const override { return m_open && !m_session.expired(); }
    void setClosedHandler(std::function<void()> handler) override
    {
        std::unique_lock lock(m_closedMutex);
        if (m_open) {
            m_closed = std::move(handler);
            return;
        }
        lock.unlock();
        handler();
    }
    void close()
    {
        m_open = false;
        std::function<void()> closed;
        {
            const std::lock_guard lock(m_closedMutex);
            closed = std::exchange(m_closed, {});
        }
        if (closed)
            closed();
    }
    // The stream ended as it should: nobody is to be told.
    void ended()
    {
        const std::lock_guard lock(m_closedMutex);
        m_closed = {};
    }

private:
    std::weak_ptr<Session> m_session;
    std::atomic<bool> m_open{true};
    std::mutex m_closedMutex;
    std::function<void()> m_closed;
};

// The not yet read body of one upload request: hands the receive to the session's strand.
template <class Session> class SessionUpload final : public RequestUpload
{
public:
    explicit SessionUpload(const std::shared_ptr<Session>& session)
        : m_session(session)
    {}

    void receive(Done done) override
    {
        const std::shared_ptr<Session> session = m_session.lock();
        if (!session)
            return done(nullptr, 400, QStringLiteral("the client went away"));
        net::post(session->stream().get_executor(), [session, done = std::move(done)]() mutable {
            session->receiveUpload(std::move(done));
        });
    }

private:
    std::weak_ptr<Session> m_session;
};

// One connection: reads a request, hands it to the handler, writes the answer, and reads the
// next only then (no pipelining surprises). Derived is PlainSession or TlsSession and gives
// stream(), start() and shutdown().
template <class Derived> class HttpSession
{
public:
    HttpSession(SessionContext& context, std::string clientAddress)
        : m_context(context)
        , m_clientAddress(std::move(clientAddress))
    {
        ++m_context.connections;
    }
    ~HttpSession() { --m_context.connections; }
    HttpSession(const HttpSession&) = delete;
    HttpSession& operator=(const HttpSession&) = delete;

protected:
    void readRequest()
    {
        m_parser.emplace();
        m_parser->header_limit(std::uint32_t(m_context.limits.maxHeaderBytes));
        // A Content-Length is checked against this as the header ends, before the route is
        // known: the larger limit here, the route's own right after (onHeader).
        m_parser->body_limit(
            std::uint64_t(qMax(m_context.limits.maxBodyBytes, m_context.limits.maxUploadBytes)));
        // Waiting for the next request is idle time; once it starts, it must finish in time.
        expireAfter(m_requests == 0 ? m_context.limits.requestTimeoutMs
                                    : m_context.limits.idleTimeoutMs);
        bhttp::async_read_header(
            derived().stream(), m_buffer, *m_parser,
            beast::bind_front_handler(&HttpSession::onHeader, derived().shared_from_this()));
    }

    beast::flat_buffer m_buffer;

private:
    Derived& derived() { return static_cast<Derived&>(*this); }

    void expireAfter(qint64 ms)
    {
        beast::get_lowest_layer(derived().stream()).expires_after(std::chrono::milliseconds(ms));
    }

    void onHeader(beast::error_code ec, std::size_t)
    {
        if (ec)
            return failed(ec);
        ++m_requests;
        expireAfter(m_context.limits.requestTimeoutMs);
        const auto& header = m_parser->get();
        if (isUpload(header))
            return startUpload();
        if (m_parser->content_length().value_or(0) > std::uint64_t(m_context.limits.maxBodyBytes))
            return failed(bhttp::error::body_limit);
        m_parser->body_limit(std::uint64_t(m_context.limits.maxBodyBytes));
        if (bhttp::token_list(header[bhttp::field::expect]).exists("100-continue")) {
            auto interim = std::make_shared<bhttp::response<bhttp::empty_body>>(
                bhttp::status::continue_, header.version());
            bhttp::async_write(derived().stream(), *interim,
                               [self = derived().shared_from_this(),
                                interim](beast::error_code writeError, std::size_t) {
                                   if (writeError)
                                       return self->failed(writeError);
                                   self->readBody();
                               });
            return;
        }
        readBody();
    }

    void readBody()
    {
        bhttp::async_read(
            derived().stream(), m_buffer, *m_parser,
            beast::bind_front_handler(&HttpSession::onRead, derived().shared_from_this()));
    }

    bool isUpload(const bhttp::request_header<>& header) const
    {
        const std::string_view target = header.target();
        const QByteArray path(target.data(), qsizetype(target.substr(0, target.find('?')).size()));
        return m_context.handler.streamsBody(
            QByteArray::fromStdString(std::string(header.method_string())), path);
    }

    void failed(beast::error_code ec)
    {
        if (ec == bhttp::error::end_of_stream || ec == net::error::eof ||
            ec == net::error::connection_reset || ec == net::error::operation_aborted)
            return derived().shutdown();
        // The deadline closed the socket already (tcp_stream does), so there is no one to tell:
        // a client too slow to send its request in time is simply cut off.
        if (ec == beast::error::timeout)
            return;
        if (ec == bhttp::error::body_limit) {
            const bool upload = m_parser && m_parser->is_header_done() && isUpload(m_parser->get());
            return reject(413, QStringLiteral("the request body is larger than %1 bytes")
                                   .arg(upload ? m_context.limits.maxUploadBytes
                                               : m_context.limits.maxBodyBytes));
        }
        if (ec == bhttp::error::header_limit)
            return reject(431, QStringLiteral("the request headers are larger than %1 bytes")
                                   .arg(m_context.limits.maxHeaderBytes));
        if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category())
            return reject(400, QStringLiteral("malformed HTTP request: %1")
                                   .arg(QString::fromStdString(ec.message())));
        derived().shutdown();
    }

    void reject(int status, const QString& message)
    {
        HttpResponse response = m_context.handler.rejected(status, message);
        response.close = true;
        m_bodyUnread = true;
        write(std::move(response), 11);
    }

    void onRead(beast::error_code ec, std::size_t)
    {
        if (ec)
            return failed(ec);
        // The handler may take its time: no deadline while it works.
        beast::get_lowest_layer(derived().stream()).expires_never();
        bhttp::request<bhttp::string_body> message = m_parser->release();
        m_parser.reset();
        HttpRequest request = requestOf(message);
        request.body = QByteArray::fromStdString(message.body());
        dispatch(std::move(request), message.keep_alive(), message.version());
    }

    HttpRequest requestOf(const bhttp::request_header<>& header) const
    {
        HttpRequest request;
        request.method = QByteArray::fromStdString(std::string(header.method_string()));
        const std::string_view target = header.target();
        const std::size_t question = target.find('?');
        request.path = QByteArray(target.data(), qsizetype(target.substr(0, question).size()));
        if (question != std::string_view::npos)
            request.query =
                QByteArray(target.data() + question + 1, qsizetype(target.size() - question - 1));
        for (const auto& field : header) {
            const QByteArray name =
                QByteArray::fromStdString(std::string(field.name_string())).toLower();
            const QByteArray value = QByteArray::fromStdString(std::string(field.value()));
            auto it = request.headers.find(name);
            if (it == request.headers.end())
                request.headers.insert(name, value);
            else
                *it += ", " + value;
        }
        request.clientAddress = QString::fromStdString(m_clientAddress);
        return request;
    }

    void dispatch(HttpRequest request, bool keepAlive, unsigned version)
    {
        if (!request.path.startsWith('/')) {
            HttpResponse response = m_context.handler.rejected(
                400, QStringLiteral("the request target must be a path starting with /"));
            response.close = true;
            return write(std::move(response), version);
        }
        m_context.handler.handle(std::move(request), [self = derived().shared_from_this(),
                                                      keepAlive, version](HttpResponse response) {
            net::post(self->stream().get_executor(),
                      [self, keepAlive, version, response = std::move(response)]() mutable {
                          // The body of an upload never received is still on its way in.
                          self->m_bodyUnread = self->m_upload == UploadState::Waiting ||
                                               self->m_upload == UploadState::Receiving ||
                                               self->m_upload == UploadState::Failed;
                          response.close = response.close || !keepAlive || self->m_bodyUnread;
                          self->m_upload = UploadState::None;
                          self->writeLater(std::move(response), version);
                      });
        });
    }

    // An upload route: the handler is asked at once, the body read only when it wants it.
    void startUpload()
    {
        beast::get_lowest_layer(derived().stream()).expires_never();
        const auto& header = m_parser->get();
        m_expectContinue = bhttp::token_list(header[bhttp::field::expect]).exists("100-continue");
        m_upload = UploadState::Waiting;
        HttpRequest request = requestOf(header);
        request.upload = std::make_shared<SessionUpload<Derived>>(derived().shared_from_this());
        dispatch(std::move(request), header.keep_alive(), header.version());
    }

public:
    // The strand only (SessionUpload posts here).
    void receiveUpload(RequestUpload::Done done)
    {
        if (m_upload != UploadState::Waiting || !m_parser)
            return done(nullptr, 400, QStringLiteral("the upload was already received"));
        // A declared length was checked against the larger of the two limits only.
        if (m_parser->content_length().value_or(0) >
            std::uint64_t(m_context.limits.maxUploadBytes)) {
            m_upload = UploadState::Failed;
            return done(nullptr, 413,
                        QStringLiteral("the upload is larger than %1 bytes")
                            .arg(m_context.limits.maxUploadBytes));
        }
        QTemporaryFile spool(QDir::tempPath() + QStringLiteral("/keydeck-upload-XXXXXX"));
        spool.setAutoRemove(false);
        if (!spool.open())
            return done(nullptr, 500,
                        QStringLiteral("cannot spool the upload: %1").arg(spool.errorString()));
        auto file = std::make_shared<UploadFile>(spool.fileName());
        spool.close();
        m_uploadParser.emplace(std::move(*m_parser));
        m_parser.reset();
        m_uploadParser->body_limit(std::uint64_t(m_context.limits.maxUploadBytes));
        beast::error_code ec;
        m_uploadParser->get().body().open(file->path().toLocal8Bit().constData(),
                                          beast::file_mode::write, ec);
        if (ec)
            return done(nullptr, 500,
                        QStringLiteral("cannot spool the upload: %1")
                            .arg(QString::fromStdString(ec.message())));
        m_upload = UploadState::Receiving;
        m_uploadFile = std::move(file);
        m_uploadDone = std::move(done);
        // No body at all (Content-Length: 0): nothing to read.
        if (m_uploadParser->is_done())
            return uploadReceived();
        if (!m_expectContinue)
            return readUpload();
        auto interim = std::make_shared<bhttp::response<bhttp::empty_body>>(
            bhttp::status::continue_, m_uploadParser->get().version());
        expireAfter(m_context.limits.writeTimeoutMs);
        bhttp::async_write(derived().stream(), *interim,
                           [self = derived().shared_from_this(),
                            interim](beast::error_code writeError, std::size_t) {
                               if (writeError)
                                   return self->uploadFailed(writeError);
                               self->readUpload();
                           });
    }

private:
    // Each read must bring something within the request timeout; a large upload may take
    // longer as a whole.
    void readUpload()
    {
        expireAfter(m_context.limits.requestTimeoutMs);
        bhttp::async_read_some(
            derived().stream(), m_buffer, *m_uploadParser,
            [self = derived().shared_from_this()](beast::error_code ec, std::size_t) {
                if (ec)
                    return self->uploadFailed(ec);
                if (!self->m_uploadParser->is_done())
                    return self->readUpload();
                self->uploadReceived();
            });
    }

    void uploadReceived()
    {
        beast::get_lowest_layer(derived().stream()).expires_never();
        m_uploadParser->release().body().close();
        m_uploadParser.reset();
        m_upload = UploadState::Received;
        const RequestUpload::Done done = std::exchange(m_uploadDone, {});
        done(std::exchange(m_uploadFile, {}), 0, {});
    }

    void uploadFailed(beast::error_code ec)
    {
        m_upload = UploadState::Failed;
        m_uploadParser.reset();
        m_uploadFile.reset();
        const RequestUpload::Done done = std::exchange(m_uploadDone, {});
        if (ec == bhttp::error::body_limit)
            return done(nullptr, 413,
                        QStringLiteral("the upload is larger than %1 bytes")
                            .arg(m_context.limits.maxUploadBytes));
        // The deadline has closed the socket already: this answer is for the log alone.
        if (ec == beast::error::timeout)
            return done(nullptr, 408, QStringLiteral("the upload stalled"));
        done(nullptr, 400,
             QStringLiteral("the upload ended early or is malformed: %1")
                 .arg(QString::fromStdString(ec.message())));
    }

    void writeLater(HttpResponse response, unsigned version)
    {
        if (response.delayMs <= 0)
            return write(std::move(response), version);
        auto timer = std::make_shared<net::steady_timer>(derived().stream().get_executor());
        timer->expires_after(std::chrono::milliseconds(response.delayMs));
        timer->async_wait([self = derived().shared_from_this(), timer,
                           response = std::move(response), version](beast::error_code) mutable {
            response.delayMs = 0;
            self->write(std::move(response), version);
        });
    }

    void write(HttpResponse response, unsigned version)
    {
        if (response.stream)
            return writeStreamHeader(std::move(response), version);
        auto message = std::make_shared<bhttp::response<bhttp::string_body>>(
            bhttp::status(response.status), version);
        message->set(bhttp::field::server, "keydeck-server");
        if (!response.body.isEmpty())
            message->set(bhttp::field::content_type, response.contentType.toStdString());
        if (response.noStore)
            message->set(bhttp::field::cache_control, "no-store");
        for (const auto& [name, value] : std::as_const(response.headers))
            message->set(name.toStdString(), value.toStdString());
        message->body() = response.body.toStdString();
        message->keep_alive(!response.close);
        message->prepare_payload();
        expireAfter(m_context.limits.writeTimeoutMs);
        bhttp::async_write(
            derived().stream(), *message,
            [self = derived().shared_from_this(), message](beast::error_code ec, std::size_t) {
                if (ec)
                    return self->derived().shutdown();
                if (!message->keep_alive())
                    return self->closeAfterAnswer();
                self->readRequest();
            });
    }

    // A client may still be sending the body the answer refused (a 413, an upload from
    // someone without a key): closing on unread bytes would reset the connection and could
    // destroy the answer on its way. So the rest is read and dropped first, for a while.
    void closeAfterAnswer()
    {
        if (!std::exchange(m_bodyUnread, false))
            return derived().shutdown();
        derived().halfClose();
        expireAfter(LingerMs);
        drain(0);
    }

    void drain(std::size_t dropped)
    {
        auto scratch = std::make_shared<std::array<char, 16 * 1024>>();
        derived().stream().async_read_some(net::buffer(*scratch),
                                           [self = derived().shared_from_this(), scratch,
                                            dropped](beast::error_code ec, std::size_t bytes) {
                                               if (ec || dropped + bytes > MaxLingerBytes)
                                                   return self->derived().shutdown();
                                               self->drain(dropped + bytes);
                                           });
    }

    void writeStreamHeader(HttpResponse response, unsigned version)
    {
        auto header = std::make_shared<bhttp::response<bhttp::empty_body>>(
            bhttp::status(response.status), version);
        header->set(bhttp::field::server, "keydeck-server");
        header->set(bhttp::field::content_type, response.contentType.toStdString());
        header->set(bhttp::field::cache_control, "no-store");
        for (const auto& [name, value] : std::as_const(response.headers))
            header->set(name.toStdString(), value.toStdString());
        header->keep_alive(false);
        header->chunked(true);
        auto serializer = std::make_shared<bhttp::response_serializer<bhttp::empty_body>>(*header);
        expireAfter(m_context.limits.writeTimeoutMs);
        bhttp::async_write_header(
            derived().stream(), *serializer,
            [self = derived().shared_from_this(), header, serializer,
             producer = std::move(response.stream)](beast::error_code ec, std::size_t) {
                if (ec)
                    return self->derived().shutdown();
                beast::get_lowest_layer(self->derived().stream()).expires_never();
                self->m_sink = std::make_shared<SessionSink<Derived>>(self);
                self->watchForClose();
                producer(self->m_sink);
            });
    }

    // The client sends nothing more on a stream; a read that ends means it went away.
    void watchForClose()
    {
        derived().stream().async_read_some(
            m_buffer.prepare(512),
            [self = derived().shared_from_this()](beast::error_code ec, std::size_t) {
                if (!ec)
                    return self->watchForClose();
                self->closeStream();
            });
    }

    void closeStream()
    {
        if (std::exchange(m_streamClosed, true))
            return;
        if (m_sink)
            m_sink->close();
        m_chunks.clear();
        derived().shutdown();
    }

public:
    // The strand only (SessionSink posts here).
    void queueChunk(const QByteArray& bytes, bool last, bool broken = false)
    {
        if (!m_sink || !m_sink->isOpen())
            return;
        if (last) {
            m_finishing = true;
            m_broken = broken;
        } else
            m_chunks.push_back(bytes);
        m_queuedBytes += bytes.size();
        // A client that does not read is not buffered for without bound.
        if (m_queuedBytes > MaxQueuedStreamBytes)
            return closeStream();
        if (!m_writingChunk)
            writeNextChunk();
    }

private:
    static constexpr qint64 MaxQueuedStreamBytes = 1024 * 1024;
    static constexpr qint64 LingerMs = 2'000;
    static constexpr std::size_t MaxLingerBytes = 8 * 1024 * 1024;

    void writeNextChunk()
    {
        if (m_chunks.empty()) {
            if (!m_finishing)
                return;
            if (m_broken)
                return closeStream();
            m_writingChunk = true;
            expireAfter(m_context.limits.writeTimeoutMs);
            m_sink->ended();
            net::async_write(derived().stream(), bhttp::make_chunk_last(),
                             [self = derived().shared_from_this()](beast::error_code, std::size_t) {
                                 self->closeStream();
                             });
            return;
        }
        m_writingChunk = true;
        auto data = std::make_shared<std::string>(m_chunks.front().toStdString());
        m_chunks.pop_front();
        expireAfter(m_context.limits.writeTimeoutMs);
        net::async_write(
            derived().stream(), bhttp::make_chunk(net::buffer(*data)),
            [self = derived().shared_from_this(), data](beast::error_code ec, std::size_t) {
                self->m_writingChunk = false;
                self->m_queuedBytes -= qint64(data->size());
                if (ec)
                    return self->closeStream();
                beast::get_lowest_layer(self->derived().stream()).expires_never();
                self->writeNextChunk();
            });
    }

    SessionContext& m_context;
    std::string m_clientAddress;
    std::shared_ptr<SessionSink<Derived>> m_sink;
    std::deque<QByteArray> m_chunks;
    qint64 m_queuedBytes = 0;
    bool m_writingChunk = false;
    bool m_finishing = false;
    bool m_broken = false;
    bool m_streamClosed = false;
    std::optional<bhttp::request_parser<bhttp::string_body>> m_parser;
    int m_requests = 0;
    enum class UploadState
    {
        None,
        Waiting,
        Receiving,
        Received,
        Failed
    };
    UploadState m_upload = UploadState::None;
    bool m_bodyUnread = false;
    bool m_expectContinue = false;
    std::optional<bhttp::request_parser<bhttp::file_body>> m_uploadParser;
    std::shared_ptr<UploadFile> m_uploadFile;
    RequestUpload::Done m_uploadDone;
};

class PlainSession final : public HttpSession<PlainSession>,
                           public std::enable_shared_from_this<PlainSession>
{
public:
    PlainSession(tcp::socket&& socket, SessionContext& context, std::string clientAddress)
        : HttpSession(context, std::move(clientAddress))
        , m_stream(std::move(socket))
    {}

    beast::tcp_stream& stream() { return m_stream; }
    void start()
    {
        net::dispatch(m_stream.get_executor(),
                      [self = shared_from_this()] { self->readRequest(); });
    }
    // The answer is all sent: the client sees the end of it while we read what it still sends.
    void halfClose()
    {
        beast::error_code ignored;
        m_stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
    void shutdown()
    {
        beast::error_code ignored;
        m_stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

private:
    beast::tcp_stream m_stream;
};

class TlsSession final : public HttpSession<TlsSession>,
                         public std::enable_shared_from_this<TlsSession>
{
public:
    TlsSession(tcp::socket&& socket, net::ssl::context& tls, SessionContext& context,
               std::string clientAddress, qint64 handshakeTimeoutMs)
        : HttpSession(context, std::move(clientAddress))
        , m_stream(std::move(socket), tls)
        , m_handshakeTimeoutMs(handshakeTimeoutMs)
    {}

    beast::ssl_stream<beast::tcp_stream>& stream() { return m_stream; }
    // TLS has no half-close short of its own shutdown, which comes after the drain.
    void halfClose() {}
    void start()
    {
        net::dispatch(m_stream.get_executor(), [self = shared_from_this()] {
            beast::get_lowest_layer(self->m_stream)
                .expires_after(std::chrono::milliseconds(self->m_handshakeTimeoutMs));
            self->m_stream.async_handshake(net::ssl::stream_base::server,
                                           [self](beast::error_code ec) {
                                               if (!ec)
                                                   self->readRequest();
                                           });
        });
    }
    void shutdown()
    {
        beast::get_lowest_layer(m_stream).expires_after(std::chrono::seconds(5));
        m_stream.async_shutdown([self = shared_from_this()](beast::error_code) {});
    }

private:
    beast::ssl_stream<beast::tcp_stream> m_stream;
    qint64 m_handshakeTimeoutMs;
};

} // namespace keydeck::http
