#pragma once

#include "HttpRequest.h"
#include "HttpResponse.h"

#include <functional>

// Answers a request; respond may be called from any thread, exactly once.
using HttpResponder = std::function<void(HttpResponse)>;

// What HttpServer hands every complete request to. handle() runs on an I/O thread: it must
// return at once and never wait (no store work, no locks held for long).
class HttpHandler
{
public:
    HttpHandler() = default;
    virtual ~HttpHandler() = default;
    Q_DISABLE_COPY_MOVE(HttpHandler)

    virtual void handle(HttpRequest request, HttpResponder respond) = 0;
    // Whether this request's body is an upload (up to Limits::maxUploadBytes, spooled to disk
    // when the handler asks for it) rather than read whole into memory first. Asked with the
    // request line alone, on an I/O thread.
    virtual bool streamsBody(const QByteArray& method, const QByteArray& path) const
    {
        Q_UNUSED(method);
        Q_UNUSED(path);
        return false;
    }
    // For a request the server refused before it was complete (too large, malformed, too
    // slow): the status and why, in the error shape handlers use.
    virtual HttpResponse rejected(int status, const QString& message) = 0;
};
