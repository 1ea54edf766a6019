#include "AlertPrinter.h"

#include "AlertJson.h"
#include "KeyPrinter.h"
#include "TextTable.h"

using namespace Qt::StringLiterals;

QString AlertPrinter::table(const QList<Alert>& alerts, const Labels& labels)
{
    TextTable table({u"ID"_s, u"SEVERITY"_s, u"RAISED"_s, u"KEY"_s, u"STATUS"_s, u"MESSAGE"_s});
    table.alignRight(0);
    for (const Alert& alert : alerts) {
        table.addRow({QString::number(alert.id), Alert::severityName(alert.severity),
                      KeyPrinter::localTime(alert.raisedAtMs),
                      KeyPrinter::printable(labels.value(alert.keyId, alert.keyId)),
                      AlertJson::status(alert), KeyPrinter::printable(alert.message)});
    }
    return table.toString();
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
