#include "RequestLog.h"

#include "ApiKeyFormat.h"
#include "Clock.h"
#include "UtcTime.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <cmath>

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
    if (value.isArray()) {
        QJsonArray array = value.toArray();
        for (auto it = array.begin(); it != array.end(); ++it)
            *it = redacted(*it);
        return array;
    }
    return value;
}

// A JSON string as QJsonDocument writes it (UTF-8, control characters escaped), written
// straight into the line: a log line per request is on every request's path.
void appendString(QByteArray& line, QStringView text)
{
    static constexpr char Hex[] = "0123456789abcdef";
    line += '"';
    const QByteArray utf8 = text.toUtf8();
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            line += '\\';
            line += c;
        } else if (byte >= 0x20) {
            line += c;
        } else if (c == '\n') {
            line += "\\n";
        } else if (c == '\t') {
            line += "\\t";
        } else if (c == '\r') {
            line += "\\r";
        } else {
            line += "\\u00";
            line += Hex[byte >> 4];
            line += Hex[byte & 0xF];
        }
    }
    line += '"';
}

void appendValue(QByteArray& line, const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return appendString(line, ApiKeyFormat::redactSecrets(value.toString()));
    case QJsonValue::Double: {
        const double number = value.toDouble();
        if (!std::isfinite(number))
            line += "null";
        else if (number == std::trunc(number) && std::abs(number) < 1e15)
            line += QByteArray::number(qint64(number));
        else
            line += QByteArray::number(number, 'g', QLocale::FloatingPointShortest);
        return;
    }
    case QJsonValue::Bool:
        line += value.toBool() ? "true" : "false";
        return;
    case QJsonValue::Object:
        line += QJsonDocument(redacted(value).toObject()).toJson(QJsonDocument::Compact);
        return;
    case QJsonValue::Array:
        line += QJsonDocument(redacted(value).toArray()).toJson(QJsonDocument::Compact);
        return;
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        line += "null";
        return;
    }
}

} // namespace

RequestLog::RequestLog(std::FILE* out, const Clock& clock)
    : m_out(out)
    , m_clock(clock)
{}

void RequestLog::info(const QString& message, const QJsonObject& fields)
{
    write("info", message, fields);
}

void RequestLog::error(const QString& message, const QJsonObject& fields)
{
    write("error", message, fields);
}

void RequestLog::write(const char* level, const QString& message, const QJsonObject& fields)
{
    QByteArray line;
    line.reserve(256);
    line += "{\"time\":\"";
    line += UtcTime::toRfc3339(m_clock.nowUtcMs()).toLatin1();
    line += "\",\"level\":\"";
    line += level;
    line += "\",\"msg\":";
    appendString(line, ApiKeyFormat::redactSecrets(message));
    for (auto it = fields.constBegin(); it != fields.constEnd(); ++it) {
        // The line's own three come first and only once.
        const QString name = it.key();
        if (name == u"time"_s || name == u"level"_s || name == u"msg"_s)
            continue;
        line += ',';
        appendString(line, ApiKeyFormat::redactSecrets(name));
        line += ':';
        appendValue(line, it.value());
    }
    line += "}\n";
    const QMutexLocker locker(&m_mutex);
    std::fwrite(line.constData(), 1, size_t(line.size()), m_out);
    std::fflush(m_out);
}
