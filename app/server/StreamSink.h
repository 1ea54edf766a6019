#pragma once

#include <QByteArray>

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
    virtual bool isOpen() const = 0;
};
