#include "AlertPrinter.h"

#include "KeyPrinter.h"
#include "TextTable.h"
#include "UsdAmount.h"
#include "UtcTime.h"

#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace {
QJsonValue timeOrNull(const std::optional<qint64>& ms)
{
    return ms ? QJsonValue(UtcTime::toRfc3339(*ms)) : QJsonValue(QJsonValue::Null);
}

bool isMoney(AlertRule::Kind kind)
{
    return kind == AlertRule::Kind::QuotaRemainingBelowUsd ||
           kind == AlertRule::Kind::SpendPerDayAbove || kind == AlertRule::Kind::SpendPerWeekAbove;
}
} // namespace

QString AlertPrinter::status(const Alert& alert)
{
    if (!alert.isOpen())
        return u"cleared"_s;
    return alert.acknowledgedAtMs ? u"acknowledged"_s : u"open"_s;
}

QString AlertPrinter::table(const QList<Alert>& alerts, const Labels& labels)
{
    TextTable table({u"ID"_s, u"RAISED"_s, u"KEY"_s, u"STATUS"_s, u"MESSAGE"_s});
    table.alignRight(0);
    for (const Alert& alert : alerts) {
        table.addRow({QString::number(alert.id), KeyPrinter::localTime(alert.raisedAtMs),
                      KeyPrinter::printable(labels.value(alert.keyId, alert.keyId)), status(alert),
                      KeyPrinter::printable(alert.message)});
    }
    return table.toString();
}

QJsonObject AlertPrinter::json(const Alert& alert, const Labels& labels)
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
    };
}

QJsonArray AlertPrinter::json(const QList<Alert>& alerts, const Labels& labels)
{
    QJsonArray array;
    for (const Alert& alert : alerts)
        array.append(json(alert, labels));
    return array;
}

QString AlertPrinter::rulesTable(const QList<AlertRule>& rules, const Labels& labels)
{
    TextTable table({u"ID"_s, u"RULE"_s, u"KEYS"_s, u"ENABLED"_s});
    table.alignRight(0);
    for (const AlertRule& rule : rules) {
        table.addRow({QString::number(rule.id), rule.describe(),
                      rule.keyId.isEmpty()
                          ? u"all"_s
                          : KeyPrinter::printable(labels.value(rule.keyId, rule.keyId)),
                      rule.enabled ? u"yes"_s : u"no"_s});
    }
    return table.toString();
}

QJsonArray AlertPrinter::rulesJson(const QList<AlertRule>& rules)
{
    QJsonArray array;
    for (const AlertRule& rule : rules) {
        array.append(QJsonObject{
            {u"id"_s, rule.id},
            {u"kind"_s, AlertRule::kindName(rule.kind)},
            {u"threshold"_s, isMoney(rule.kind) ? QJsonValue(UsdAmount::format(rule.threshold))
                                                : QJsonValue(rule.threshold)},
            {u"key_id"_s,
             rule.keyId.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(rule.keyId)},
            {u"enabled"_s, rule.enabled},
            {u"description"_s, rule.describe()},
        });
    }
    return array;
}
