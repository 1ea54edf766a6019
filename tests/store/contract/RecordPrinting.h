#pragma once

#include "ApiKeyRecord.h"
#include "KeyJson.h"
#include "WorkspaceSettings.h"

#include <QJsonDocument>
#include <QTest>

// Readable QCOMPARE failures for store types (found by argument-dependent lookup).
inline char* toString(const KeySpec& spec)
{
    return QTest::toString(QString::fromUtf8(QJsonDocument(KeyJson::specToJson(spec)).toJson()));
}

inline char* toString(const ApiKeyRecord& record)
{
    QJsonObject object = KeyJson::toJson(record, 0);
    object[QStringLiteral("test:digest")] = QString::fromLatin1(record.digestHex);
    object[QStringLiteral("test:updated_at_ms")] = record.updatedAtMs;
    object[QStringLiteral("test:spec")] = KeyJson::specToJson(record.spec);
    return QTest::toString(QString::fromUtf8(QJsonDocument(object).toJson()));
}

inline char* toString(const WorkspaceSettings& settings)
{
    return QTest::toString(settings.standardPrefix + QStringLiteral(" / ") +
                           settings.subscriptionPrefix);
}
