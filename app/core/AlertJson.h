#pragma once

#include "Alert.h"
#include "AlertRule.h"
#include "FieldError.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <optional>

// Alerts and alert rules as JSON, the same for keydeckctl --json and the admin API. Money
// thresholds are exact decimal USD strings, the others whole numbers (percent or days).
class AlertJson final
{
public:
    // Key id -> label; a key that is gone has a null label.
    using Labels = QHash<QString, QString>;

    // "open" (needs attention), "acknowledged" or "cleared".
    static QString status(const Alert& alert);
    static bool isMoney(AlertRule::Kind kind);

    static QJsonObject alertToJson(const Alert& alert, const Labels& labels);
    static QJsonArray alertsToJson(const QList<Alert>& alerts, const Labels& labels);
    static std::optional<Alert> alertFromJson(const QJsonObject& object, QString* error);

    static QJsonObject ruleToJson(const AlertRule& rule);
    static QJsonArray rulesToJson(const QList<AlertRule>& rules);
    // The members given replace those of base (kind, threshold, key_id, enabled); the id is
    // never read. Each wrong member is named in *errors, and the threshold is checked against
    // the kind (AlertRule::validate); a changed kind needs a threshold of its own.
    static AlertRule ruleFromJson(const QJsonObject& object, const AlertRule& base,
                                  FieldErrors* errors);
    static QStringList ruleFields();
};
