#include "ApiError.h"

#include "ApiKeyFormat.h"
#include "StoreError.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace {

struct Row
{
    int status;
    const char* type;
    const char* code;
};

Row rowOf(ApiError::Code code)
{
    using C = ApiError::Code;
    switch (code) {
    case C::MissingApiKey:
        return {401, "authentication_error", "missing_api_key"};
    case C::InvalidApiKey:
        return {401, "authentication_error", "invalid_api_key"};
    case C::RevokedApiKey:
        return {401, "authentication_error", "revoked_api_key"};
    case C::ExpiredApiKey:
        return {401, "authentication_error", "expired_api_key"};
    case C::DisabledApiKey:
        return {401, "authentication_error", "disabled_api_key"};
    case C::IpNotAllowed:
        return {403, "permission_error", "ip_not_allowed"};
    case C::InsufficientPermissions:
        return {403, "permission_error", "insufficient_permissions"};
    case C::ModelNotAllowed:
        return {403, "permission_error", "model_not_allowed"};
    case C::ModelNotFound:
        return {404, "invalid_request_error", "model_not_found"};
    case C::RateLimitExceeded:
        return {429, "rate_limit_error", "rate_limit_exceeded"};
    case C::QuotaExceeded:
        return {429, "rate_limit_error", "quota_exceeded"};
    case C::InsufficientQuota:
        return {402, "insufficient_quota", "insufficient_quota"};
    case C::UpstreamUnavailable:
        return {502, "server_error", "upstream_unavailable"};
    case C::UpstreamTimeout:
        return {504, "server_error", "upstream_timeout"};
    case C::TooManyFailedAttempts:
        return {429, "rate_limit_error", "too_many_failed_attempts"};
    case C::InvalidJson:
        return {400, "invalid_request_error", "invalid_json"};
    case C::InvalidValue:
        return {400, "invalid_request_error", "invalid_value"};
    case C::NotFound:
        return {404, "invalid_request_error", "not_found"};
    case C::RouteNotFound:
        return {404, "invalid_request_error", "unknown_route"};
    case C::MethodNotAllowed:
        return {405, "invalid_request_error", "method_not_allowed"};
    case C::Conflict:
        return {409, "invalid_request_error", "conflict"};
    case C::KeyRevoked:
        return {409, "invalid_request_error", "key_revoked"};
    case C::BadRequest:
        return {400, "invalid_request_error", "bad_request"};
    case C::PayloadTooLarge:
        return {413, "invalid_request_error", "payload_too_large"};
    case C::HeadersTooLarge:
        return {431, "invalid_request_error", "headers_too_large"};
    case C::RequestTimeout:
        return {408, "invalid_request_error", "request_timeout"};
    case C::StoreUnavailable:
        return {503, "server_error", "store_unavailable"};
    case C::TooManyStreams:
        return {503, "server_error", "too_many_streams"};
    case C::Internal:
        break;
    }
    return {500, "server_error", "internal_error"};
}

} // namespace

ApiError::ApiError(Code code, QString message, QString param)
    : m_code(code)
    , m_message(ApiKeyFormat::redactSecrets(message))
    , m_param(std::move(param))
{}

ApiError ApiError::fromStoreError(const StoreError& error)
{
    const QString param =
        error.fieldErrors().isEmpty() ? QString() : error.fieldErrors().constFirst().field;
    switch (error.code()) {
    case StoreError::Code::NotFound:
        return {Code::NotFound, error.message()};
    case StoreError::Code::Invalid:
    case StoreError::Code::Conflict: {
        ApiError apiError(error.code() == StoreError::Code::Invalid ? Code::InvalidValue
                                                                    : Code::Conflict,
                          error.fullText(), param);
        apiError.setFieldErrors(error.fieldErrors());
        return apiError;
    }
    case StoreError::Code::Final:
        return {Code::KeyRevoked, error.message()};
    case StoreError::Code::Unavailable:
    case StoreError::Code::RateLimited:
        return {Code::StoreUnavailable, error.message()};
    case StoreError::Code::Unauthorized:
    case StoreError::Code::Forbidden:
        break;
    }
    // A local store never refuses credentials; if one does, it is the server's fault.
    return {Code::Internal, error.message()};
}

ApiError ApiError::fromHttpStatus(int status, const QString& message)
{
    switch (status) {
    case 413:
        return {Code::PayloadTooLarge, message};
    case 431:
        return {Code::HeadersTooLarge, message};
    case 408:
        return {Code::RequestTimeout, message};
    case 400:
        return {Code::BadRequest, message};
    default:
        return {Code::Internal, message};
    }
}

int ApiError::httpStatus() const
{
    return rowOf(m_code).status;
}

QString ApiError::codeName() const
{
    return QString::fromLatin1(rowOf(m_code).code);
}

QString ApiError::typeName() const
{
    return QString::fromLatin1(rowOf(m_code).type);
}

namespace {
QString anthropicType(int status)
{
    switch (status) {
    case 400:
    case 405:
    case 408:
    case 409:
    case 431:
        return u"invalid_request_error"_s;
    case 401:
        return u"authentication_error"_s;
    case 402:
        return u"billing_error"_s;
    case 403:
        return u"permission_error"_s;
    case 404:
        return u"not_found_error"_s;
    case 413:
        return u"request_too_large"_s;
    case 429:
        return u"rate_limit_error"_s;
    case 503:
        return u"overloaded_error"_s;
    case 504:
        return u"timeout_error"_s;
    default:
        return u"api_error"_s;
    }
}
} // namespace

HttpResponse ApiError::toAnthropicResponse() const
{
    HttpResponse response = toResponse();
    const QJsonObject error{{u"type"_s, anthropicType(httpStatus())},
                            {u"message"_s, m_message},
                            {u"code"_s, codeName()}};
    response.body = QJsonDocument(QJsonObject{{u"type"_s, u"error"_s}, {u"error"_s, error}})
                        .toJson(QJsonDocument::Compact);
    return response;
}

HttpResponse ApiError::toResponse() const
{
    QJsonObject error{{u"message"_s, m_message},
                      {u"type"_s, typeName()},
                      {u"param"_s, m_param.isEmpty() ? QJsonValue() : QJsonValue(m_param)},
                      {u"code"_s, codeName()}};
    if (!m_fieldErrors.isEmpty()) {
        QJsonArray fields;
        for (const FieldError& field : m_fieldErrors)
            fields.append(QJsonObject{{u"field"_s, field.field}, {u"message"_s, field.message}});
        error.insert(u"fields"_s, fields);
    }
    HttpResponse response =
        HttpResponse::json(httpStatus(), QJsonDocument(QJsonObject{{u"error"_s, error}}));
    if (m_retryAfterSeconds)
        response.headers.append(qMakePair("Retry-After", QByteArray::number(*m_retryAfterSeconds)));
    if (httpStatus() == 401)
        response.headers.append(qMakePair("WWW-Authenticate", "Bearer"));
    return response;
}
