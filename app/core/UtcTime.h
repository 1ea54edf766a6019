#pragma once

#include <QString>
#include <QStringView>
#include <optional>

// Times are integer UTC milliseconds. Text without a zone is refused, never guessed.
class UtcTime final
{
public:
    // RFC 3339: 2027-01-31T00:00:00Z, 2027-01-31T01:00:00.250+01:00. A bare date or a
    // date-time without Z or an offset is an error.
    static std::optional<qint64> parseRfc3339(QStringView text, QString* error = nullptr);
    // 2027-01-31T00:00:00Z (milliseconds only when non-zero).
    static QString toRfc3339(qint64 utcMs);
};
