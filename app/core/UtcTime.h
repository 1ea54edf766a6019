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
    // 9999-12-31T23:59:59.999Z: the latest time with a four-digit year, which is all RFC 3339
    // writes. Times parse in [0, LatestMs].
    static constexpr qint64 LatestMs = 253'402'300'799'999;
    static std::optional<qint64> parseRfc3339(QStringView text, QString* error = nullptr);
    // 2027-01-31T00:00:00Z (milliseconds only when non-zero).
    static QString toRfc3339(qint64 utcMs);
};
