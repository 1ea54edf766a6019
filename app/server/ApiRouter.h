#pragma once

#include "CidrBlock.h"
#include "HttpHandler.h"

#include <QElapsedTimer>
#include <QList>
#include <QStringList>

class RequestLog;
class ServerMetrics;

// Maps method + path pattern ("/v1/admin/keys/{id}") to a handler, answers unknown paths with
// a JSON 404 and known paths with another method with a JSON 405 and Allow, and counts and
// logs every answer under its pattern.
class ApiRouter final : public HttpHandler
{
    Q_DISABLE_COPY_MOVE(ApiRouter)

public:
    // What a handler learns besides the request: the decoded {parameters} in pattern order.
    struct Call
    {
        HttpRequest request;
        QStringList params;
        QString route;
    };
    using Handler = std::function<void(Call call, HttpResponder respond)>;

    ApiRouter(ServerMetrics& metrics, RequestLog& log);

    // Requests from these peers are taken to come from whom their X-Forwarded-For names.
    void setTrustedProxies(QList<CidrBlock> proxies) { m_trustedProxies = std::move(proxies); }
    void add(const QByteArray& method, const QString& pattern, Handler handler);
    // A route whose body is an upload: the handler gets HttpRequest::upload to receive it.
    void addUpload(const QByteArray& method, const QString& pattern, Handler handler);
    // Every (method, pattern) served, in the order added.
    QList<QPair<QByteArray, QString>> routes() const;

    void handle(HttpRequest request, HttpResponder respond) override;
    bool streamsBody(const QByteArray& method, const QByteArray& path) const override;
    HttpResponse rejected(int status, const QString& message) override;

private:
    struct Route
    {
        QByteArray method;
        QString pattern;
        QStringList segments;
        Handler handler;
        bool upload = false;
    };
    // nullopt: the path does not fit; otherwise its decoded parameters.
    static std::optional<QStringList> match(const QStringList& pattern,
                                            const QList<QByteArray>& path);
    HttpResponder observed(const HttpRequest& request, const QString& route, HttpResponder respond);

    ServerMetrics& m_metrics;
    RequestLog& m_log;
    QList<Route> m_routes;
    QList<CidrBlock> m_trustedProxies;
};
