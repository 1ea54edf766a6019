#include "UsageImport.h"

using namespace Qt::StringLiterals;

QString UsageImportReport::LineError::toString() const
{
    return u"line %1: %2"_s.arg(line).arg(error.toString());
}
