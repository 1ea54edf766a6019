#pragma once

#include "FieldError.h"

#include <QException>

// The one exception a KeyStore future carries. Validation errors name their fields.
class StoreError final : public QException
{
public:
    enum class Code
    {
        NotFound,    // no key with that id or label
        Invalid,     // fieldErrors says which fields and why
        Conflict,    // e.g. a label already in use
        Final,       // the key is revoked: nothing but delete may change it
        Unavailable, // the store cannot be reached / opened / written
    };

    StoreError(Code code, QString message, FieldErrors fieldErrors = {});

    Code code() const { return m_code; }
    const QString& message() const { return m_message; }
    const FieldErrors& fieldErrors() const { return m_fieldErrors; }
    // message plus every field error, one per line.
    QString fullText() const;

    void raise() const override { throw *this; }
    StoreError* clone() const override { return new StoreError(*this); }
    const char* what() const noexcept override { return m_what.constData(); }

private:
    Code m_code;
    QString m_message;
    FieldErrors m_fieldErrors;
    QByteArray m_what;
};
