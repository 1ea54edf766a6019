#pragma once

#include "ApiKeyRecord.h"
#include "FieldError.h"

#include <QJsonObject>

// The JSON shape of keys shared by keydeckctl --json and the REST API. Money is a decimal
// string ("25.00"), times RFC 3339 UTC, absent limits are null.
class KeyJson final
{
public:
    static QJsonObject toJson(const ApiKeyRecord& record, qint64 nowUtcMs);
    // The record toJson() wrote, but for where its secret is kept (vaultEntry, ownsVaultEntry),
    // which is the reader's to say. nullopt with *error naming the member that is wrong.
    static std::optional<ApiKeyRecord> recordFromJson(const QJsonObject& object, QString* error);
    static QJsonObject specToJson(const KeySpec& spec);
    // Members not present keep the value from base, so the same call serves create and update.
    static KeySpec specFromJson(const QJsonObject& object, const KeySpec& base,
                                FieldErrors* errors);
};
