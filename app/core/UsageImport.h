#pragma once

#include "FieldError.h"
#include "UsageCodec.h"

// How an import runs and what it did. Without skipBadLines an import is all or nothing.
struct UsageImportOptions
{
    std::optional<UsageCodec::Format> format; // nullopt: from the file name
    bool skipBadLines = false;
};

struct UsageImportReport
{
    struct LineError
    {
        qint64 line = 0;
        FieldError error;
        QString toString() const;
    };
    static constexpr int MaxReportedErrors = 100;

    qint64 linesRead = 0;
    qint64 imported = 0;
    qint64 duplicates = 0; // same request_id already stored (or earlier in the file)
    qint64 skipped = 0;    // bad lines left out with skipBadLines
    bool committed = false;
    QList<LineError> errors; // the first MaxReportedErrors bad lines
};
