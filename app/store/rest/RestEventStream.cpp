#include "RestEventStream.h"

#include "RestClient.h"

#include <QNetworkReply>

using namespace Qt::StringLiterals;

namespace {
// A line longer than this is no event of ours: the stream is dropped rather than buffered.
constexpr qsizetype MaxLineBytes = 64 * 1024;
} // namespace

RestEventStream::RestEventStream(RestClient& client, QObject* parent)
    : QObject(parent)
    , m_client(client)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &RestEventStream::connectNow);
}

RestEventStream::~RestEventStream()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        delete m_reply;
    }
}

void RestEventStream::start()
{
    if (!m_reply && !m_retry.isActive())
        connectNow();
}

void RestEventStream::connectNow()
{
    m_buffer.clear();
    m_event.clear();
    m_reply = m_client.openStream(u"/v1/admin/events"_s);
    connect(m_reply, &QNetworkReply::readyRead, this, &RestEventStream::readLines);
    connect(m_reply, &QNetworkReply::finished, this, &RestEventStream::finished);
}

void RestEventStream::readLines()
{
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200)
        return; // the error body is read when the reply finishes
    m_buffer += m_reply->readAll();
    qsizetype start = 0;
    for (qsizetype end = m_buffer.indexOf('\n'); end >= 0; end = m_buffer.indexOf('\n', start)) {
        QByteArray line = m_buffer.mid(start, end - start);
        start = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty()) {
            dispatch(m_event);
            m_event.clear();
        } else if (line.startsWith("event:")) {
            m_event = line.mid(6).trimmed();
        }
        // "id:", "data:", "retry:" and ":" comments carry nothing a store needs.
    }
    m_buffer.remove(0, start);
    if (m_buffer.size() > MaxLineBytes)
        m_reply->abort();
}

void RestEventStream::dispatch(const QByteArray& event)
{
    if (event == "ready") {
        m_live = true;
        m_retryMs = FirstRetryMs;
        const bool resumed = m_everLive;
        m_everLive = true;
        Q_EMIT live(resumed);
    } else if (event == "keys") {
        Q_EMIT keysChanged();
    } else if (event == "usage") {
        Q_EMIT usageChanged();
    } else if (event == "alerts") {
        Q_EMIT alertsChanged();
    }
}

void RestEventStream::finished()
{
    QNetworkReply* reply = m_reply;
    m_reply = nullptr;
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const StoreError why =
        status != 200 ? RestClient::errorOf(reply, reply->readAll())
        : reply->error() == QNetworkReply::NoError
            ? StoreError(StoreError::Code::Unavailable, u"the server closed the events stream"_s)
            : StoreError(StoreError::Code::Unavailable,
                         u"the events stream broke: "_s + reply->errorString());
    m_live = false;
    Q_EMIT lost(why);
    m_retry.start(why.retryAfterMs() ? int(qMin<qint64>(*why.retryAfterMs(), LongestRetryMs))
                                     : m_retryMs);
    m_retryMs = qMin(m_retryMs * 2, LongestRetryMs);
}
