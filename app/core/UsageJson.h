#pragma once

#include "KeyUsage.h"
#include "UsageGroupRow.h"
#include "UsageImport.h"
#include "UsageSeries.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <optional>

// Usage as JSON, the same for keydeckctl --json and the admin API (and read back by a store
// that talks to that API): counts as numbers, USD as exact decimal strings, times as UTC
// RFC 3339. Each fromJson fails with *error naming the member that is wrong.
class UsageJson final
{
public:
    // Key id -> label, for key groups; an id it lacks (a deleted key) gets a null label.
    using Labels = QHash<QString, QString>;

    static QJsonObject totalsToJson(const UsageTotals& totals);
    static std::optional<UsageTotals> totalsFromJson(const QJsonObject& object, QString* error);
    // The totals with the range they cover, [fromMs, toMs).
    static QJsonObject summaryToJson(const UsageTotals& totals, qint64 fromMs, qint64 toMs);

    // labels: set for key groups, which then carry "label".
    static QJsonArray groupsToJson(const QList<UsageGroupRow>& rows,
                                   const Labels* labels = nullptr);
    static std::optional<QList<UsageGroupRow>> groupsFromJson(const QJsonArray& array,
                                                              QString* error);

    // {"start": RFC 3339, totals...} per point.
    static QJsonArray pointsToJson(const QList<UsageSeries::Point>& points);
    static std::optional<QList<UsageSeries::Point>> pointsFromJson(const QJsonArray& array,
                                                                   QString* error);

    // Objects in the import format (UsageCodec); "key" is keyText(event.key).
    static QJsonArray eventsToJson(const QList<UsageEvent>& events,
                                   const std::function<QString(const QString&)>& keyText = {});
    static std::optional<QList<UsageEvent>> eventsFromJson(const QJsonArray& array, QString* error);

    static QJsonArray keyUsageToJson(const QList<KeyUsage>& usage);
    static std::optional<QList<KeyUsage>> keyUsageFromJson(const QJsonArray& array, QString* error);

    // file: what was imported, as the user named it.
    static QJsonObject importReportToJson(const UsageImportReport& report, const QString& file);
    static std::optional<UsageImportReport> importReportFromJson(const QJsonObject& object,
                                                                 QString* error);
};
