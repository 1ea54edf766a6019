#include "KeyJson.h"

#include "UsdAmount.h"
#include "UtcTime.h"

#include <QJsonArray>
#include <algorithm>
#include <tuple>

using namespace Qt::StringLiterals;

namespace {
QJsonValue timeOrNull(const std::optional<qint64>& ms)
{
    return ms ? QJsonValue(UtcTime::toRfc3339(*ms)) : QJsonValue(QJsonValue::Null);
}

QJsonValue moneyOrNull(const std::optional<qint64>& micros)
{
    return micros ? QJsonValue(UsdAmount::format(*micros)) : QJsonValue(QJsonValue::Null);
}

QJsonValue intOrNull(const std::optional<qint64>& v)
{
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

QStringList stringList(const QJsonValue& value, bool* ok)
{
    QStringList out;
    *ok = true;
    if (value.isString()) {
        const auto parts = value.toString().split(u',', Qt::SkipEmptyParts);
        for (const QString& p : parts)
            out << p.trimmed();
        return out;
    }
    if (!value.isArray()) {
        *ok = false;
        return out;
    }
    const QJsonArray array = value.toArray();
    for (const QJsonValue& v : array) {
        if (!v.isString()) {
            *ok = false;
            return {};
        }
        out << v.toString();
    }
    return out;
}

// null or the given keyword clears; a decimal string or a number sets.
std::optional<std::optional<qint64>> money(const QJsonValue& value, QStringView clearWord,
                                           QString* error)
{
    if (value.isNull() || (value.isString() && value.toString() == clearWord))
        return std::optional<qint64>();
    QString text;
    if (value.isString())
        text = value.toString();
    else if (value.isDouble())
        text = QString::number(value.toDouble(), 'f', 6);
    else {
        *error = u"must be a decimal string such as \"25.00\", or null"_s;
        return std::nullopt;
    }
    const auto micros = UsdAmount::parse(text, error);
    if (!micros)
        return std::nullopt;
    return std::optional<qint64>(*micros);
}
} // namespace

QJsonObject KeyJson::specToJson(const KeySpec& spec)
{
    QJsonObject o;
    o[u"label"_s] = spec.label;
    o[u"environment"_s] = spec.environment;
    o[u"type"_s] = KeyEnums::typeName(spec.type);
    o[u"billing_cycle_day"_s] = spec.type == KeyType::Subscription
                                    ? QJsonValue(spec.billingCycleDay)
                                    : QJsonValue(QJsonValue::Null);
    o[u"permissions"_s] = QJsonArray::fromStringList(KeyEnums::permissionNames(spec.permissions));
    o[u"expires_at"_s] = timeOrNull(spec.expiresAtMs);
    o[u"quota_usd"_s] = moneyOrNull(spec.quotaLimitMicros);
    o[u"spend_cap_day"_s] = moneyOrNull(spec.spendCapDayMicros);
    o[u"spend_cap_week"_s] = moneyOrNull(spec.spendCapWeekMicros);
    o[u"spend_cap_month"_s] = moneyOrNull(spec.spendCapMonthMicros);
    o[u"tier"_s] = KeyEnums::tierName(spec.tier);
    o[u"rpm"_s] = intOrNull(spec.rpmOverride);
    o[u"tpm"_s] = intOrNull(spec.tpmOverride);
    o[u"models"_s] = QJsonArray::fromStringList(spec.models);
    QStringList ips;
    for (const CidrBlock& b : spec.ipAllowlist)
        ips << b.toString();
    o[u"ips"_s] = QJsonArray::fromStringList(ips);
    o[u"owner"_s] = spec.owner;
    o[u"note"_s] = spec.note;
    return o;
}

QJsonObject KeyJson::toJson(const ApiKeyRecord& record, qint64 nowUtcMs)
{
    QJsonObject o = specToJson(record.spec);
    o[u"id"_s] = record.id;
    o[u"status"_s] = KeyEnums::statusName(record.effectiveStatus(nowUtcMs));
    o[u"prefix"_s] = record.prefix;
    o[u"hint"_s] = record.hint;
    o[u"created_at"_s] = UtcTime::toRfc3339(record.createdAtMs);
    o[u"updated_at"_s] = UtcTime::toRfc3339(record.updatedAtMs);
    o[u"last_used_at"_s] = timeOrNull(record.lastUsedAtMs);
    o[u"revoked_at"_s] = timeOrNull(record.revokedAtMs);
    // What a client needs to hold the same record: the status as stored (the one above says
    // "expired" whatever it is), the spend, and the digest, which matches a secret in the
    // keychain with its key (a .env export checks it) and cannot itself be used as a key.
    o[u"state"_s] = KeyEnums::statusName(record.status);
    o[u"secret_sha256"_s] = QString::fromLatin1(record.digestHex);
    o[u"spend_day_usd"_s] = UsdAmount::format(record.spendDayMicros);
    o[u"spend_week_usd"_s] = UsdAmount::format(record.spendWeekMicros);
    o[u"spend_month_usd"_s] = UsdAmount::format(record.spendMonthMicros);
    o[u"quota_used_usd"_s] = UsdAmount::format(record.quotaUsedMicros);
    o[u"quota_remaining_usd"_s] = moneyOrNull(record.quotaRemainingMicros());
    o[u"rotated_from_id"_s] = record.rotatedFromId.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                             : QJsonValue(record.rotatedFromId);
    o[u"rotated_to_id"_s] = record.rotatedToId.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                         : QJsonValue(record.rotatedToId);
    return o;
}

std::optional<ApiKeyRecord> KeyJson::recordFromJson(const QJsonObject& o, QString* error)
{
    const auto fail = [error](const QString& member, const QString& why) {
        if (error)
            *error = member + u": "_s + why;
        return std::nullopt;
    };
    FieldErrors specErrors;
    ApiKeyRecord record;
    record.spec = specFromJson(o, KeySpec(), &specErrors);
    if (!specErrors.isEmpty())
        return fail(specErrors.first().field, specErrors.first().message);
    const auto text = [&](const QString& member, QString* out, bool required) {
        const QJsonValue value = o.value(member);
        if (value.isString())
            *out = value.toString();
        else if (required || !value.isNull())
            return false;
        return true;
    };
    for (const auto& [member, out, required] :
         {std::tuple{u"id"_s, &record.id, true}, std::tuple{u"prefix"_s, &record.prefix, true},
          std::tuple{u"hint"_s, &record.hint, true},
          std::tuple{u"rotated_from_id"_s, &record.rotatedFromId, false},
          std::tuple{u"rotated_to_id"_s, &record.rotatedToId, false}}) {
        if (!text(member, out, required))
            return fail(member, u"must be a string"_s);
    }
    const std::optional<KeyStatus> state = KeyEnums::statusFromName(o.value(u"state"_s).toString());
    if (!state || *state == KeyStatus::Expired)
        return fail(u"state"_s, u"must be active, disabled or revoked"_s);
    record.status = *state;
    const QString digest = o.value(u"secret_sha256"_s).toString();
    const bool hex = std::all_of(digest.cbegin(), digest.cend(), [](QChar c) {
        return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f');
    });
    if (digest.size() != 64 || !hex)
        return fail(u"secret_sha256"_s, u"must be 64 lower-case hex digits"_s);
    record.digestHex = digest.toLatin1();
    const auto time = [&](const QString& member, qint64* out) {
        const auto ms = UtcTime::parseRfc3339(o.value(member).toString());
        if (ms)
            *out = *ms;
        return ms.has_value();
    };
    const auto optionalTime = [&](const QString& member, std::optional<qint64>* out) {
        if (o.value(member).isNull())
            return true;
        qint64 ms = 0;
        if (!time(member, &ms))
            return false;
        *out = ms;
        return true;
    };
    if (!time(u"created_at"_s, &record.createdAtMs))
        return fail(u"created_at"_s, u"must be an RFC 3339 time"_s);
    if (!time(u"updated_at"_s, &record.updatedAtMs))
        return fail(u"updated_at"_s, u"must be an RFC 3339 time"_s);
    if (!optionalTime(u"last_used_at"_s, &record.lastUsedAtMs))
        return fail(u"last_used_at"_s, u"must be an RFC 3339 time or null"_s);
    if (!optionalTime(u"revoked_at"_s, &record.revokedAtMs))
        return fail(u"revoked_at"_s, u"must be an RFC 3339 time or null"_s);
    for (const auto& [member, out] : {std::pair{u"spend_day_usd"_s, &record.spendDayMicros},
                                      std::pair{u"spend_week_usd"_s, &record.spendWeekMicros},
                                      std::pair{u"spend_month_usd"_s, &record.spendMonthMicros},
                                      std::pair{u"quota_used_usd"_s, &record.quotaUsedMicros}}) {
        const auto micros = UsdAmount::parse(o.value(member).toString());
        if (!micros)
            return fail(member, u"must be a decimal USD string"_s);
        *out = *micros;
    }
    return record;
}

KeySpec KeyJson::specFromJson(const QJsonObject& o, const KeySpec& base, FieldErrors* errors)
{
    KeySpec spec = base;
    FieldErrors found;
    auto bad = [&](const QString& field, const QString& message) {
        found << FieldError{field, message};
    };
    auto text = [&](const QString& field, QString* out) {
        if (!o.contains(field))
            return;
        if (!o.value(field).isString())
            bad(field, u"must be a string"_s);
        else
            *out = o.value(field).toString();
    };
    text(u"label"_s, &spec.label);
    text(u"environment"_s, &spec.environment);
    text(u"owner"_s, &spec.owner);
    text(u"note"_s, &spec.note);
    if (o.contains(u"type"_s)) {
        const auto type = KeyEnums::typeFromName(o.value(u"type"_s).toString());
        if (type)
            spec.type = *type;
        else
            bad(u"type"_s, u"must be \"standard\" or \"subscription\""_s);
    }
    if (o.contains(u"billing_cycle_day"_s) && !o.value(u"billing_cycle_day"_s).isNull()) {
        const QJsonValue v = o.value(u"billing_cycle_day"_s);
        if (!v.isDouble() || v.toDouble() != double(v.toInt()))
            bad(u"billing_cycle_day"_s, u"must be a whole number from 1 to 28"_s);
        else
            spec.billingCycleDay = v.toInt();
    }
    if (o.contains(u"permissions"_s)) {
        bool ok = false;
        const QStringList names = stringList(o.value(u"permissions"_s), &ok);
        QString error;
        const auto perms = ok ? KeyEnums::permissionsFromNames(names, &error) : std::nullopt;
        if (!ok)
            bad(u"permissions"_s, u"must be an array of strings"_s);
        else if (!perms)
            bad(u"permissions"_s, error);
        else
            spec.permissions = *perms;
    }
    if (o.contains(u"expires_at"_s)) {
        const QJsonValue v = o.value(u"expires_at"_s);
        if (v.isNull() || v.toString() == u"never") {
            spec.expiresAtMs.reset();
        } else {
            QString error;
            const auto ms = UtcTime::parseRfc3339(v.toString(), &error);
            if (ms)
                spec.expiresAtMs = ms;
            else
                bad(u"expires_at"_s,
                    v.isString() ? error : u"must be an RFC 3339 string or null"_s);
        }
    }
    const std::pair<QString, std::optional<qint64>*> moneyFields[] = {
        {u"quota_usd"_s, &spec.quotaLimitMicros},
        {u"spend_cap_day"_s, &spec.spendCapDayMicros},
        {u"spend_cap_week"_s, &spec.spendCapWeekMicros},
        {u"spend_cap_month"_s, &spec.spendCapMonthMicros},
    };
    for (const auto& [field, target] : moneyFields) {
        if (!o.contains(field))
            continue;
        QString error;
        const auto value =
            money(o.value(field), field == u"quota_usd" ? u"unlimited" : u"none", &error);
        if (value)
            *target = *value;
        else
            bad(field, error);
    }
    if (o.contains(u"tier"_s)) {
        const auto tier = KeyEnums::tierFromName(o.value(u"tier"_s).toString());
        if (tier)
            spec.tier = *tier;
        else
            bad(u"tier"_s, u"must be one of free, starter, pro, enterprise"_s);
    }
    const std::pair<QString, std::optional<qint64>*> intFields[] = {
        {u"rpm"_s, &spec.rpmOverride},
        {u"tpm"_s, &spec.tpmOverride},
    };
    for (const auto& [field, target] : intFields) {
        if (!o.contains(field))
            continue;
        const QJsonValue v = o.value(field);
        if (v.isNull())
            target->reset();
        else if (!v.isDouble() || v.toDouble() != double(qint64(v.toDouble())) ||
                 v.toDouble() > 1e15)
            bad(field, u"must be a whole number or null"_s);
        else
            *target = qint64(v.toDouble());
    }
    if (o.contains(u"models"_s)) {
        bool ok = false;
        const QStringList models = stringList(o.value(u"models"_s), &ok);
        if (ok)
            spec.models = models;
        else
            bad(u"models"_s, u"must be an array of model names"_s);
    }
    if (o.contains(u"ips"_s)) {
        bool ok = false;
        const QStringList entries = stringList(o.value(u"ips"_s), &ok);
        QString error;
        const auto blocks = ok ? CidrBlock::parseList(entries.join(u','), &error) : std::nullopt;
        if (!ok)
            bad(u"ips"_s, u"must be an array of CIDR strings"_s);
        else if (!blocks)
            bad(u"ips"_s, error);
        else
            spec.ipAllowlist = *blocks;
    }
    if (errors)
        *errors = found;
    return spec;
}
