#pragma once

#include "FieldError.h"
#include "HttpResponse.h"

#include <QString>
#include <optional>

class StoreError;

// The one error type of the server's HTTP APIs. Its code fixes the HTTP status and the
// OpenAI-style "type" and "code" of the body, all in one table in ApiError.cpp.
class ApiError final
{
public:
    enum class Code
    {
        MissingApiKey,
        InvalidApiKey,
        RevokedApiKey,
        ExpiredApiKey,
        DisabledApiKey,
        IpNotAllowed,
        InsufficientPermissions,
        ModelNotAllowed,
        ModelNotFound,
        RateLimitExceeded,
        QuotaExceeded,
        InsufficientQuota,
        UpstreamUnavailable,
        UpstreamTimeout,
        TooManyFailedAttempts,
        InvalidJson,
        InvalidValue,
        NotFound,
        RouteNotFound,
        MethodNotAllowed,
        Conflict,
        KeyRevoked,
        BadRequest,
        PayloadTooLarge,
        HeadersTooLarge,
        RequestTimeout,
        StoreUnavailable,
        TooManyStreams,
        Internal,
    };

    ApiError(Code code, QString message, QString param = {});

    static ApiError fromStoreError(const StoreError& error);
    // For a status the HTTP layer chose itself (413, 431, 408, 400).
    static ApiError fromHttpStatus(int status, const QString& message);

    Code code() const { return m_code; }
    int httpStatus() const;
    QString codeName() const;
    QString typeName() const;
    const QString& message() const { return m_message; }
    const QString& param() const { return m_param; }
    // Every field a validation error names, when there are several to name.
    const FieldErrors& fieldErrors() const { return m_fieldErrors; }
    void setFieldErrors(FieldErrors errors) { m_fieldErrors = std::move(errors); }
    std::optional<qint64> retryAfterSeconds() const { return m_retryAfterSeconds; }
    void setRetryAfterSeconds(qint64 seconds) { m_retryAfterSeconds = seconds; }

    // {"error":{"message","type","param","code"}}, and "fields" ([{"field","message"}]) when
    // fieldErrors() are set; the message never carries a key.
    HttpResponse toResponse() const;
    // Anthropic's envelope, for /v1/messages: {"type":"error","error":{"type","message"}} with
    // Anthropic's type for the status (and the code beside it).
    HttpResponse toAnthropicResponse() const;

private:
    Code m_code;
    QString m_message;
    QString m_param;
    FieldErrors m_fieldErrors;
    std::optional<qint64> m_retryAfterSeconds;
};
