#include "UsageJson.h"

#include "UsageCodec.h"
#include "UsdAmount.h"
#include "UtcTime.h"

using namespace Qt::StringLiterals;

namespace {

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

// A whole, non-negative JSON number (doubles hold integers exactly up to 2^53).
bool readCount(const QJsonObject& object, const QString& name, qint64* out, QString* error)
{
    const QJsonValue value = object.value(name);
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < 0 || number > 9007199254740992.0 ||
        number != double(qint64(number)))
        return fail(error, u"%1: must be a whole number of at least 0"_s.arg(name));
    *out = qint64(number);
    return true;
}

bool readUsd(const QJsonObject& object, const QString& name, qint64* out, QString* error)
{
    QString problem;
    const std::optional<qint64> micros = UsdAmount::parse(object.value(name).toString(), &problem);
    if (!object.value(name).isString() || !micros)
        return fail(error, u"%1: must be a USD amount as a decimal string"_s.arg(name));
    *out = *micros;
    return true;
}

bool readTime(const QJsonObject& object, const QString& name, qint64* out, QString* error)
{
    const std::optional<qint64> ms = UtcTime::parseRfc3339(object.value(name).toString());
    if (!ms)
        return fail(error, u"%1: must be an RFC 3339 time"_s.arg(name));
    *out = *ms;
    return true;
}

std::optional<qint64> readOptionalTime(const QJsonObject& object, const QString& name, bool* ok,
                                       QString* error)
{
    if (object.value(name).isNull() || object.value(name).isUndefined())
        return std::nullopt;
    qint64 ms = 0;
    *ok = readTime(object, name, &ms, error) && *ok;
    return ms;
}

template <typename T, typename Read>
std::optional<QList<T>> readArray(const QJsonArray& array, QString* error, Read read)
{
    QList<T> items;
    items.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        QString problem;
        std::optional<T> item =
            array.at(i).isObject() ? read(array.at(i).toObject(), &problem) : std::nullopt;
        if (!item) {
            fail(error,
                 u"[%1]: %2"_s.arg(i).arg(problem.isEmpty() ? u"must be an object"_s : problem));
            return std::nullopt;
        }
        items.append(std::move(*item));
    }
    return items;
}

} // namespace

QJsonObject UsageJson::totalsToJson(const UsageTotals& totals)
{
    return {{u"requests"_s, totals.requests},
            {u"errors"_s, totals.errors},
            {u"prompt_tokens"_s, totals.promptTokens},
            {u"completion_tokens"_s, totals.completionTokens},
            {u"cost_usd"_s, UsdAmount::format(totals.costMicros)},
            {u"latency_ms_total"_s, totals.latencyMsSum}};
}

std::optional<UsageTotals> UsageJson::totalsFromJson(const QJsonObject& object, QString* error)
{
    UsageTotals totals;
    if (readCount(object, u"requests"_s, &totals.requests, error) &&
        readCount(object, u"errors"_s, &totals.errors, error) &&
        readCount(object, u"prompt_tokens"_s, &totals.promptTokens, error) &&
        readCount(object, u"completion_tokens"_s, &totals.completionTokens, error) &&
        readUsd(object, u"cost_usd"_s, &totals.costMicros, error) &&
        readCount(object, u"latency_ms_total"_s, &totals.latencyMsSum, error))
        return totals;
    return std::nullopt;
}

QJsonObject UsageJson::summaryToJson(const UsageTotals& totals, qint64 fromMs, qint64 toMs)
{
    QJsonObject object = totalsToJson(totals);
    object[u"from"_s] = UtcTime::toRfc3339(fromMs);
    object[u"to"_s] = UtcTime::toRfc3339(toMs);
    return object;
}

QJsonArray UsageJson::groupsToJson(const QList<UsageGroupRow>& rows, const Labels* labels)
{
    QJsonArray array;
    for (const UsageGroupRow& row : rows) {
        QJsonObject object = totalsToJson(row.totals);
        object[u"group"_s] = row.group;
        if (row.startMs != 0)
            object[u"start"_s] = UtcTime::toRfc3339(row.startMs);
        if (labels) {
            const auto label = labels->constFind(row.group);
            object[u"label"_s] =
                label == labels->cend() ? QJsonValue(QJsonValue::Null) : QJsonValue(*label);
        }
        array.append(object);
    }
    return array;
}

std::optional<QList<UsageGroupRow>> UsageJson::groupsFromJson(const QJsonArray& array,
                                                              QString* error)
{
    return readArray<UsageGroupRow>(
        array, error,
        [](const QJsonObject& object, QString* problem) -> std::optional<UsageGroupRow> {
            UsageGroupRow row;
            if (!object.value(u"group"_s).isString()) {
                fail(problem, u"group: must be a string"_s);
                return std::nullopt;
            }
            row.group = object.value(u"group"_s).toString();
            if (object.contains(u"start"_s) && !readTime(object, u"start"_s, &row.startMs, problem))
                return std::nullopt;
            const std::optional<UsageTotals> totals = totalsFromJson(object, problem);
            if (!totals)
                return std::nullopt;
            row.totals = *totals;
            return row;
        });
}

QJsonArray UsageJson::pointsToJson(const QList<UsageSeries::Point>& points)
{
    QJsonArray array;
    for (const UsageSeries::Point& point : points) {
        QJsonObject object = totalsToJson(point.totals);
        object[u"start"_s] = UtcTime::toRfc3339(point.startMs);
        array.append(object);
    }
    return array;
}

std::optional<QList<UsageSeries::Point>> UsageJson::pointsFromJson(const QJsonArray& array,
                                                                   QString* error)
{
    return readArray<UsageSeries::Point>(
        array, error,
        [](const QJsonObject& object, QString* problem) -> std::optional<UsageSeries::Point> {
            UsageSeries::Point point;
            if (!readTime(object, u"start"_s, &point.startMs, problem))
                return std::nullopt;
            const std::optional<UsageTotals> totals = totalsFromJson(object, problem);
            if (!totals)
                return std::nullopt;
            point.totals = *totals;
            return point;
        });
}

QJsonArray UsageJson::eventsToJson(const QList<UsageEvent>& events,
                                   const std::function<QString(const QString&)>& keyText)
{
    QJsonArray array;
    for (const UsageEvent& event : events)
        array.append(UsageCodec::toJsonObject(event, keyText ? keyText(event.key) : event.key));
    return array;
}

std::optional<QList<UsageEvent>> UsageJson::eventsFromJson(const QJsonArray& array, QString* error)
{
    return readArray<UsageEvent>(
        array, error, [](const QJsonObject& object, QString* problem) -> std::optional<UsageEvent> {
            FieldError fieldError;
            std::optional<UsageEvent> event = UsageCodec::fromJsonObject(object, &fieldError);
            if (!event)
                fail(problem, fieldError.toString());
            return event;
        });
}

QJsonArray UsageJson::keyUsageToJson(const QList<KeyUsage>& usage)
{
    QJsonArray array;
    for (const KeyUsage& key : usage) {
        array.append(QJsonObject{
            {u"key_id"_s, key.keyId},
            {u"last_used_at"_s, key.lastUsedAtMs ? QJsonValue(UtcTime::toRfc3339(*key.lastUsedAtMs))
                                                 : QJsonValue(QJsonValue::Null)},
            {u"quota_used_usd"_s, UsdAmount::format(key.quotaUsedMicros)},
            {u"spend_day_usd"_s, UsdAmount::format(key.spendDayMicros)},
            {u"spend_week_usd"_s, UsdAmount::format(key.spendWeekMicros)},
            {u"spend_month_usd"_s, UsdAmount::format(key.spendMonthMicros)},
        });
    }
    return array;
}

std::optional<QList<KeyUsage>> UsageJson::keyUsageFromJson(const QJsonArray& array, QString* error)
{
    return readArray<KeyUsage>(
        array, error, [](const QJsonObject& object, QString* problem) -> std::optional<KeyUsage> {
            KeyUsage usage;
            usage.keyId = object.value(u"key_id"_s).toString();
            if (usage.keyId.isEmpty()) {
                fail(problem, u"key_id: must be a key id"_s);
                return std::nullopt;
            }
            bool ok = true;
            usage.lastUsedAtMs = readOptionalTime(object, u"last_used_at"_s, &ok, problem);
            if (ok && readUsd(object, u"quota_used_usd"_s, &usage.quotaUsedMicros, problem) &&
                readUsd(object, u"spend_day_usd"_s, &usage.spendDayMicros, problem) &&
                readUsd(object, u"spend_week_usd"_s, &usage.spendWeekMicros, problem) &&
                readUsd(object, u"spend_month_usd"_s, &usage.spendMonthMicros, problem))
                return usage;
            return std::nullopt;
        });
}

QJsonObject UsageJson::importReportToJson(const UsageImportReport& report, const QString& file)
{
    QJsonArray errors;
    for (const UsageImportReport::LineError& e : report.errors) {
        errors.append(QJsonObject{
            {u"line"_s, e.line}, {u"field"_s, e.error.field}, {u"message"_s, e.error.message}});
    }
    return {{u"file"_s, file},
            {u"lines_read"_s, report.linesRead},
            {u"imported"_s, report.imported},
            {u"duplicates"_s, report.duplicates},
            {u"skipped"_s, report.skipped},
            {u"committed"_s, report.committed},
            {u"errors"_s, errors}};
}

std::optional<UsageImportReport> UsageJson::importReportFromJson(const QJsonObject& object,
                                                                 QString* error)
{
    UsageImportReport report;
    if (!readCount(object, u"lines_read"_s, &report.linesRead, error) ||
        !readCount(object, u"imported"_s, &report.imported, error) ||
        !readCount(object, u"duplicates"_s, &report.duplicates, error) ||
        !readCount(object, u"skipped"_s, &report.skipped, error))
        return std::nullopt;
    report.committed = object.value(u"committed"_s).toBool();
    const QJsonArray errors = object.value(u"errors"_s).toArray();
    for (qsizetype i = 0; i < errors.size(); ++i) {
        const QJsonObject e = errors.at(i).toObject();
        UsageImportReport::LineError lineError;
        if (!readCount(e, u"line"_s, &lineError.line, error))
            return std::nullopt;
        lineError.error = {e.value(u"field"_s).toString(), e.value(u"message"_s).toString()};
        report.errors.append(lineError);
    }
    return report;
}
