#include "UsageCodec.h"

#include "IpAddress.h"
#include "PlainText.h"
#include "UsdAmount.h"
#include "UtcTime.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <functional>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 MaxTokens = 1'000'000'000;
constexpr qint64 MaxLatencyMs = 100'000'000;
constexpr int MaxTextLength = 256;

// A value as read from the file: JSON keeps its type, CSV cells are strings; absent is nullopt.
using Getter = std::function<std::optional<QJsonValue>(const QString&)>;

bool fail(FieldError* error, const QString& field, const QString& message)
{
    if (error)
        *error = FieldError{field, message};
    return false;
}

bool readText(const Getter& get, const QString& field, bool required, QString* out,
              FieldError* error)
{
    const auto value = get(field);
    if (!value || value->isNull() || (value->isString() && value->toString().isEmpty())) {
        if (required)
            return fail(error, field, u"is required"_s);
        out->clear();
        return true;
    }
    if (!value->isString())
        return fail(error, field, u"must be a string"_s);
    *out = value->toString();
    if (out->size() > MaxTextLength)
        return fail(error, field, u"is longer than %1 characters"_s.arg(MaxTextLength));
    if (const auto problem = PlainText::problem(*out))
        return fail(error, field, *problem);
    return true;
}

bool readInt(const Getter& get, const QString& field, qint64 min, qint64 max, qint64 fallback,
             qint64* out, FieldError* error)
{
    const auto value = get(field);
    if (!value || value->isNull() || (value->isString() && value->toString().isEmpty())) {
        *out = fallback;
        return true;
    }
    bool ok = false;
    qint64 n = 0;
    if (value->isDouble()) {
        // In range before it is converted: a double beyond qint64 does not convert at all.
        const double d = value->toDouble();
        ok = d >= double(min) && d <= double(max);
        n = ok ? qint64(d) : 0;
        ok = ok && d == double(n);
    } else if (value->isString()) {
        const QString s = value->toString();
        ok = !s.isEmpty() &&
             std::all_of(s.cbegin(), s.cend(), [](QChar c) { return c >= u'0' && c <= u'9'; });
        n = ok ? s.toLongLong(&ok) : 0;
        ok = ok && n >= min && n <= max;
    }
    if (!ok)
        return fail(error, field, u"must be a whole number from %1 to %2"_s.arg(min).arg(max));
    *out = n;
    return true;
}

std::optional<UsageEvent> parseEvent(const Getter& get, FieldError* error)
{
    UsageEvent e;
    QString timeText;
    if (!readText(get, u"time"_s, true, &timeText, error))
        return std::nullopt;
    QString why;
    const auto time = UtcTime::parseRfc3339(timeText, &why);
    if (!time) {
        fail(error, u"time"_s, why);
        return std::nullopt;
    }
    e.timeMs = *time;
    if (!readText(get, u"key"_s, true, &e.key, error) ||
        !readText(get, u"model"_s, true, &e.model, error) ||
        !readText(get, u"endpoint"_s, false, &e.endpoint, error) ||
        !readText(get, u"request_id"_s, false, &e.requestId, error))
        return std::nullopt;
    qint64 status = 0;
    if (!readInt(get, u"status"_s, 100, 599, 200, &status, error))
        return std::nullopt;
    e.status = int(status);
    if (!readInt(get, u"prompt_tokens"_s, 0, MaxTokens, 0, &e.promptTokens, error) ||
        !readInt(get, u"completion_tokens"_s, 0, MaxTokens, 0, &e.completionTokens, error) ||
        !readInt(get, u"latency_ms"_s, 0, MaxLatencyMs, 0, &e.latencyMs, error))
        return std::nullopt;
    const auto cost = get(u"cost_usd"_s);
    if (cost && !cost->isNull() && !(cost->isString() && cost->toString().isEmpty())) {
        // A JSON number is a double: round it to micro-USD through fixed-point text.
        const QString text =
            cost->isDouble() ? QString::number(cost->toDouble(), 'f', 6) : cost->toString();
        const auto micros =
            cost->isDouble() || cost->isString() ? UsdAmount::parse(text, &why) : std::nullopt;
        if (!micros) {
            fail(error, u"cost_usd"_s,
                 cost->isDouble() || cost->isString() ? why : u"must be a decimal"_s);
            return std::nullopt;
        }
        e.costMicros = micros;
    }
    QString ip;
    if (!readText(get, u"ip"_s, false, &ip, error))
        return std::nullopt;
    if (!ip.isEmpty()) {
        const auto address = IpAddress::parse(ip, &why);
        if (!address) {
            fail(error, u"ip"_s, why);
            return std::nullopt;
        }
        e.clientIp = address->toString();
    }
    return e;
}

QByteArray csvCell(const QString& text)
{
    QByteArray utf8 = text.toUtf8();
    if (!utf8.contains(',') && !utf8.contains('"') && !utf8.contains('\n') && !utf8.contains('\r'))
        return utf8;
    utf8.replace("\"", "\"\"");
    return '"' + utf8 + '"';
}
} // namespace

QStringList UsageCodec::columns()
{
    return {u"time"_s,
            u"key"_s,
            u"model"_s,
            u"endpoint"_s,
            u"status"_s,
            u"prompt_tokens"_s,
            u"completion_tokens"_s,
            u"cost_usd"_s,
            u"latency_ms"_s,
            u"ip"_s,
            u"request_id"_s};
}

UsageCodec::Format UsageCodec::formatForPath(const QString& path)
{
    return path.endsWith(u".csv"_s, Qt::CaseInsensitive) ? Format::Csv : Format::JsonLines;
}

namespace {
// A member named twice in the top-level object: QJsonDocument keeps the last one silently, so
// {"key":"k1","key":"k2"} would be charged to whichever comes last. The line is valid JSON.
std::optional<QString> duplicateMember(QByteArrayView json)
{
    QSet<QByteArray> names;
    int depth = 0;
    bool expectName = false;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (c == '"') {
            qsizetype end = i + 1;
            while (end < json.size() && json[end] != '"')
                end += json[end] == '\\' ? 2 : 1;
            if (depth == 1 && expectName) {
                QByteArray name = json.sliced(i + 1, end - i - 1).toByteArray();
                // Escapes spell the same name other ways ("k\u0065y"): compare decoded names.
                if (name.contains('\\')) {
                    const QJsonDocument decoded = QJsonDocument::fromJson("[\"" + name + "\"]");
                    name = decoded.array().at(0).toString().toUtf8();
                }
                if (names.contains(name))
                    return QString::fromUtf8(name);
                names.insert(name);
                expectName = false;
            }
            i = end;
        } else if (c == '{' || c == '[') {
            ++depth;
            expectName = c == '{' && depth == 1;
        } else if (c == '}' || c == ']') {
            --depth;
        } else if (c == ',' && depth == 1) {
            expectName = true;
        }
    }
    return std::nullopt;
}
} // namespace

std::optional<UsageEvent> UsageCodec::fromJsonLine(QByteArrayView line, FieldError* error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(line.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        fail(error, u"line"_s,
             doc.isNull() ? u"is not valid JSON: "_s + parseError.errorString()
                          : u"is not a JSON object"_s);
        return std::nullopt;
    }
    if (const auto twice = duplicateMember(line)) {
        // An error names its field; a member without a name is named by its line.
        if (twice->isEmpty())
            fail(error, u"line"_s, u"has a member with an empty name more than once"_s);
        else
            fail(error, *twice, u"is given more than once"_s);
        return std::nullopt;
    }
    return fromJsonObject(doc.object(), error);
}

std::optional<UsageEvent> UsageCodec::fromJsonObject(const QJsonObject& object, FieldError* error)
{
    return parseEvent(
        [&](const QString& f) -> std::optional<QJsonValue> {
            return object.contains(f) ? std::optional<QJsonValue>(object.value(f)) : std::nullopt;
        },
        error);
}

std::optional<QHash<QString, int>> UsageCodec::csvHeader(const QStringList& header,
                                                         FieldError* error)
{
    QHash<QString, int> positions;
    for (int i = 0; i < header.size(); ++i) {
        const QString name = header[i].trimmed();
        if (!columns().contains(name)) {
            fail(error, name, u"is not a usage column (expected: %1)"_s.arg(columns().join(u", ")));
            return std::nullopt;
        }
        if (positions.contains(name)) {
            fail(error, name, u"appears twice in the header"_s);
            return std::nullopt;
        }
        positions.insert(name, i);
    }
    for (const QString& required : {u"time"_s, u"key"_s, u"model"_s}) {
        if (!positions.contains(required)) {
            fail(error, required, u"column is missing from the header"_s);
            return std::nullopt;
        }
    }
    return positions;
}

std::optional<UsageEvent> UsageCodec::fromCsvRecord(const QStringList& record,
                                                    const QHash<QString, int>& header,
                                                    FieldError* error)
{
    if (record.size() != header.size()) {
        fail(error, u"line"_s,
             u"has %1 columns, the header has %2"_s.arg(record.size()).arg(header.size()));
        return std::nullopt;
    }
    return parseEvent(
        [&](const QString& f) -> std::optional<QJsonValue> {
            const int index = header.value(f, -1);
            return index < 0 ? std::nullopt : std::optional<QJsonValue>(QJsonValue(record[index]));
        },
        error);
}

QByteArray UsageCodec::toJsonLine(const UsageEvent& e, const QString& keyText)
{
    return QJsonDocument(toJsonObject(e, keyText)).toJson(QJsonDocument::Compact) + '\n';
}

QJsonObject UsageCodec::toJsonObject(const UsageEvent& e, const QString& keyText)
{
    QJsonObject o{{u"time"_s, UtcTime::toRfc3339(e.timeMs)},
                  {u"key"_s, keyText},
                  {u"model"_s, e.model},
                  {u"endpoint"_s, e.endpoint},
                  {u"status"_s, e.status},
                  {u"prompt_tokens"_s, e.promptTokens},
                  {u"completion_tokens"_s, e.completionTokens},
                  {u"latency_ms"_s, e.latencyMs},
                  {u"ip"_s, e.clientIp},
                  {u"request_id"_s, e.requestId}};
    // An event without a cost is priced when it is stored: writing 0 would make it free.
    if (e.costMicros)
        o.insert(u"cost_usd"_s, UsdAmount::format(*e.costMicros));
    return o;
}

QByteArray UsageCodec::csvHeaderLine()
{
    return columns().join(u',').toUtf8() + '\n';
}

QByteArray UsageCodec::toCsvLine(const UsageEvent& e, const QString& keyText)
{
    const QStringList cells{UtcTime::toRfc3339(e.timeMs),
                            keyText,
                            e.model,
                            e.endpoint,
                            QString::number(e.status),
                            QString::number(e.promptTokens),
                            QString::number(e.completionTokens),
                            e.costMicros ? UsdAmount::format(*e.costMicros) : QString(),
                            QString::number(e.latencyMs),
                            e.clientIp,
                            e.requestId};
    QByteArray line;
    for (qsizetype i = 0; i < cells.size(); ++i) {
        if (i)
            line += ',';
        line += csvCell(cells[i]);
    }
    return line + '\n';
}
