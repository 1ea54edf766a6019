#pragma once

#include <QByteArray>
#include <functional>

// Where a streamed response body goes (Server-Sent Events, later a streamed upstream answer).
// Thread-safe: a producer on any thread writes; the connection's own thread sends.
class StreamSink
{
public:
    StreamSink() = default;
    virtual ~StreamSink() = default;
    Q_DISABLE_COPY_MOVE(StreamSink)

    // Queues bytes for the client. false once the connection is gone, or when the client reads
    // so slowly that too much is waiting (the connection is then closed): stop writing.
    virtual bool write(const QByteArray& bytes) = 0;
    // Ends the body; the connection closes once everything queued is sent.
    virtual void finish() = 0;
    // The body broke off: what is queued is sent, then the connection is cut without the
    // body's proper end, so the client cannot take a part for the whole.
    virtual void abort() = 0;
    virtual bool isOpen() const = 0;
    // Called once, on the connection's thread, when the client goes away or the connection
    // is dropped before the stream ended (at once if that happened already): a producer that
    // holds work for this client - an upstream request - lets it go.
    virtual void setClosedHandler(std::function<void()> handler) = 0;
};
