#pragma once

#include "FieldError.h"
#include "KeySpec.h"

#include <QHash>

// The flags that describe a key (--label, --quota-usd, ...), shared by create and update.
class KeySpecFlags final
{
public:
    static const QStringList& names();
    // Sets the fields whose flags are present in values and leaves the others alone, then
    // validates the result. Errors name flags, at most one per flag.
    static FieldErrors applyAndValidate(const QHash<QString, QString>& values, KeySpec& spec,
                                        qint64 nowUtcMs);
    // KeyValidator / StoreError field names ("quota_usd") as flags ("--quota-usd").
    static FieldErrors withFlagNames(const FieldErrors& errors);

private:
    static FieldErrors apply(const QHash<QString, QString>& values, KeySpec& spec);
    static QString flagFor(const QString& field);
};
