#include "StoreError.h"

#include <utility>

StoreError::StoreError(Code code, QString message, FieldErrors fieldErrors)
    : m_code(code)
    , m_message(std::move(message))
    , m_fieldErrors(std::move(fieldErrors))
    , m_what(fullText().toUtf8())
{}

QString StoreError::fullText() const
{
    QString text = m_message;
    for (const FieldError& error : m_fieldErrors)
        text += QLatin1Char('\n') + error.toString();
    return text;
}
