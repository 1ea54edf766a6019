#pragma once

#include "Alert.h"
#include "AlertRule.h"

#include <QHash>

// keydeckctl's alerts output as text (JSON: AlertJson). labels: key id -> label; a key
// that is gone shows by its id.
class AlertPrinter final
{
public:
    using Labels = QHash<QString, QString>;

    static QString table(const QList<Alert>& alerts, const Labels& labels);
    static QString rulesTable(const QList<AlertRule>& rules, const Labels& labels);
};
