#include "AlertJson.h"

#include "UsdAmount.h"
#include "UtcTime.h"

using namespace Qt::StringLiterals;

namespace {

QJsonValue timeOrNull(const std::optional<qint64>& ms)
{
    return ms ? QJsonValue(UtcTime::toRfc3339(*ms)) : QJsonValue(QJsonValue::Null);
}

QJsonValue stringOrNull(const QString& text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

bool readOptionalTime(const QJsonObject& object, const QString& name, std::optional<qint64>* out,
                      QString* error)
{
    const QJsonValue value = object.value(name);
    if (value.isNull() || value.isUndefined()) {
        out->reset();
        return true;
    }
    *out = UtcTime::parseRfc3339(value.toString());
    if (*out)
        return true;
    if (error)
        *error = u"%1: must be an RFC 3339 time or null"_s.arg(name);
    return false;
}

} // namespace

QString AlertJson::status(const Alert& alert)
{
    if (!alert.isOpen())
        return u"cleared"_s;
    return alert.acknowledgedAtMs ? u"acknowledged"_s : u"open"_s;
}

bool AlertJson::isMoney(AlertRule::Kind kind)
{
    return kind == AlertRule::Kind::QuotaRemainingBelowUsd ||
           kind == AlertRule::Kind::SpendPerDayAbove || kind == AlertRule::Kind::SpendPerWeekAbove;
}

QJsonObject AlertJson::alertToJson(const Alert& alert, const Labels& labels)
{
    const auto label = labels.constFind(alert.keyId);
    return {
        {u"id"_s, alert.id},
        {u"rule_id"_s, alert.ruleId},
        {u"key_id"_s, alert.keyId},
        {u"key_label"_s,
         label == labels.cend() ? QJsonValue(QJsonValue::Null) : QJsonValue(*label)},
        {u"message"_s, alert.message},
        {u"raised_at"_s, UtcTime::toRfc3339(alert.raisedAtMs)},
        {u"acknowledged_at"_s, timeOrNull(alert.acknowledgedAtMs)},
        {u"cleared_at"_s, timeOrNull(alert.clearedAtMs)},
        {u"status"_s, status(alert)},
        {u"severity"_s, Alert::severityName(alert.severity)},
    };
}

QJsonArray AlertJson::alertsToJson(const QList<Alert>& alerts, const Labels& labels)
{
    QJsonArray array;
    for (const Alert& alert : alerts)
        array.append(alertToJson(alert, labels));
    return array;
}

std::optional<Alert> AlertJson::alertFromJson(const QJsonObject& object, QString* error)
{
    Alert alert;
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (!object.value(u"id"_s).isDouble() || !object.value(u"rule_id"_s).isDouble())
        return fail(u"id, rule_id: must be numbers"_s);
    alert.id = qint64(object.value(u"id"_s).toDouble());
    alert.ruleId = qint64(object.value(u"rule_id"_s).toDouble());
    alert.keyId = object.value(u"key_id"_s).toString();
    alert.message = object.value(u"message"_s).toString();
    const std::optional<qint64> raised =
        UtcTime::parseRfc3339(object.value(u"raised_at"_s).toString());
    if (!raised)
        return fail(u"raised_at: must be an RFC 3339 time"_s);
    alert.raisedAtMs = *raised;
    if (!readOptionalTime(object, u"acknowledged_at"_s, &alert.acknowledgedAtMs, error) ||
        !readOptionalTime(object, u"cleared_at"_s, &alert.clearedAtMs, error))
        return std::nullopt;
    // A server from before severities sends none: its alerts were all warnings.
    if (const QJsonValue severity = object.value(u"severity"_s); !severity.isUndefined()) {
        const auto known = Alert::severityFromName(severity.toString());
        if (!known)
            return fail(u"severity: must be notice, warning or critical"_s);
        alert.severity = *known;
    }
    return alert;
}

QJsonObject AlertJson::ruleToJson(const AlertRule& rule)
{
    return {
        {u"id"_s, rule.id},
        {u"kind"_s, AlertRule::kindName(rule.kind)},
        {u"threshold"_s, isMoney(rule.kind) ? QJsonValue(UsdAmount::format(rule.threshold))
                                            : QJsonValue(rule.threshold)},
        {u"key_id"_s, stringOrNull(rule.keyId)},
        {u"enabled"_s, rule.enabled},
        {u"description"_s, rule.describe()},
    };
}

QJsonArray AlertJson::rulesToJson(const QList<AlertRule>& rules)
{
    QJsonArray array;
    for (const AlertRule& rule : rules)
        array.append(ruleToJson(rule));
    return array;
}

QStringList AlertJson::ruleFields()
{
    return {u"kind"_s, u"threshold"_s, u"key_id"_s, u"enabled"_s};
}

AlertRule AlertJson::ruleFromJson(const QJsonObject& object, const AlertRule& base,
                                  FieldErrors* errors)
{
    AlertRule rule = base;
    const auto problem = [errors](const QString& field, const QString& message) {
        errors->append({field, message});
    };
    if (object.contains(u"kind"_s)) {
        const std::optional<AlertRule::Kind> kind =
            AlertRule::kindFromName(object.value(u"kind"_s).toString());
        if (kind) {
            rule.kind = *kind;
        } else {
            problem(u"kind"_s, u"must be one of %1"_s.arg(AlertRule::kindNames().join(u", ")));
        }
    }
    bool thresholdRead = true;
    if (object.contains(u"threshold"_s)) {
        const QJsonValue value = object.value(u"threshold"_s);
        if (isMoney(rule.kind)) {
            const std::optional<qint64> micros =
                value.isString() ? UsdAmount::parse(value.toString()) : std::nullopt;
            if (micros)
                rule.threshold = *micros;
            else
                problem(u"threshold"_s, u"must be a USD amount as a decimal string (\"5.00\")"_s);
            thresholdRead = micros.has_value();
        } else {
            const double number = value.toDouble(-1);
            thresholdRead = value.isDouble() && number == double(qint64(number));
            if (thresholdRead)
                rule.threshold = qint64(number);
            else
                problem(u"threshold"_s, u"must be a whole number"_s);
        }
    }
    if (object.contains(u"key_id"_s)) {
        const QJsonValue value = object.value(u"key_id"_s);
        if (value.isNull())
            rule.keyId.clear();
        else if (value.isString() && !value.toString().isEmpty())
            rule.keyId = value.toString();
        else
            problem(u"key_id"_s, u"must be a key id, or null for every key"_s);
    }
    if (object.contains(u"enabled"_s)) {
        if (object.value(u"enabled"_s).isBool())
            rule.enabled = object.value(u"enabled"_s).toBool();
        else
            problem(u"enabled"_s, u"must be true or false"_s);
    }
    // A threshold in days means nothing in dollars: a new kind needs its own.
    if (rule.kind != base.kind && !object.contains(u"threshold"_s)) {
        problem(u"threshold"_s, u"is required when the kind changes"_s);
        thresholdRead = false;
    }
    if (thresholdRead) {
        const QString invalid = rule.validate();
        if (!invalid.isEmpty())
            problem(u"threshold"_s, invalid);
    }
    return rule;
}
