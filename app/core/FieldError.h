#pragma once

#include <QList>
#include <QString>

// A validation problem tied to the form field / CLI flag / JSON member it came from.
struct FieldError
{
    QString field;
    QString message;

    QString toString() const { return field + QStringLiteral(": ") + message; }
    friend bool operator==(const FieldError&, const FieldError&) = default;
};

using FieldErrors = QList<FieldError>;
