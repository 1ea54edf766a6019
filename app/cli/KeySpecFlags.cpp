#include "KeySpecFlags.h"

#include "KeyValidator.h"
#include "UsdAmount.h"
#include "UtcTime.h"

using namespace Qt::StringLiterals;

namespace {
// Digits only: no sign, no spaces, no exponent; short enough never to overflow.
std::optional<qint64> parseWholeNumber(const QString& text)
{
    if (text.isEmpty() || text.size() > 15)
        return std::nullopt;
    for (QChar c : text) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
    }
    return text.toLongLong();
}

QStringList splitList(const QString& text)
{
    QStringList items;
    const QStringList parts = text.split(u',', Qt::SkipEmptyParts);
    for (const QString& part : parts) {
        const QString item = part.trimmed();
        if (!item.isEmpty())
            items << item;
    }
    return items;
}

// A money flag: the clear word (e.g. "none") or a USD amount.
bool applyMoney(const QString& text, QStringView clearWord, std::optional<qint64>& target,
                QString* error)
{
    if (text == clearWord) {
        target.reset();
        return true;
    }
    const auto micros = UsdAmount::parse(text, error);
    if (!micros)
        return false;
    target = *micros;
    return true;
}

bool applyOverride(const QString& text, std::optional<qint64>& target, QString* error)
{
    if (text == u"default") {
        target.reset();
        return true;
    }
    const auto value = parseWholeNumber(text);
    if (!value) {
        *error = u"\"%1\" is not a whole number (or \"default\" for the tier's limit)"_s.arg(text);
        return false;
    }
    target = *value;
    return true;
}
} // namespace

const QStringList& KeySpecFlags::names()
{
    static const QStringList flags = {
        u"--label"_s,
        u"--env"_s,
        u"--type"_s,
        u"--billing-day"_s,
        u"--permissions"_s,
        u"--models"_s,
        u"--ips"_s,
        u"--expires"_s,
        u"--quota-usd"_s,
        u"--tier"_s,
        u"--rpm"_s,
        u"--tpm"_s,
        u"--spend-cap-day"_s,
        u"--spend-cap-week"_s,
        u"--spend-cap-month"_s,
        u"--owner"_s,
        u"--note"_s,
    };
    return flags;
}

FieldErrors KeySpecFlags::apply(const QHash<QString, QString>& values, KeySpec& spec)
{
    FieldErrors errors;
    for (const QString& flag : names()) {
        if (!values.contains(flag))
            continue;
        const QString text = values.value(flag);
        QString error;
        bool ok = true;
        if (flag == u"--label") {
            spec.label = text;
        } else if (flag == u"--env") {
            spec.environment = text;
        } else if (flag == u"--type") {
            const auto type = KeyEnums::typeFromName(text);
            ok = type.has_value();
            if (ok)
                spec.type = *type;
            else
                error = u"must be standard or subscription"_s;
        } else if (flag == u"--billing-day") {
            const auto day = parseWholeNumber(text);
            ok = day && *day >= 1 && *day <= 28;
            if (ok)
                spec.billingCycleDay = int(*day);
            else
                error = u"must be a day of the month from 1 to 28"_s;
        } else if (flag == u"--permissions") {
            const auto permissions = KeyEnums::permissionsFromNames(text.split(u','), &error);
            ok = permissions.has_value();
            if (ok)
                spec.permissions = *permissions;
        } else if (flag == u"--models") {
            spec.models = splitList(text);
        } else if (flag == u"--ips") {
            const auto blocks = CidrBlock::parseList(text, &error);
            ok = blocks.has_value();
            if (ok)
                spec.ipAllowlist = *blocks;
        } else if (flag == u"--expires") {
            if (text == u"never") {
                spec.expiresAtMs.reset();
            } else {
                const auto ms = UtcTime::parseRfc3339(text, &error);
                ok = ms.has_value();
                if (ok)
                    spec.expiresAtMs = *ms;
            }
        } else if (flag == u"--quota-usd") {
            ok = applyMoney(text, u"unlimited", spec.quotaLimitMicros, &error);
        } else if (flag == u"--tier") {
            const auto tier = KeyEnums::tierFromName(text);
            ok = tier.has_value();
            if (ok)
                spec.tier = *tier;
            else
                error = u"must be free, starter, pro or enterprise"_s;
        } else if (flag == u"--rpm") {
            ok = applyOverride(text, spec.rpmOverride, &error);
        } else if (flag == u"--tpm") {
            ok = applyOverride(text, spec.tpmOverride, &error);
        } else if (flag == u"--spend-cap-day") {
            ok = applyMoney(text, u"none", spec.spendCapDayMicros, &error);
        } else if (flag == u"--spend-cap-week") {
            ok = applyMoney(text, u"none", spec.spendCapWeekMicros, &error);
        } else if (flag == u"--spend-cap-month") {
            ok = applyMoney(text, u"none", spec.spendCapMonthMicros, &error);
        } else if (flag == u"--owner") {
            spec.owner = text;
        } else if (flag == u"--note") {
            spec.note = text;
        }
        if (!ok)
            errors << FieldError{flag, error};
    }
    // A billing day on a standard key would be silently ignored: say so instead.
    if (values.contains(u"--billing-day"_s) && spec.type != KeyType::Subscription)
        errors << FieldError{u"--billing-day"_s,
                             u"applies to subscription keys only (--type subscription)"_s};
    return errors;
}

FieldErrors KeySpecFlags::applyAndValidate(const QHash<QString, QString>& values, KeySpec& spec,
                                           qint64 nowUtcMs)
{
    // For update, spec arrives as stored: an expiry the command leaves alone is not re-judged.
    const KeySpec stored = spec;
    FieldErrors errors = apply(values, spec);
    const FieldErrors invalid = withFlagNames(KeyValidator::validate(spec, nowUtcMs, &stored));
    for (const FieldError& e : invalid) {
        const bool reported = std::any_of(errors.cbegin(), errors.cend(),
                                          [&](const FieldError& x) { return x.field == e.field; });
        if (!reported)
            errors << e;
    }
    return errors;
}

QString KeySpecFlags::flagFor(const QString& field)
{
    static const QHash<QString, QString> renamed = {
        {u"environment"_s, u"--env"_s},
        {u"billing_cycle_day"_s, u"--billing-day"_s},
        {u"expires_at"_s, u"--expires"_s},
    };
    if (field.isEmpty() || field.startsWith(u'-'))
        return field;
    if (renamed.contains(field))
        return renamed.value(field);
    QString flag = u"--"_s + field;
    flag.replace(u'_', u'-');
    return flag;
}

FieldErrors KeySpecFlags::withFlagNames(const FieldErrors& errors)
{
    FieldErrors out;
    out.reserve(errors.size());
    for (const FieldError& e : errors)
        out << FieldError{flagFor(e.field), e.message};
    return out;
}
