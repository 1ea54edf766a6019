#pragma once

#include "UsageQuery.h"

#include <QFuture>
#include <QHash>

class QObject;
class UsageStore;

// Writes the usage log behind a query to a CSV file (UsageCodec columns, keys by label), oldest
// first, a page at a time: memory does not grow with the log, the window keeps responding, and
// the file appears only complete (QSaveFile). Progress is reported on the future (rows
// written of expectedRows); cancelling the future leaves no file behind.
class UsageCsvExport final
{
public:
    static constexpr int PageSize = 5000;

    // The result is the number of rows written. context: the thread the file is written from;
    // the export stops when it is destroyed.
    static QFuture<qint64> start(UsageStore& store, const UsageQuery& query,
                                 const QHash<QString, QString>& keyLabels, const QString& path,
                                 qint64 expectedRows, QObject* context);
};
