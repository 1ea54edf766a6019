#pragma once

#include "ApiKeyRecord.h"
#include "WorkspaceSettings.h"

#include <QJsonArray>
#include <QJsonObject>

// keydeckctl's output: human-readable text (local times, "$" amounts) and JSON for scripts
// (KeyJson: UTC RFC 3339, decimal strings). Nothing here ever sees a secret.
class KeyPrinter final
{
public:
    static QString table(const QList<ApiKeyRecord>& records, qint64 nowUtcMs);
    // Every field of one key, one "Name:  value" line each.
    static QString details(const ApiKeyRecord& record, qint64 nowUtcMs);
    static QString workspace(const WorkspaceSettings& settings);
    static QJsonObject workspaceJson(const WorkspaceSettings& settings);
    static QJsonArray json(const QList<ApiKeyRecord>& records, qint64 nowUtcMs);
    static QString jsonText(const QJsonObject& object);
    static QString jsonText(const QJsonArray& array);

    // Control and format characters replaced, so stored text cannot drive the terminal.
    static QString printable(QStringView text);
};
