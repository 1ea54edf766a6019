#include "KeyPrinter.h"

#include "ApiKeyFormat.h"
#include "CountText.h"
#include "KeyJson.h"
#include "TextTable.h"
#include "TierLimits.h"
#include "UsdAmount.h"
#include "UtcTime.h"

#include <QDateTime>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace {
QString moneyOr(const std::optional<qint64>& micros, const QString& absent)
{
    return micros ? UsdAmount::display(*micros) : absent;
}

QString limitText(const std::optional<qint64>& override, const std::optional<qint64>& tierValue)
{
    const QString tier = tierValue ? KeyPrinter::count(*tierValue) : u"unlimited"_s;
    if (override)
        return u"%1 (override; tier: %2)"_s.arg(KeyPrinter::count(*override), tier);
    return u"%1 (tier default)"_s.arg(tier);
}

QString timeOr(const std::optional<qint64>& ms, const QString& absent)
{
    return ms ? KeyPrinter::localTime(*ms) : absent;
}

QString detailTime(qint64 ms)
{
    return u"%1 (%2)"_s.arg(KeyPrinter::localTime(ms), UtcTime::toRfc3339(ms));
}
} // namespace

QString KeyPrinter::printable(QStringView raw)
{
    // Every message and table cell passes here: a pasted secret leaves as its hint.
    const QString text = ApiKeyFormat::redactSecrets(raw);
    QString out;
    out.reserve(text.size());
    for (QChar c : text) {
        const auto category = c.category();
        const bool hidden = category == QChar::Other_Control || category == QChar::Other_Format ||
                            c == QChar::LineSeparator || c == QChar::ParagraphSeparator;
        out += hidden ? QChar(QChar::ReplacementCharacter) : c;
    }
    return out;
}

QString KeyPrinter::count(qint64 n)
{
    return CountText::grouped(n);
}

QString KeyPrinter::localTime(qint64 utcMs)
{
    return QDateTime::fromMSecsSinceEpoch(utcMs).toLocalTime().toString(u"yyyy-MM-dd HH:mm"_s);
}

QString KeyPrinter::table(const QList<ApiKeyRecord>& records, qint64 nowUtcMs)
{
    TextTable table({u"ID"_s, u"LABEL"_s, u"KEY"_s, u"ENV"_s, u"TYPE"_s, u"STATUS"_s, u"CREATED"_s,
                     u"EXPIRES"_s, u"QUOTA (USED/LIMIT)"_s});
    for (const ApiKeyRecord& r : records) {
        table.addRow({
            printable(r.id),
            printable(r.spec.label),
            printable(r.hint),
            printable(r.spec.environment),
            KeyEnums::typeName(r.spec.type),
            KeyEnums::statusName(r.effectiveStatus(nowUtcMs)),
            localTime(r.createdAtMs),
            timeOr(r.spec.expiresAtMs, u"never"_s),
            UsdAmount::display(r.quotaUsedMicros) + u" / "_s +
                moneyOr(r.spec.quotaLimitMicros, u"unlimited"_s),
        });
    }
    return table.toString();
}

QJsonValue KeyPrinter::secretJson(SecretIndex::Presence secret)
{
    switch (secret) {
    case SecretIndex::Presence::Here:
        return true;
    case SecretIndex::Presence::NotHere:
        return false;
    case SecretIndex::Presence::Unknown:
        break;
    }
    return QJsonValue::Null;
}

QString KeyPrinter::details(const ApiKeyRecord& r, qint64 nowUtcMs,
                            const QHash<QString, QString>& labels,
                            std::optional<SecretIndex::Presence> secret)
{
    const KeySpec& s = r.spec;
    const TierLimits tier = TierLimits::forTier(s.tier);
    const KeyStatus status = r.effectiveStatus(nowUtcMs);

    QString type = KeyEnums::typeName(s.type);
    if (s.type == KeyType::Subscription)
        type += u" (quota resets on day %1 of each month)"_s.arg(s.billingCycleDay);
    QString statusText = KeyEnums::statusName(status);
    if (status == KeyStatus::Expired && r.status == KeyStatus::Disabled)
        statusText += u" (and disabled)"_s;
    QString quota = u"unlimited (%1 used)"_s.arg(UsdAmount::display(r.quotaUsedMicros));
    if (s.quotaLimitMicros) {
        quota = u"%1 used of %2, %3 remaining"_s.arg(
            UsdAmount::display(r.quotaUsedMicros), UsdAmount::display(*s.quotaLimitMicros),
            UsdAmount::display(r.quotaRemainingMicros().value_or(0)));
    }
    QStringList models;
    for (const QString& m : s.models)
        models << printable(m);

    const QList<std::pair<QString, QString>> rows = {
        {u"ID"_s, printable(r.id)},
        {u"Label"_s, printable(s.label)},
        {u"Key"_s, printable(r.hint)},
        {u"Secret"_s, !secret                                     ? QString()
                      : *secret == SecretIndex::Presence::Here    ? u"in this computer's keychain"_s
                      : *secret == SecretIndex::Presence::NotHere ? u"not on this computer (it was "
                                                                    "shown once where the key was "
                                                                    "created)"_s
                                                                  : u"not known on this computer "
                                                                    "(saved before KeyDeck noted "
                                                                    "where secrets are)"_s},
        {u"Environment"_s, printable(s.environment)},
        {u"Type"_s, type},
        {u"Status"_s, statusText},
        {u"Permissions"_s, KeyEnums::permissionNames(s.permissions).join(u", ")},
        {u"Created"_s, detailTime(r.createdAtMs)},
        {u"Updated"_s, detailTime(r.updatedAtMs)},
        {u"Last used"_s, r.lastUsedAtMs ? detailTime(*r.lastUsedAtMs) : u"never"_s},
        {u"Expires"_s, s.expiresAtMs ? detailTime(*s.expiresAtMs) : u"never"_s},
        {u"Revoked"_s, r.revokedAtMs ? detailTime(*r.revokedAtMs) : u"no"_s},
        {u"Quota"_s, quota},
        {u"Spend cap/day"_s, moneyOr(s.spendCapDayMicros, u"none"_s)},
        {u"Spend cap/week"_s, moneyOr(s.spendCapWeekMicros, u"none"_s)},
        {u"Spend cap/month"_s, moneyOr(s.spendCapMonthMicros, u"none"_s)},
        {u"Tier"_s, KeyEnums::tierName(s.tier) + u" ("_s +
                        (tier.requestsPerMonth ? count(*tier.requestsPerMonth) : u"unlimited"_s) +
                        u" requests/month)"_s},
        {u"Requests/min"_s, limitText(s.rpmOverride, tier.requestsPerMinute)},
        {u"Tokens/min"_s, limitText(s.tpmOverride, tier.tokensPerMinute)},
        {u"Models"_s, models.isEmpty() ? u"all"_s : models.join(u", ")},
        {u"IP allowlist"_s,
         s.ipAllowlist.isEmpty() ? u"any address"_s : CidrBlock::joinList(s.ipAllowlist)},
        {u"Owner"_s, s.owner.isEmpty() ? u"-"_s : printable(s.owner)},
    };
    QList<std::pair<QString, QString>> links;
    const auto keyName = [&](const QString& id) {
        const auto label = labels.constFind(id);
        return label == labels.cend() ? printable(id)
                                      : u"%1 (%2)"_s.arg(printable(*label), printable(id));
    };
    if (!r.rotatedFromId.isEmpty())
        links.append({u"Rotated from"_s, keyName(r.rotatedFromId)});
    if (!r.rotatedToId.isEmpty())
        links.append({u"Rotated to"_s, keyName(r.rotatedToId)});
    constexpr int ValueColumn = 17;
    QString text;
    for (const auto& [name, value] : rows + links) {
        if (!value.isEmpty())
            text += (name + u':').leftJustified(ValueColumn) + value + u'\n';
    }
    if (!s.note.isEmpty()) {
        // Each line of the note under the first, in the value column.
        const QStringList lines = s.note.split(u'\n');
        for (qsizetype i = 0; i < lines.size(); ++i)
            text += (i == 0 ? u"Note:"_s : QString()).leftJustified(ValueColumn) +
                    printable(lines.at(i)) + u'\n';
    }
    return text;
}

QString KeyPrinter::workspace(const WorkspaceSettings& settings)
{
    return u"Standard prefix:      %1\nSubscription prefix:  %2\n"_s.arg(
        printable(settings.standardPrefix), printable(settings.subscriptionPrefix));
}

QJsonObject KeyPrinter::json(const ApiKeyRecord& record, qint64 nowUtcMs)
{
    QJsonObject object = KeyJson::toJson(record, nowUtcMs);
    // Where this computer's keychain keeps the secret (Secret Service attribute "user").
    object[u"keychain_entry"_s] = record.vaultEntry;
    return object;
}

QJsonArray KeyPrinter::json(const QList<ApiKeyRecord>& records, qint64 nowUtcMs)
{
    QJsonArray array;
    for (const ApiKeyRecord& r : records)
        array.append(json(r, nowUtcMs));
    return array;
}

QString KeyPrinter::jsonText(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented));
}

QString KeyPrinter::jsonText(const QJsonArray& array)
{
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented));
}
