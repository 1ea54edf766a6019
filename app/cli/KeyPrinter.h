#pragma once

#include "ApiKeyRecord.h"
#include "SecretIndex.h"
#include "WorkspaceSettings.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>

// keydeckctl's output: human-readable text (local times, "$" amounts) and JSON for scripts
// (KeyJson: UTC RFC 3339, decimal strings). Nothing here ever sees a secret.
class KeyPrinter final
{
public:
    static QString table(const QList<ApiKeyRecord>& records, qint64 nowUtcMs);
    // Every field of one key, one "Name:  value" line each. labels (id -> label) name the keys
    // of its rotation links.
    // secret: whether this computer's keychain holds the key's secret, as far as it is known.
    static QString details(const ApiKeyRecord& record, qint64 nowUtcMs,
                           const QHash<QString, QString>& labels = {},
                           std::optional<SecretIndex::Presence> secret = std::nullopt);
    // true, false or null (not known).
    static QJsonValue secretJson(SecretIndex::Presence secret);
    static QString workspace(const WorkspaceSettings& settings);
    // KeyJson's object plus the rotation links, "rotated_from_id" and "rotated_to_id" (null
    // when there is none).
    static QJsonObject json(const ApiKeyRecord& record, qint64 nowUtcMs);
    static QJsonArray json(const QList<ApiKeyRecord>& records, qint64 nowUtcMs);
    static QString jsonText(const QJsonObject& object);
    static QString jsonText(const QJsonArray& array);

    // Control and format characters replaced, so stored text cannot drive the terminal.
    static QString printable(QStringView text);
    // "10,000": thousands grouped, whatever the locale.
    static QString count(qint64 n);
    // "2027-01-31 01:00" in the local time zone.
    static QString localTime(qint64 utcMs);
};
