#include "StoreError.h"

#include "ApiKeyFormat.h"

#include <utility>

using namespace Qt::StringLiterals;

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

bool StoreError::isTransient() const
{
    return m_code == Code::Unavailable || m_code == Code::RateLimited;
}

QString StoreError::summary(Code code)
{
    switch (code) {
    case Code::NotFound:
        return u"It is not in this store (any more)."_s;
    case Code::Invalid:
        return u"Some values are not valid; nothing was changed."_s;
    case Code::Conflict:
        return u"It clashes with what the store holds now; nothing was changed."_s;
    case Code::Final:
        return u"The key is revoked; revocation is final."_s;
    case Code::Unavailable:
        return u"The key store cannot be reached right now; try again in a moment."_s;
    case Code::Unauthorized:
        return u"The key store did not accept your credentials; sign in again or check the "
               "admin key."_s;
    case Code::Forbidden:
        return u"Your credentials may not do this; ask an admin for the permission."_s;
    case Code::RateLimited:
        return u"The key store is limiting requests; wait a moment and try again."_s;
    }
    return {};
}
