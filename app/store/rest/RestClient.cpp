#include "RestClient.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QThread>

using namespace Qt::StringLiterals;

namespace {

// A network failure, said the way a user can act on it.
StoreError unreachable(QNetworkReply* reply)
{
    const QString where = reply->url()
                              .adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemovePath)
                              .toString();
    switch (reply->error()) {
    case QNetworkReply::ConnectionRefusedError:
        return {StoreError::Code::Unavailable,
                u"%1 refused the connection: is keydeck-server running there?"_s.arg(where)};
    case QNetworkReply::HostNotFoundError:
        return {StoreError::Code::Unavailable, u"%1: no such host"_s.arg(where)};
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
        return {StoreError::Code::Unavailable, u"%1 did not answer in time"_s.arg(where)};
    case QNetworkReply::SslHandshakeFailedError:
        return {StoreError::Code::Unavailable,
                u"TLS error talking to %1: %2"_s.arg(where, reply->errorString())};
    default:
        return {StoreError::Code::Unavailable,
                u"cannot reach %1: %2"_s.arg(where, reply->errorString())};
    }
}

StoreError::Code codeFor(int status, const QString& code)
{
    switch (status) {
    case 400:
    case 413:
    case 431:
        return StoreError::Code::Invalid;
    case 401:
        return StoreError::Code::Unauthorized;
    case 403:
        return StoreError::Code::Forbidden;
    case 404:
        // A route the server does not have means the URL is not a keydeck-server (or an older
        // one), not that the key is missing.
        return code == u"unknown_route" ? StoreError::Code::Unavailable
                                        : StoreError::Code::NotFound;
    case 409:
        return code == u"key_revoked" ? StoreError::Code::Final : StoreError::Code::Conflict;
    case 429:
        return StoreError::Code::RateLimited;
    default:
        return StoreError::Code::Unavailable;
    }
}

} // namespace

RestClient::RestClient(RestSettings settings, QObject* parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_adminKey(m_settings.adminKey)
    , m_ssl(QSslConfiguration::defaultConfiguration())
    , m_network(new QNetworkAccessManager(this))
{
    if (!m_settings.verifyTls)
        m_ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
    if (!m_settings.caFile.isEmpty()) {
        const QList<QSslCertificate> extra =
            QSslCertificate::fromPath(m_settings.caFile, QSsl::Pem);
        if (extra.isEmpty())
            m_configurationProblem =
                u"the CA file %1 holds no PEM certificate"_s.arg(m_settings.caFile);
        m_ssl.setCaCertificates(m_ssl.caCertificates() + extra);
    }
    // A redirect would carry the admin key somewhere nobody chose: it is an error instead.
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

RestClient::~RestClient() = default;

QString RestClient::location() const
{
    QString text = u"server: "_s + m_settings.serverUrl
                                       .adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery |
                                                 QUrl::StripTrailingSlash)
                                       .toString();
    if (!m_settings.verifyTls && m_settings.serverUrl.scheme() == u"https"_s)
        text += u" (certificate not checked)"_s;
    return text;
}

QString RestClient::segment(const QString& text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text));
}

QNetworkRequest RestClient::requestFor(const QString& path, const QUrlQuery& query) const
{
    QUrl url = m_settings.serverUrl.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery |
                                             QUrl::RemoveFragment | QUrl::StripTrailingSlash);
    // The path is already encoded (segment()): set it as is so "%2F" stays one segment.
    url.setPath(url.path(QUrl::FullyEncoded) + path, QUrl::TolerantMode);
    url.setQuery(query.query(QUrl::FullyEncoded), QUrl::StrictMode);
    QNetworkRequest request(url);
    request.setSslConfiguration(m_ssl);
    request.setRawHeader("Authorization", "Bearer " + m_adminKey.toLatin1());
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      u"KeyDeck/%1"_s.arg(QCoreApplication::applicationVersion()));
    request.setTransferTimeout(m_settings.transferTimeoutMs);
    // keydeck-server speaks HTTP/1.1; asking for h2 over TLS would only cost a round of ALPN.
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    return request;
}

QFuture<QByteArray> RestClient::send(const QByteArray& method, const QString& path,
                                     const QUrlQuery& query, const QJsonDocument& body)
{
    auto promise = std::make_shared<QPromise<QByteArray>>();
    QFuture<QByteArray> future = promise->future();
    promise->start();
    const QByteArray bytes = body.isNull() ? QByteArray() : body.toJson(QJsonDocument::Compact);
    start(
        [this, method, path, query, bytes, hasBody = !body.isNull()] {
            QNetworkRequest request = requestFor(path, query);
            if (hasBody)
                request.setRawHeader("Content-Type", "application/json");
            return m_network->sendCustomRequest(request, method, bytes);
        },
        promise, nullptr);
    return future;
}

QFuture<QByteArray> RestClient::upload(const QString& path, const QUrlQuery& query,
                                       std::shared_ptr<QIODevice> device,
                                       const QByteArray& contentType)
{
    auto promise = std::make_shared<QPromise<QByteArray>>();
    QFuture<QByteArray> future = promise->future();
    promise->start();
    start(
        [this, path, query, device, contentType] {
            QNetworkRequest request = requestFor(path, query);
            request.setRawHeader("Content-Type", contentType);
            request.setHeader(QNetworkRequest::ContentLengthHeader, device->size());
            // The server answers once the whole import is stored, which takes a while after
            // the last byte went out.
            request.setTransferTimeout(qMax(m_settings.transferTimeoutMs, UploadAnswerTimeoutMs));
            return m_network->post(request, device.get());
        },
        promise, device);
    return future;
}

void RestClient::start(const std::function<QNetworkReply*()>& makeReply,
                       const std::shared_ptr<QPromise<QByteArray>>& promise,
                       std::shared_ptr<QIODevice> keepAlive)
{
    auto run = [this, makeReply, promise, keepAlive] {
        if (!m_configurationProblem.isEmpty()) {
            promise->setException(
                StoreError(StoreError::Code::Unavailable, m_configurationProblem));
            promise->finish();
            return;
        }
        QNetworkReply* reply = makeReply();
        connect(reply, &QNetworkReply::finished, this, [reply, promise, keepAlive] {
            reply->deleteLater();
            const QByteArray body = reply->readAll();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status >= 200 && status < 300)
                promise->addResult(body);
            else
                promise->setException(errorOf(reply, body));
            promise->finish();
        });
    };
    if (QThread::currentThread() == thread())
        run();
    else
        QMetaObject::invokeMethod(this, run, Qt::QueuedConnection);
}

QNetworkReply* RestClient::openStream(const QString& path)
{
    QNetworkRequest request = requestFor(path, {});
    request.setRawHeader("Accept", "text/event-stream");
    // The server writes a comment every 15 s: three missed ones mean the stream is dead.
    request.setTransferTimeout(45'000);
    return m_network->get(request);
}

StoreError RestClient::errorOf(QNetworkReply* reply, const QByteArray& body)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0)
        return unreachable(reply);
    if (status >= 300 && status < 400)
        return {StoreError::Code::Unavailable,
                u"the server redirected to %1: use that address instead"_s.arg(
                    reply->header(QNetworkRequest::LocationHeader).toUrl().toString())};
    const QJsonObject error = QJsonDocument::fromJson(body).object().value(u"error"_s).toObject();
    if (error.isEmpty())
        return {StoreError::Code::Unavailable,
                u"%1 answered HTTP %2 without a KeyDeck error: is it a keydeck-server?"_s
                    .arg(reply->url().host())
                    .arg(status)};
    QString message = error.value(u"message"_s).toString();
    const QString code = error.value(u"code"_s).toString();
    FieldErrors fields;
    for (const QJsonValue& field : error.value(u"fields"_s).toArray())
        fields << FieldError{field[u"field"_s].toString(), field[u"message"_s].toString()};
    if (!fields.isEmpty()) {
        // The message repeats each field on a line of its own, for readers without "fields".
        message = message.section(u'\n', 0, 0);
    } else if (const QString param = error.value(u"param"_s).toString(); !param.isEmpty()) {
        const QString prefix = param + u": "_s;
        fields << FieldError{param,
                             message.startsWith(prefix) ? message.mid(prefix.size()) : message};
    }
    StoreError storeError(codeFor(status, code), message, fields);
    const QByteArray retryAfter = reply->rawHeader("Retry-After");
    bool ok = false;
    const qint64 seconds = retryAfter.toLongLong(&ok);
    if (ok && seconds >= 0)
        storeError.setRetryAfterMs(seconds * 1000);
    return storeError;
}
