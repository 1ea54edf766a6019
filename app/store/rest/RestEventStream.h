#pragma once

#include "StoreError.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <optional>

class QNetworkReply;
class RestClient;

// Follows the server's /v1/admin/events (Server-Sent Events) and says what changed. A stream
// that ends or breaks is opened again by itself, sooner at first and then less often; while
// it is down, isLive() is false and lost() said why.
class RestEventStream final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestEventStream)

public:
    explicit RestEventStream(RestClient& client, QObject* parent = nullptr);
    ~RestEventStream() override;

    void start();
    bool isLive() const { return m_live; }
    static constexpr int FirstRetryMs = 500;
    static constexpr int LongestRetryMs = 30'000;

Q_SIGNALS:
    // The stream is up. resumed: it had been lost, so changes may have been missed meanwhile.
    void live(bool resumed);
    void lost(const StoreError& why);
    void keysChanged();
    void usageChanged();
    void alertsChanged();

private:
    void connectNow();
    void readLines();
    void dispatch(const QByteArray& event);
    void finished();

    RestClient& m_client;
    QPointer<QNetworkReply> m_reply;
    QByteArray m_buffer;
    QByteArray m_event;
    QTimer m_retry;
    int m_retryMs = FirstRetryMs;
    bool m_live = false;
    bool m_everLive = false;
};
