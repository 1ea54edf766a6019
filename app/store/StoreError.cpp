#include "StoreError.h"

#include "ApiKeyFormat.h"

#include <utility>

// Store errors quote what they were given (a label, an id, a line of an import): a secret pasted
// there must not travel on in the message.
StoreError::StoreError(Code code, QString message, FieldErrors fieldErrors)
    : m_code(code)
    , m_message(ApiKeyFormat::redactSecrets(message))
    , m_fieldErrors(std::move(fieldErrors))
{
    for (FieldError& error : m_fieldErrors)
        error.message = ApiKeyFormat::redactSecrets(error.message);
    m_what = fullText().toUtf8();
}

QString StoreError::fullText() const
{
    QString text = m_message;
    for (const FieldError& error : m_fieldErrors)
        text += QLatin1Char('\n') + error.toString();
    return text;
}
