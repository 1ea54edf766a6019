#pragma once

#include "ApiError.h"
#include "ApiKeyRecord.h"
#include "HttpHandler.h"
#include "KeyStore.h"
#include "StoreError.h"

#include <QFuture>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>
#include <memory>
#include <optional>

// How the admin APIs answer: store futures to responses (every failure answered once, mapped
// to SPEC's error shape), request bodies and query strings checked by name.
namespace AdminReply {

using namespace Qt::StringLiterals;

inline HttpResponse errorResponse(ApiError::Code code, const QString& message,
                                  const QString& param = {})
{
    return ApiError(code, message, param).toResponse();
}

// Runs next(value) when the future succeeds; a failure of any kind is answered, once, with the
// store's error mapped (or as an internal error), so no request is left without an answer.
template <typename T, typename Next>
void whenDone(QFuture<T> future, QObject* context, const HttpResponder& respond, Next next)
{
    auto failed = [respond](const StoreError& error) {
        respond(ApiError::fromStoreError(error).toResponse());
    };
    auto crashed = [respond](const std::exception& error) {
        respond(errorResponse(ApiError::Code::Internal, QString::fromUtf8(error.what())));
    };
    if constexpr (std::is_void_v<T>) {
        future.then(context, [next] { next(); })
            .onFailed(context, failed)
            .onFailed(context, crashed);
    } else {
        future.then(context, [next](T value) { next(std::move(value)); })
            .onFailed(context, failed)
            .onFailed(context, crashed);
    }
}

// Answers with ok(value) when the future succeeds.
template <typename T, typename Ok>
void reply(QFuture<T> future, QObject* context, const HttpResponder& respond, Ok ok)
{
    if constexpr (std::is_void_v<T>)
        whenDone(future, context, respond, [respond, ok] { respond(ok()); });
    else
        whenDone(future, context, respond,
                 [respond, ok](T value) { respond(ok(std::move(value))); });
}

// A 400 naming each field that is wrong, as a store would have refused it.
inline HttpResponse invalid(const QString& message, const FieldErrors& errors)
{
    return ApiError::fromStoreError(StoreError(StoreError::Code::Invalid, message, errors))
        .toResponse();
}

// The request body as a JSON object: empty means {}. Unknown members are refused by name, so
// a typo ("lable") is not silently ignored.
inline std::optional<QJsonObject> bodyObject(const HttpRequest& request, const QStringList& allowed,
                                             const HttpResponder& respond)
{
    if (request.body.trimmed().isEmpty())
        return QJsonObject();
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError) {
        respond(errorResponse(ApiError::Code::InvalidJson,
                              u"the body is not valid JSON (at byte %1: %2)"_s.arg(error.offset)
                                  .arg(error.errorString())));
        return std::nullopt;
    }
    if (!document.isObject()) {
        respond(errorResponse(ApiError::Code::InvalidJson, u"the body must be a JSON object"_s));
        return std::nullopt;
    }
    const QJsonObject object = document.object();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!allowed.contains(it.key())) {
            respond(errorResponse(ApiError::Code::InvalidValue,
                                  u"%1: unknown field"_s.arg(it.key()), it.key()));
            return std::nullopt;
        }
    }
    return object;
}

// Refuses a query parameter the route does not know, by name; true when all are known.
inline bool knownQuery(const QUrlQuery& query, const QStringList& known,
                       const HttpResponder& respond)
{
    for (const auto& [name, ignored] : query.queryItems()) {
        if (!known.contains(name)) {
            respond(errorResponse(ApiError::Code::InvalidValue,
                                  u"%1: unknown query parameter"_s.arg(name), name));
            return false;
        }
    }
    return true;
}

// A "limit" parameter: fallback when absent, 0 when not a number (the store refuses it by name).
inline int pageLimit(const QUrlQuery& query, int fallback)
{
    if (!query.hasQueryItem(u"limit"_s))
        return fallback;
    bool ok = false;
    const int limit = query.queryItemValue(u"limit"_s).toInt(&ok);
    return ok ? limit : 0;
}

// {"object":"list","data":[...]} and, for a paged list, where the next page starts.
inline HttpResponse listResponse(const QJsonArray& data,
                                 const std::optional<QString>& nextCursor = {})
{
    QJsonObject body{{u"object"_s, u"list"_s}, {u"data"_s, data}};
    if (nextCursor) {
        body.insert(u"has_more"_s, !nextCursor->isEmpty());
        body.insert(u"next_cursor"_s,
                    nextCursor->isEmpty() ? QJsonValue() : QJsonValue(*nextCursor));
    }
    return HttpResponse::json(200, QJsonDocument(body));
}

// Looks up each of refs (ids or labels) in turn and gives next the records in that order. A
// key not found fails the request (404 naming the field), unless skipMissing drops it.
inline void findKeys(KeyStore& keys, const QStringList& refs, QObject* context,
                     const HttpResponder& respond, const QString& field, bool skipMissing,
                     std::function<void(QList<ApiKeyRecord>)> next)
{
    struct Lookup
    {
        QStringList refs;
        QList<ApiKeyRecord> found;
        std::function<void()> step;
    };
    auto lookup = std::make_shared<Lookup>();
    lookup->refs = refs;
    lookup->step = [&keys, context, respond, field, skipMissing, next = std::move(next),
                    weak = std::weak_ptr<Lookup>(lookup)] {
        const std::shared_ptr<Lookup> state = weak.lock();
        if (!state)
            return;
        if (state->refs.isEmpty())
            return next(std::exchange(state->found, {}));
        const QString ref = state->refs.takeFirst();
        keys.findKey(ref)
            .then(context,
                  [state](const ApiKeyRecord& record) {
                      state->found.append(record);
                      state->step();
                  })
            .onFailed(context,
                      [state, respond, field, skipMissing, ref](const StoreError& error) {
                          if (error.code() == StoreError::Code::NotFound && skipMissing)
                              return state->step();
                          if (error.code() == StoreError::Code::NotFound)
                              return respond(errorResponse(
                                  ApiError::Code::NotFound,
                                  u"%1: no key has the id or label %2"_s.arg(field, ref), field));
                          respond(ApiError::fromStoreError(error).toResponse());
                      })
            .onFailed(context, [respond](const std::exception& error) {
                respond(errorResponse(ApiError::Code::Internal, QString::fromUtf8(error.what())));
            });
    };
    lookup->step();
}

} // namespace AdminReply
