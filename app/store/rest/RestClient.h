#pragma once

#include "RestSettings.h"
#include "StoreError.h"

#include <QFuture>
#include <QJsonDocument>
#include <QObject>
#include <QPromise>
#include <QSslConfiguration>
#include <QUrlQuery>
#include <memory>

class QIODevice;
class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

// The admin API of one keydeck-server over HTTP(S): sends a request with the admin key and
// gives the body of a 2xx answer, or the StoreError any other answer (or no answer) means.
// Callable from any thread; the network work happens on the client's own thread.
class RestClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestClient)

public:
    explicit RestClient(RestSettings settings, QObject* parent = nullptr);
    ~RestClient() override;

    // "server: https://keys.example.com" - never the key.
    QString location() const;
    const RestSettings& settings() const { return m_settings; }
    // For a key read later than the client was made (from the keychain); call on the client's
    // thread before the requests it is for.
    void setAdminKey(const QString& key) { m_adminKey = key; }
    // The loaded CA file, or why it does not load (empty when fine).
    const QString& configurationProblem() const { return m_configurationProblem; }

    // path: from /v1/admin/...; body: sent as JSON unless null.
    QFuture<QByteArray> send(const QByteArray& method, const QString& path,
                             const QUrlQuery& query = {}, const QJsonDocument& body = {});
    // Streams the device (open, with a known size) as the body; the client holds it until the
    // answer comes.
    QFuture<QByteArray> upload(const QString& path, const QUrlQuery& query,
                               std::shared_ptr<QIODevice> device, const QByteArray& contentType);
    static constexpr int UploadAnswerTimeoutMs = 15 * 60 * 1000;
    // A long-lived GET whose body is read as it arrives (the events stream); call on the
    // client's thread. The caller owns the reply.
    QNetworkReply* openStream(const QString& path);

    // The StoreError an answer means (status, OpenAI-style error body) or a failure to get one.
    static StoreError errorOf(QNetworkReply* reply, const QByteArray& body);
    // Path segments as the server's router takes them: "/" and "%" encoded, never interpreted.
    static QString segment(const QString& text);

private:
    QNetworkRequest requestFor(const QString& path, const QUrlQuery& query) const;
    void start(const std::function<QNetworkReply*()>& makeReply,
               const std::shared_ptr<QPromise<QByteArray>>& promise,
               std::shared_ptr<QIODevice> keepAlive);

    const RestSettings m_settings;
    QString m_adminKey;
    QSslConfiguration m_ssl;
    QString m_configurationProblem;
    QNetworkAccessManager* m_network;
};
