#include "KeyValidator.h"

#include "ApiKeyFormat.h"
#include "PlainText.h"
#include "TierLimits.h"
#include "UsdAmount.h"

#include <QLocale>
#include <QSet>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
bool isModelChar(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') ||
           c == u'.' || c == u'-' || c == u'_' || c == u':' || c == u'/' || c == u'@' || c == u'+';
}

bool isEnvironmentChar(QChar c, bool first)
{
    const bool alnum = (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9');
    return first ? alnum : alnum || c == u'-' || c == u'_';
}

// key_ and 16 letters or digits: what store ids look like. A label of that shape would be
// found in place of the key whose id it is (lookups take ids first).
bool isIdShaped(const QString& label)
{
    if (!label.startsWith(u"key_") || label.size() != 20)
        return false;
    return std::all_of(label.cbegin() + 4, label.cend(), [](QChar c) {
        return (c >= u'0' && c <= u'9') || (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z');
    });
}

const QString SecretShapeProblem =
    u"looks like an API key; it would be stored and shown in plain text, so it must not hold "
    u"a secret"_s;

QString tierTitle(Tier tier)
{
    QString name = KeyEnums::tierName(tier);
    name[0] = name[0].toUpper();
    return name;
}

void checkPositiveMoney(FieldErrors& errors, const QString& field,
                        const std::optional<qint64>& micros)
{
    if (!micros)
        return;
    if (*micros < 0)
        errors << FieldError{field, u"must not be negative"_s};
    else if (*micros == 0)
        errors << FieldError{field, u"must be above 0 (leave it empty for no limit)"_s};
}

// Owner and note are shown as typed, so they follow the label's rules; a note may span lines.
void checkFreeText(FieldErrors& errors, const QString& field, const QString& text, int maxLength,
                   bool multiLine)
{
    const QStringList lines = multiLine ? text.split(u'\n') : QStringList{text};
    for (const QString& line : lines) {
        if (const auto problem = PlainText::problem(line)) {
            errors << FieldError{field, multiLine && line.contains(u'\r')
                                            ? u"must not contain carriage returns or control "
                                              u"characters"_s
                                            : *problem};
            return;
        }
    }
    if (const qsizetype length = text.toUcs4().size(); length > maxLength)
        errors << FieldError{
            field, u"has %1 characters; at most %2 are allowed"_s.arg(length).arg(maxLength)};
    else if (ApiKeyFormat::containsSecretShape(text))
        errors << FieldError{field, SecretShapeProblem};
}

void checkOverride(FieldErrors& errors, const QString& field, const std::optional<qint64>& value,
                   const std::optional<qint64>& tierValue, Tier tier, const QString& unit)
{
    if (!value)
        return;
    if (*value <= 0) {
        errors << FieldError{
            field, u"must be a whole number above 0 (leave it empty for the tier default)"_s};
    } else if (tierValue && *value > *tierValue) {
        errors << FieldError{
            field,
            u"%1 is above the %2 tier's %3 %4; overrides can only lower the tier limit"_s.arg(
                QLocale::c().toString(*value), tierTitle(tier), QLocale::c().toString(*tierValue),
                unit)};
    }
}
} // namespace

QString KeyValidator::normalizedLabel(QStringView label)
{
    return label.trimmed().toString();
}

FieldErrors KeyValidator::validate(const KeySpec& spec, qint64 nowUtcMs, const KeySpec* stored)
{
    FieldErrors errors;

    const QString& label = spec.label;
    if (label.trimmed().isEmpty()) {
        errors << FieldError{u"label"_s, u"is required, e.g. prod-web-app"_s};
    } else {
        if (const auto problem = PlainText::problem(label))
            errors << FieldError{u"label"_s, *problem};
        else if (label != label.trimmed())
            errors << FieldError{u"label"_s, u"must not start or end with spaces"_s};
        else if (const qsizetype length = label.toUcs4().size(); length > MaxLabelLength)
            errors << FieldError{
                u"label"_s,
                u"has %1 characters; at most %2 are allowed"_s.arg(length).arg(MaxLabelLength)};
        else if (ApiKeyFormat::containsSecretShape(label))
            errors << FieldError{u"label"_s, SecretShapeProblem};
        else if (isIdShaped(label))
            errors << FieldError{u"label"_s, u"looks like a key id (key_ and 16 letters or "
                                             u"digits); choose a name, e.g. prod-web-app"_s};
    }

    const QString& env = spec.environment;
    bool envOk = !env.isEmpty() && env.size() <= MaxEnvironmentLength;
    for (qsizetype i = 0; envOk && i < env.size(); ++i)
        envOk = isEnvironmentChar(env[i], i == 0);
    // Lower case only, so never a key (keys mix cases).
    if (!envOk) {
        errors << FieldError{
            u"environment"_s,
            u"use 1 to %1 lower-case letters, digits, \"-\" or \"_\", starting with a letter "
            u"or digit (e.g. dev, staging, prod)"_s.arg(MaxEnvironmentLength)};
    }

    if (spec.type == KeyType::Subscription &&
        (spec.billingCycleDay < 1 || spec.billingCycleDay > 28))
        errors << FieldError{u"billing_cycle_day"_s, u"must be a day of the month from 1 to 28"_s};

    if (!spec.permissions)
        errors << FieldError{u"permissions"_s,
                             u"choose at least one of read, write, admin, webhook"_s};

    const bool expiryUnchanged = stored && stored->expiresAtMs == spec.expiresAtMs;
    if (spec.expiresAtMs && *spec.expiresAtMs <= nowUtcMs && !expiryUnchanged)
        errors << FieldError{u"expires"_s, u"is in the past; choose a later date or never"_s};

    checkPositiveMoney(errors, u"quota_usd"_s, spec.quotaLimitMicros);
    checkPositiveMoney(errors, u"spend_cap_day"_s, spec.spendCapDayMicros);
    checkPositiveMoney(errors, u"spend_cap_week"_s, spec.spendCapWeekMicros);
    checkPositiveMoney(errors, u"spend_cap_month"_s, spec.spendCapMonthMicros);
    const auto positive = [](const std::optional<qint64>& v) {
        return v && *v > 0;
    };
    if (positive(spec.spendCapDayMicros) && positive(spec.spendCapWeekMicros) &&
        *spec.spendCapDayMicros > *spec.spendCapWeekMicros)
        errors << FieldError{u"spend_cap_day"_s, u"is above the weekly cap"_s};
    if (positive(spec.spendCapWeekMicros) && positive(spec.spendCapMonthMicros) &&
        *spec.spendCapWeekMicros > *spec.spendCapMonthMicros)
        errors << FieldError{u"spend_cap_week"_s, u"is above the monthly cap"_s};
    // A cap the quota always reaches first would never refuse anything: a mistake, not a limit.
    for (const auto& [field, cap] : {std::pair{u"spend_cap_month"_s, spec.spendCapMonthMicros},
                                     std::pair{u"spend_cap_week"_s, spec.spendCapWeekMicros},
                                     std::pair{u"spend_cap_day"_s, spec.spendCapDayMicros}}) {
        if (positive(cap) && positive(spec.quotaLimitMicros) && *cap > *spec.quotaLimitMicros) {
            errors << FieldError{
                field, u"%1 is above the quota of %2, which stops requests "
                       u"first; lower it or raise the quota"_s.arg(
                           UsdAmount::display(*cap), UsdAmount::display(*spec.quotaLimitMicros))};
            break;
        }
    }

    const TierLimits tier = TierLimits::forTier(spec.tier);
    checkOverride(errors, u"rpm"_s, spec.rpmOverride, tier.requestsPerMinute, spec.tier,
                  u"requests/minute"_s);
    checkOverride(errors, u"tpm"_s, spec.tpmOverride, tier.tokensPerMinute, spec.tier,
                  u"tokens/minute"_s);

    if (spec.models.size() > MaxModels)
        errors << FieldError{u"models"_s, u"at most %1 models"_s.arg(MaxModels)};
    QSet<QString> seen;
    for (const QString& model : spec.models) {
        const bool ok = isModelName(model);
        if (ok && ApiKeyFormat::containsSecretShape(model)) {
            errors << FieldError{u"models"_s, u"\"%1\" %2"_s.arg(ApiKeyFormat::redactSecrets(model),
                                                                 SecretShapeProblem)};
            break;
        }
        if (!ok) {
            errors << FieldError{u"models"_s,
                                 u"\"%1\" is not a model name (letters, digits and . - _ : / @ +, "
                                 u"at most %2 characters)"_s.arg(
                                     ApiKeyFormat::redactSecrets(model.left(MaxModelLength)),
                                     QString::number(MaxModelLength))};
            break;
        }
        if (seen.contains(model)) {
            errors << FieldError{u"models"_s, u"\"%1\" is listed twice"_s.arg(model)};
            break;
        }
        seen.insert(model);
    }

    if (spec.ipAllowlist.size() > MaxIpEntries)
        errors << FieldError{u"ips"_s, u"at most %1 entries"_s.arg(MaxIpEntries)};

    checkFreeText(errors, u"owner"_s, spec.owner, MaxOwnerLength, false);
    checkFreeText(errors, u"note"_s, spec.note, MaxNoteLength, true);

    return errors;
}

bool KeyValidator::isModelName(QStringView model)
{
    if (model.isEmpty() || model.size() > MaxModelLength)
        return false;
    return std::all_of(model.begin(), model.end(), isModelChar);
}
