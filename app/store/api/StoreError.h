#pragma once

#include "FieldError.h"

#include <QException>
#include <optional>

// The one exception a store future carries, local or remote. Validation errors name their
// fields; the codes a remote store adds (Unauthorized, Forbidden, RateLimited) carry what the
// server said in message() and have a sentence of their own for the user (summary()).
class StoreError final : public QException
{
public:
    enum class Code
    {
        NotFound,     // no key with that id or label
        Invalid,      // fieldErrors says which fields and why
        Conflict,     // e.g. a label already in use
        Final,        // the key is revoked: nothing but delete may change it
        Unavailable,  // the store cannot be reached / opened / written right now: retrying may
                      // work (a busy file, a server down or restarting)
        Unauthorized, // the store does not accept the credentials (missing, wrong, revoked)
        Forbidden,    // the credentials are valid but may not do this
        RateLimited,  // too many requests: retryAfterMs() says when to try again, if known
    };

    StoreError(Code code, QString message, FieldErrors fieldErrors = {});

    Code code() const { return m_code; }
    const QString& message() const { return m_message; }
    const FieldErrors& fieldErrors() const { return m_fieldErrors; }
    // message plus every field error, one per line.
    QString fullText() const;
    // Whether the same call may succeed later unchanged.
    bool isTransient() const;
    // What the user should be told the code means, whatever the details in message().
    static QString summary(Code code);

    std::optional<qint64> retryAfterMs() const { return m_retryAfterMs; }
    void setRetryAfterMs(std::optional<qint64> ms) { m_retryAfterMs = ms; }

    void raise() const override { throw *this; }
    StoreError* clone() const override { return new StoreError(*this); }
    const char* what() const noexcept override { return m_what.constData(); }

private:
    Code m_code;
    QString m_message;
    FieldErrors m_fieldErrors;
    std::optional<qint64> m_retryAfterMs;
    QByteArray m_what;
};
