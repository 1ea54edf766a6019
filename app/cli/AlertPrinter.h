#pragma once

#include "Alert.h"
#include "AlertRule.h"

#include <QHash>
#include <QJsonArray>

// keydeckctl's alerts output, text and JSON, like KeyPrinter. labels: key id -> label; a key
// that is gone shows by its id.
class AlertPrinter final
{
public:
    using Labels = QHash<QString, QString>;

    // "open" (needs attention), "acknowledged" or "cleared".
    static QString status(const Alert& alert);
    static QString table(const QList<Alert>& alerts, const Labels& labels);
    static QJsonObject json(const Alert& alert, const Labels& labels);
    static QJsonArray json(const QList<Alert>& alerts, const Labels& labels);
    static QString rulesTable(const QList<AlertRule>& rules, const Labels& labels);
    static QJsonArray rulesJson(const QList<AlertRule>& rules);
};
