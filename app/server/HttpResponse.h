#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <functional>
#include <memory>

class StreamSink;

class QJsonDocument;

struct HttpResponse
{
    int status = 200;
    QByteArray contentType = "application/json";
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    // Carries a secret: sent with Cache-Control: no-store.
    bool noStore = false;
    // Sent this much later; the connection's other work goes on meanwhile.
    qint64 delayMs = 0;
    // The connection closes once this is sent.
    bool close = false;
    // Who asked, for the log: a key's id and hint, never the key.
    QString actor;
    // Set for a body produced over time: the headers go out (chunked), then this is given the
    // sink to write the body to. body is ignored; the connection closes when the stream ends.
    std::function<void(std::shared_ptr<StreamSink>)> stream;

    static HttpResponse json(int status, const QJsonDocument& document);
};
