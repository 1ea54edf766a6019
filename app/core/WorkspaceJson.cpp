#include "WorkspaceJson.h"

using namespace Qt::StringLiterals;

QJsonObject WorkspaceJson::toJson(const WorkspaceSettings& settings)
{
    return {{u"standard_prefix"_s, settings.standardPrefix},
            {u"subscription_prefix"_s, settings.subscriptionPrefix},
            {u"expiry_warning_days"_s, settings.expiryWarningDays},
            {u"rotation_period_days"_s, settings.rotationPeriodDays}};
}

WorkspaceSettings WorkspaceJson::fromJson(const QJsonObject& object, const WorkspaceSettings& base,
                                          FieldErrors* errors)
{
    WorkspaceSettings settings = base;
    const QJsonObject known = toJson(base);
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key()))
            errors->append({it.key(), u"unknown field"_s});
    }
    const auto text = [&](const QString& name, QString* out) {
        if (!object.contains(name))
            return;
        if (!object.value(name).isString())
            errors->append({name, u"must be a string"_s});
        else
            *out = object.value(name).toString();
    };
    const auto days = [&](const QString& name, int* out) {
        if (!object.contains(name))
            return;
        const QJsonValue value = object.value(name);
        // Bounded before it is converted: a huge number must not overflow the int. The store
        // says which range it accepts.
        const double number = value.toDouble();
        if (!value.isDouble() || !(number > -1e9 && number < 1e9) || number != double(int(number)))
            errors->append({name, u"must be a whole number of days"_s});
        else
            *out = int(number);
    };
    text(u"standard_prefix"_s, &settings.standardPrefix);
    text(u"subscription_prefix"_s, &settings.subscriptionPrefix);
    days(u"expiry_warning_days"_s, &settings.expiryWarningDays);
    days(u"rotation_period_days"_s, &settings.rotationPeriodDays);
    return settings;
}
