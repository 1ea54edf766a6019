#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <memory>

class RequestUpload;

// A request as handlers see it: no Beast types, so routing and the admin API are plain Qt.
struct HttpRequest
{
    QByteArray method;
    // The path as received, still percent-encoded, without the query.
    QByteArray path;
    QByteArray query;
    // Lower-case names; a repeated header's values joined by ", ".
    QHash<QByteArray, QByteArray> headers;
    QByteArray body;
    // Set instead of body on an upload route (HttpHandler::streamsBody): received on request.
    std::shared_ptr<RequestUpload> upload;
    // The peer's address as the socket reports it (never a forwarded-for header).
    QString clientAddress;

    QByteArray header(const QByteArray& lowerCaseName) const
    {
        return headers.value(lowerCaseName);
    }
};
