#include "RequestLog.h"

#include "ApiKeyFormat.h"
#include "Clock.h"
#include "UtcTime.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace {

QJsonValue redacted(const QJsonValue& value)
{
    if (value.isString())
        return ApiKeyFormat::redactSecrets(value.toString());
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            *it = redacted(*it);
        return object;
    }
    return value;
}

} // namespace

RequestLog::RequestLog(std::FILE* out, const Clock& clock)
    : m_out(out)
    , m_clock(clock)
{}

void RequestLog::info(const QString& message, QJsonObject fields)
{
    write("info", message, std::move(fields));
}

void RequestLog::error(const QString& message, QJsonObject fields)
{
    write("error", message, std::move(fields));
}

void RequestLog::write(const char* level, const QString& message, QJsonObject fields)
{
    QJsonObject line = redacted(fields).toObject();
    line.insert(u"time"_s, UtcTime::toRfc3339(m_clock.nowUtcMs()));
    line.insert(u"level"_s, QString::fromLatin1(level));
    line.insert(u"msg"_s, ApiKeyFormat::redactSecrets(message));
    const QByteArray text = QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
    const QMutexLocker locker(&m_mutex);
    std::fwrite(text.constData(), 1, size_t(text.size()), m_out);
    std::fflush(m_out);
}
