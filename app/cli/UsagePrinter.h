#pragma once

#include "UsageEvent.h"
#include "UsageFlags.h"
#include "UsageGroupRow.h"
#include "UsageImport.h"

#include <QHash>
#include <QTimeZone>

// keydeckctl usage output as text: aligned, with local times and "$" amounts (JSON: UsageJson).
class UsagePrinter final
{
public:
    // Key id -> label. An id it lacks (a deleted key) is shown as the id.
    using Labels = QHash<QString, QString>;

    // scope: which keys, e.g. "all keys".
    static QString summary(const UsageTotals& totals, qint64 fromMs, qint64 toMs,
                           const QString& scope);
    // One row per group and a TOTAL row.
    static QString groupTable(const QList<UsageGroupRow>& rows, UsageFlags::Grouping grouping,
                              qint64 fromMs, qint64 toMs, const QString& scope,
                              const Labels& labels);
    // Hour or day points as rows named by their local start, "2027-01-31T00:00:00+01:00".
    static QList<UsageGroupRow> timeRows(const QList<UsageSeries::Point>& points,
                                         const QTimeZone& zone);

    static QString logTable(const QList<UsageEvent>& events, const Labels& labels);
    // One line of an export in the import format, "key" = the key's label.
    static QByteArray exportLine(const UsageEvent& event, UsageCodec::Format format,
                                 const Labels& labels);

    static QString importSummary(const UsageImportReport& report, const QString& file);

    static QString keyText(const QString& id, const Labels& labels);
};
