#pragma once

#include "FieldError.h"
#include "UsageEvent.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QStringList>

// The usage log file formats, the same for import and export: JSON Lines (one object per line)
// and CSV with a header row. Members / columns: time, key, model, endpoint, status,
// prompt_tokens, completion_tokens, cost_usd, latency_ms, ip, request_id.
class UsageCodec final
{
public:
    enum class Format
    {
        JsonLines,
        Csv
    };

    static QStringList columns();
    // From a file name: ".csv" is CSV, anything else JSON Lines.
    static Format formatForPath(const QString& path);

    // A bad value yields nullopt and *error naming the member.
    static std::optional<UsageEvent> fromJsonLine(QByteArrayView line, FieldError* error);
    // The same for an object already parsed (members given twice cannot be told apart here).
    static std::optional<UsageEvent> fromJsonObject(const QJsonObject& object, FieldError* error);

    // Maps the header to column positions; required columns must be present.
    static std::optional<QHash<QString, int>> csvHeader(const QStringList& header,
                                                        FieldError* error);
    static std::optional<UsageEvent>
    fromCsvRecord(const QStringList& record, const QHash<QString, int>& header, FieldError* error);

    // keyText: what to write in "key" (a label reads better than an id in an export).
    static QByteArray toJsonLine(const UsageEvent& event, const QString& keyText);
    static QJsonObject toJsonObject(const UsageEvent& event, const QString& keyText);
    static QByteArray csvHeaderLine();
    static QByteArray toCsvLine(const UsageEvent& event, const QString& keyText);
};
