#include "HttpServer.h"

#include "HttpSession.h"

#include <stdexcept>
#include <thread>
#include <vector>

using namespace keydeck::http;

struct HttpServer::Impl
{
    Impl(HttpHandler& handler, Limits limits, int ioThreads)
        : context{handler, limits, connections}
        , threadCount(ioThreads)
        , io(ioThreads)
        , acceptor(net::make_strand(io))
    {}

    void accept()
    {
        acceptor.async_accept(net::make_strand(io),
                              [this](beast::error_code ec, tcp::socket socket) {
                                  if (ec == net::error::operation_aborted || !acceptor.is_open())
                                      return;
                                  if (!ec)
                                      admit(std::move(socket));
                                  accept();
                              });
    }

    void admit(tcp::socket socket)
    {
        // Over the limit: closed before a byte is read, rather than queued without bound.
        if (connections.load() >= context.limits.maxConnections) {
            beast::error_code ignored;
            socket.close(ignored);
            return;
        }
        beast::error_code ec;
        const tcp::endpoint peer = socket.remote_endpoint(ec);
        if (ec)
            return;
        net::ip::address address = peer.address();
        if (address.is_v6() && address.to_v6().is_v4_mapped())
            address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
        std::string client = address.to_string();
        if (tls)
            std::make_shared<TlsSession>(std::move(socket), *tls, context, std::move(client),
                                         context.limits.requestTimeoutMs)
                ->start();
        else
            std::make_shared<PlainSession>(std::move(socket), context, std::move(client))->start();
    }

    // Sessions refer to these: they are declared before io, whose destruction destroys the
    // sessions still queued in it.
    std::atomic<int> connections{0};
    SessionContext context;
    std::optional<net::ssl::context> tls;
    int threadCount;
    net::io_context io;
    tcp::acceptor acceptor;
    std::vector<std::thread> threads;
};

HttpServer::HttpServer(HttpHandler& handler, Limits limits, int ioThreads)
    : m_impl(std::make_unique<Impl>(handler, limits, qMax(1, ioThreads)))
{}

HttpServer::~HttpServer()
{
    stop();
}

void HttpServer::listen(const QString& host, quint16 port, const QString& certFile,
                        const QString& keyFile)
{
    beast::error_code ec;
    const net::ip::address address = net::ip::make_address(host.toStdString(), ec);
    if (ec)
        throw std::runtime_error("not an IP address: " + host.toStdString());
    if (!certFile.isEmpty()) {
        net::ssl::context tls(net::ssl::context::tls_server);
        tls.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                        net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                        net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
        tls.use_certificate_chain_file(certFile.toStdString(), ec);
        if (ec)
            throw std::runtime_error("cannot use the certificate " + certFile.toStdString() + ": " +
                                     ec.message());
        tls.use_private_key_file(keyFile.toStdString(), net::ssl::context::pem, ec);
        if (ec)
            throw std::runtime_error("cannot use the private key " + keyFile.toStdString() + ": " +
                                     ec.message());
        m_impl->tls.emplace(std::move(tls));
    }
    const tcp::endpoint endpoint(address, port);
    tcp::acceptor& acceptor = m_impl->acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec)
        acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec)
        acceptor.bind(endpoint, ec);
    if (!ec)
        acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::runtime_error("cannot listen on " + host.toStdString() + ":" +
                                 std::to_string(port) + ": " + ec.message());
}

quint16 HttpServer::port() const
{
    beast::error_code ec;
    return m_impl->acceptor.local_endpoint(ec).port();
}

void HttpServer::start()
{
    m_impl->accept();
    for (int i = 0; i < m_impl->threadCount; ++i)
        m_impl->threads.emplace_back([this] { m_impl->io.run(); });
}

void HttpServer::stop()
{
    if (m_impl->threads.empty())
        return;
    net::post(m_impl->acceptor.get_executor(), [this] {
        beast::error_code ignored;
        m_impl->acceptor.close(ignored);
    });
    m_impl->io.stop();
    for (std::thread& thread : m_impl->threads)
        thread.join();
    m_impl->threads.clear();
}

boost::asio::io_context& HttpServer::ioContext()
{
    return m_impl->io;
}
