#include "ErrorText.h"

#include "ApiKeyFormat.h"
#include "SecretVault.h"
#include "StoreError.h"

#include <QHash>

using namespace Qt::StringLiterals;

QString ErrorText::describe(const std::exception& error)
{
    // Whatever failed may quote what the user typed or pasted: never a secret on screen.
    if (const auto* store = dynamic_cast<const StoreError*>(&error)) {
        QStringList lines;
        // A server's own words come after what the refusal means for the user.
        switch (store->code()) {
        case StoreError::Code::Unauthorized:
        case StoreError::Code::Forbidden:
        case StoreError::Code::RateLimited:
            lines << StoreError::summary(store->code());
            break;
        default:
            break;
        }
        lines << store->message();
        for (const FieldError& field : store->fieldErrors())
            lines << describe(field);
        lines.removeAll(QString());
        lines.removeDuplicates();
        return ApiKeyFormat::redactSecrets(lines.join(u'\n'));
    }
    if (const auto* vault = dynamic_cast<const SecretVault::Error*>(&error))
        return ApiKeyFormat::redactSecrets(vault->message());
    return ApiKeyFormat::redactSecrets(QString::fromUtf8(error.what()));
}

QString ErrorText::describe(const FieldError& error)
{
    return fieldLabel(error.field) + u": "_s + error.message;
}

QString ErrorText::fieldLabel(const QString& field)
{
    static const QHash<QString, QString> labels{
        {u"label"_s, u"Label"_s},
        {u"environment"_s, u"Environment"_s},
        {u"type"_s, u"Type"_s},
        {u"billing_cycle_day"_s, u"Billing cycle day"_s},
        {u"permissions"_s, u"Permissions"_s},
        {u"expires"_s, u"Expires"_s},
        {u"quota_usd"_s, u"Quota"_s},
        {u"spend_cap_day"_s, u"Spend cap per day"_s},
        {u"spend_cap_week"_s, u"Spend cap per week"_s},
        {u"spend_cap_month"_s, u"Spend cap per month"_s},
        {u"tier"_s, u"Tier"_s},
        {u"rpm"_s, u"Requests per minute"_s},
        {u"tpm"_s, u"Tokens per minute"_s},
        {u"models"_s, u"Allowed models"_s},
        {u"ips"_s, u"IP allowlist"_s},
        {u"owner"_s, u"Owner"_s},
        {u"note"_s, u"Note"_s},
        {u"standard_prefix"_s, u"Standard key prefix"_s},
        {u"subscription_prefix"_s, u"Subscription key prefix"_s},
    };
    return labels.value(field, field);
}
