#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

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

    static HttpResponse json(int status, const QJsonDocument& document);
};
