#include "ApiRouter.h"

#include "ApiError.h"
#include "ForwardedFor.h"
#include "RequestLog.h"
#include "ServerMetrics.h"

#include <QJsonObject>
#include <QSet>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {

// Label values stay a small fixed set whatever clients send.
QByteArray methodLabel(const QByteArray& method)
{
    static const QSet<QByteArray> known{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
    return known.contains(method) ? method : QByteArrayLiteral("OTHER");
}

} // namespace

ApiRouter::ApiRouter(ServerMetrics& metrics, RequestLog& log)
    : m_metrics(metrics)
    , m_log(log)
{}

void ApiRouter::add(const QByteArray& method, const QString& pattern, Handler handler)
{
    m_routes.append({method, pattern, pattern.split(u'/'), std::move(handler), false});
}

void ApiRouter::addUpload(const QByteArray& method, const QString& pattern, Handler handler)
{
    m_routes.append({method, pattern, pattern.split(u'/'), std::move(handler), true});
}

bool ApiRouter::streamsBody(const QByteArray& method, const QByteArray& path) const
{
    const QList<QByteArray> segments = path.split('/');
    for (const Route& route : m_routes) {
        if (route.upload && route.method == method && match(route.segments, segments))
            return true;
    }
    return false;
}

QList<QPair<QByteArray, QString>> ApiRouter::routes() const
{
    QList<QPair<QByteArray, QString>> all;
    for (const Route& route : m_routes)
        all.append({route.method, route.pattern});
    return all;
}

std::optional<QStringList> ApiRouter::match(const QStringList& pattern,
                                            const QList<QByteArray>& path)
{
    if (pattern.size() != path.size())
        return std::nullopt;
    QStringList params;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QString& expected = pattern.at(i);
        if (expected.startsWith(u'{')) {
            // A parameter is one whole segment: decoded, it may not become a path of its own
            // ("..", "a/b" from %2F) or carry control characters.
            const QString value = QString::fromUtf8(QByteArray::fromPercentEncoding(path.at(i)));
            if (value.isEmpty() || value == u"."_s || value == u".."_s || value.contains(u'/') ||
                value.contains(u'\\'))
                return std::nullopt;
            for (QChar c : value) {
                if (c.category() == QChar::Other_Control || c == QChar::ReplacementCharacter)
                    return std::nullopt;
            }
            params.append(value);
        } else if (expected.toUtf8() != path.at(i)) {
            return std::nullopt;
        }
    }
    return params;
}

void ApiRouter::handle(HttpRequest request, HttpResponder respond)
{
    if (!m_trustedProxies.isEmpty())
        request.clientAddress = ForwardedFor::clientOf(
            request.clientAddress, request.header("x-forwarded-for"), m_trustedProxies);
    const QList<QByteArray> path = request.path.split('/');
    QStringList allowed;
    for (const Route& route : std::as_const(m_routes)) {
        const std::optional<QStringList> params = match(route.segments, path);
        if (!params)
            continue;
        if (route.method != request.method) {
            allowed.append(QString::fromLatin1(route.method));
            continue;
        }
        HttpResponder answer = observed(request, route.pattern, std::move(respond));
        route.handler({std::move(request), *params, route.pattern}, std::move(answer));
        return;
    }
    const QString shown = QString::fromUtf8(request.method + ' ' + request.path);
    if (!allowed.isEmpty()) {
        HttpResponder answer = observed(request, u"(method not allowed)"_s, std::move(respond));
        HttpResponse response =
            ApiError(ApiError::Code::MethodNotAllowed,
                     u"%1: this path is served for %2 only"_s.arg(shown, allowed.join(u", "_s)))
                .toResponse();
        response.headers.append(qMakePair("Allow", allowed.join(u", "_s).toLatin1()));
        answer(std::move(response));
        return;
    }
    observed(request, u"(unknown)"_s, std::move(respond))(
        ApiError(ApiError::Code::RouteNotFound, u"no such route: %1"_s.arg(shown)).toResponse());
}

HttpResponder ApiRouter::observed(const HttpRequest& request, const QString& route,
                                  HttpResponder respond)
{
    QElapsedTimer timer;
    timer.start();
    return [this, timer, route, method = request.method, path = QString::fromUtf8(request.path),
            client = request.clientAddress, respond = std::move(respond)](HttpResponse response) {
        const double seconds = double(timer.nsecsElapsed()) / 1e9;
        m_metrics.observe(route, methodLabel(method), response.status, seconds);
        m_log.info(u"request"_s, {{u"method"_s, QString::fromLatin1(methodLabel(method))},
                                  {u"route"_s, route},
                                  {u"path"_s, path},
                                  {u"status"_s, response.status},
                                  {u"ms"_s, std::round(seconds * 1e6) / 1e3},
                                  {u"client"_s, client},
                                  {u"actor"_s, response.actor}});
        respond(std::move(response));
    };
}

HttpResponse ApiRouter::rejected(int status, const QString& message)
{
    m_metrics.observe(u"(rejected)"_s, QByteArrayLiteral("OTHER"), status, 0);
    m_log.info(u"request rejected"_s, {{u"status"_s, status}, {u"reason"_s, message}});
    return ApiError::fromHttpStatus(status, message).toResponse();
}
