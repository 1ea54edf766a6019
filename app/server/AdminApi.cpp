#include "AdminApi.h"

#include "ApiError.h"
#include "ApiKeyFormat.h"
#include "AuditStore.h"
#include "AuthThrottle.h"
#include "Clock.h"
#include "EventHub.h"
#include "IpAddress.h"
#include "KeyAccess.h"
#include "KeyEnums.h"
#include "KeyEvent.h"
#include "KeyJson.h"
#include "KeyStore.h"
#include "LifecycleStore.h"
#include "RequestLog.h"
#include "StoreConnection.h"
#include "StoreError.h"
#include "StreamSink.h"
#include "UtcTime.h"
#include "WorkspaceJson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrlQuery>
#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

HttpResponse errorResponse(ApiError::Code code, const QString& message, const QString& param = {})
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
HttpResponse invalid(const QString& message, const FieldErrors& errors)
{
    return ApiError::fromStoreError(StoreError(StoreError::Code::Invalid, message, errors))
        .toResponse();
}

// The request body as a JSON object: empty means {}. Unknown members are refused by name, so
// a typo ("lable") is not silently ignored.
std::optional<QJsonObject> bodyObject(const HttpRequest& request, const QStringList& allowed,
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

// The optional "pending" member of a create or rotate: whether the new key waits for activate.
std::optional<bool> pendingFlag(const QJsonObject& body, const HttpResponder& respond)
{
    const QJsonValue pending = body.value(u"pending"_s);
    if (pending.isUndefined())
        return false;
    if (!pending.isBool()) {
        respond(errorResponse(ApiError::Code::InvalidValue, u"pending: must be true or false"_s,
                              u"pending"_s));
        return std::nullopt;
    }
    return pending.toBool();
}

QStringList specFields()
{
    return KeyJson::specToJson(KeySpec()).keys();
}

// The bearer token, else x-api-key (Authorization wins when both are sent).
std::optional<QString> credentialOf(const HttpRequest& request)
{
    const QByteArray authorization = request.header("authorization").trimmed();
    if (!authorization.isEmpty()) {
        if (authorization.size() > 7 && authorization.left(7).toLower() == "bearer ")
            return QString::fromLatin1(authorization.mid(7).trimmed());
        return QString();
    }
    const QByteArray apiKey = request.header("x-api-key").trimmed();
    if (!apiKey.isEmpty())
        return QString::fromLatin1(apiKey);
    return std::nullopt;
}

QString actorOf(const ApiKeyRecord& actor)
{
    return u"%1 (%2)"_s.arg(actor.id, actor.hint);
}

ApiError refusal(KeyAccess::Verdict verdict)
{
    switch (verdict) {
    case KeyAccess::Verdict::Revoked:
        return {ApiError::Code::RevokedApiKey, u"this API key has been revoked"_s};
    case KeyAccess::Verdict::Expired:
        return {ApiError::Code::ExpiredApiKey, u"this API key has expired"_s};
    case KeyAccess::Verdict::Disabled:
        return {ApiError::Code::DisabledApiKey, u"this API key is disabled"_s};
    case KeyAccess::Verdict::IpNotAllowed:
        return {ApiError::Code::IpNotAllowed, u"this API key may not be used from this address"_s};
    case KeyAccess::Verdict::InsufficientPermissions:
        return {ApiError::Code::InsufficientPermissions,
                u"the admin API needs a key with the admin permission"_s};
    case KeyAccess::Verdict::Allowed:
        break;
    }
    return {ApiError::Code::Internal, u"unexpected access verdict"_s};
}

} // namespace

AdminApi::AdminApi(StoreConnection& store, StoreThread storeThread, const Clock& clock,
                   AuthThrottle& throttle, RequestLog& log, EventHub& events)
    : m_store(store)
    , m_storeThread(storeThread)
    , m_clock(clock)
    , m_throttle(throttle)
    , m_log(log)
    , m_events(events)
{}

void AdminApi::addRoutes(ApiRouter& router)
{
    const auto bind = [this](const QString& action,
                             void (AdminApi::*method)(const ApiRouter::Call&, HttpResponder)) {
        return authorized(action, [this, method](const ApiKeyRecord&, const ApiRouter::Call& call,
                                                 HttpResponder respond) {
            (this->*method)(call, std::move(respond));
        });
    };
    const auto status = [this](const QString& action, KeyStatus target) {
        return authorized(action, [this, target](const ApiKeyRecord&, const ApiRouter::Call& call,
                                                 HttpResponder respond) {
            setStatus(call, target, std::move(respond));
        });
    };
    router.add("GET", u"/v1/admin/keys"_s, bind(u"key.list"_s, &AdminApi::listKeys));
    router.add("POST", u"/v1/admin/keys"_s, bind(u"key.create"_s, &AdminApi::createKey));
    router.add("GET", u"/v1/admin/keys/{id}"_s, bind(u"key.show"_s, &AdminApi::showKey));
    router.add("PATCH", u"/v1/admin/keys/{id}"_s, bind(u"key.update"_s, &AdminApi::updateKey));
    router.add("DELETE", u"/v1/admin/keys/{id}"_s, bind(u"key.delete"_s, &AdminApi::deleteKey));
    router.add("POST", u"/v1/admin/keys/{id}/disable"_s,
               status(u"key.disable"_s, KeyStatus::Disabled));
    router.add("POST", u"/v1/admin/keys/{id}/enable"_s, status(u"key.enable"_s, KeyStatus::Active));
    router.add("POST", u"/v1/admin/keys/{id}/revoke"_s,
               status(u"key.revoke"_s, KeyStatus::Revoked));
    router.add("POST", u"/v1/admin/keys/{id}/activate"_s,
               bind(u"key.activate"_s, &AdminApi::activateKey));
    router.add("POST", u"/v1/admin/keys/{id}/rotate"_s,
               bind(u"key.rotate"_s, &AdminApi::rotateKey));
    router.add("GET", u"/v1/admin/keys/{id}/events"_s, bind(u"key.events"_s, &AdminApi::keyEvents));
    router.add("GET", u"/v1/admin/key-digests/{digest}"_s,
               bind(u"key.find_by_digest"_s, &AdminApi::keyByDigest));
    router.add("GET", u"/v1/admin/workspace"_s, bind(u"workspace.show"_s, &AdminApi::workspace));
    router.add("PATCH", u"/v1/admin/workspace"_s,
               bind(u"workspace.update"_s, &AdminApi::updateWorkspace));
    router.add("GET", u"/v1/admin/audit"_s, bind(u"audit.list"_s, &AdminApi::auditEntries));
    router.add("GET", u"/v1/admin/events"_s, bind(u"events.subscribe"_s, &AdminApi::events));
}

ApiRouter::Handler AdminApi::authorized(const QString& action, Work work)
{
    return [this, action, work = std::move(work)](ApiRouter::Call call, HttpResponder respond) {
        const QString client = call.request.clientAddress;
        const qint64 delay = m_throttle.delayFor(client);
        auto entry = std::make_shared<AuditEntry>();
        entry->action = action;
        entry->target = call.params.value(0);
        entry->clientAddress = client;
        // A refusal waits as long as the address has earned; so does a success, or the
        // timing would tell a guess that worked from one that did not.
        HttpResponder answer = [this, respond = std::move(respond), delay, entry,
                                changes = call.request.method != "GET"](HttpResponse response) {
            response.delayMs = qMax(response.delayMs, delay);
            const bool refused = response.status == 401 || response.status == 403;
            if (!changes && !refused)
                return respond(std::move(response));
            audited(entry, std::move(response), respond);
        };
        const std::optional<QString> credential = credentialOf(call.request);
        if (!credential || !ApiKeyFormat::isWellFormed(*credential)) {
            m_throttle.failed(client);
            answer(credential ? errorResponse(ApiError::Code::InvalidApiKey,
                                              u"the API key is not a valid KeyDeck key"_s)
                              : errorResponse(ApiError::Code::MissingApiKey,
                                              u"send an admin key as Authorization: Bearer KEY "
                                              "or x-api-key: KEY"_s));
            return;
        }
        const QByteArray digest = ApiKeyFormat::digestHex(*credential);
        m_storeThread.post([this, call = std::move(call), digest, work, entry,
                            answer = std::move(answer)]() mutable {
            authenticate(call, digest, work, entry, std::move(answer));
        });
    };
}

void AdminApi::audited(const std::shared_ptr<AuditEntry>& entry, HttpResponse response,
                       const HttpResponder& respond)
{
    entry->httpStatus = response.status;
    const QJsonObject body = QJsonDocument::fromJson(response.body).object();
    entry->outcome = response.status < 400
                         ? u"ok"_s
                         : body.value(u"error"_s).toObject().value(u"code"_s).toString();
    // A created key is named by its new id.
    if (response.status == 201)
        entry->target = body.value(u"id"_s).toString();
    // The answer waits for its audit row: once a client has it, the action is on record.
    m_storeThread.post([this, entry, response = std::move(response), respond]() mutable {
        QObject* context = m_storeThread.context();
        m_store.audit()
            .recordAudit(*entry)
            .then(context, [respond, response](const AuditEntry&) { respond(response); })
            .onFailed(context, [this, respond, response, entry](const std::exception& error) {
                m_log.error(u"could not record an admin action in the audit log"_s,
                            {{u"action"_s, entry->action},
                             {u"target"_s, entry->target},
                             {u"error"_s, QString::fromUtf8(error.what())}});
                respond(response);
            });
    });
}

void AdminApi::authenticate(const ApiRouter::Call& call, const QByteArray& digest, Work work,
                            const std::shared_ptr<AuditEntry>& entry, HttpResponder respond)
{
    const QString client = call.request.clientAddress;
    QObject* context = m_storeThread.context();
    m_store.keys()
        .findKeyByDigest(digest)
        .then(context,
              [this, call, work, respond, client, entry](const ApiKeyRecord& actor) {
                  entry->actorKeyId = actor.id;
                  entry->actorLabel = actor.spec.label;
                  entry->actorHint = actor.hint;
                  const QString who = actorOf(actor);
                  const KeyAccess::Verdict verdict = KeyAccess::check(
                      actor, m_clock.nowUtcMs(), IpAddress::parse(client), Permission::Admin);
                  if (verdict != KeyAccess::Verdict::Allowed) {
                      if (verdict != KeyAccess::Verdict::InsufficientPermissions &&
                          verdict != KeyAccess::Verdict::IpNotAllowed)
                          m_throttle.failed(client);
                      HttpResponse response = refusal(verdict).toResponse();
                      response.actor = who;
                      respond(std::move(response));
                      return;
                  }
                  m_throttle.succeeded(client);
                  work(actor, call, [respond, who](HttpResponse response) {
                      response.actor = who;
                      respond(std::move(response));
                  });
              })
        .onFailed(context,
                  [this, respond, client](const StoreError& error) {
                      if (error.code() == StoreError::Code::NotFound) {
                          m_throttle.failed(client);
                          respond(errorResponse(ApiError::Code::InvalidApiKey,
                                                u"this API key is not known to this server"_s));
                          return;
                      }
                      respond(ApiError::fromStoreError(error).toResponse());
                  })
        .onFailed(context, [respond](const std::exception& error) {
            respond(errorResponse(ApiError::Code::Internal, QString::fromUtf8(error.what())));
        });
}

HttpResponse AdminApi::keyResponse(int status, const ApiKeyRecord& record) const
{
    return HttpResponse::json(status, QJsonDocument(KeyJson::toJson(record, m_clock.nowUtcMs())));
}

HttpResponse AdminApi::createdResponse(const CreatedKey& created) const
{
    QJsonObject object = KeyJson::toJson(created.record, m_clock.nowUtcMs());
    object.insert(u"secret"_s, created.secret);
    HttpResponse response = HttpResponse::json(201, QJsonDocument(object));
    response.noStore = true;
    return response;
}

void AdminApi::listKeys(const ApiRouter::Call& call, HttpResponder respond)
{
    const QUrlQuery query(QString::fromUtf8(call.request.query));
    const auto value = [&](const QString& name) {
        return query.queryItemValue(name, QUrl::FullyDecoded);
    };
    for (const auto& [name, ignored] : query.queryItems()) {
        static const QStringList known{u"limit"_s, u"cursor"_s, u"environment"_s, u"status"_s,
                                       u"search"_s};
        if (!known.contains(name)) {
            respond(errorResponse(ApiError::Code::InvalidValue,
                                  u"%1: unknown query parameter"_s.arg(name), name));
            return;
        }
    }
    KeyListQuery list;
    list.limit = DefaultPageSize;
    if (query.hasQueryItem(u"limit"_s)) {
        bool ok = false;
        list.limit = value(u"limit"_s).toInt(&ok);
        if (!ok)
            list.limit = 0;
    }
    if (query.hasQueryItem(u"status"_s)) {
        list.status = KeyEnums::statusFromName(value(u"status"_s));
        if (!list.status) {
            respond(errorResponse(ApiError::Code::InvalidValue,
                                  u"status: must be active, disabled, revoked or expired"_s,
                                  u"status"_s));
            return;
        }
    }
    list.environment = value(u"environment"_s);
    list.search = value(u"search"_s).trimmed();
    list.cursor = value(u"cursor"_s);
    const qint64 now = m_clock.nowUtcMs();
    reply(m_store.keys().listKeysPage(list), m_storeThread.context(), respond,
          [now](const KeyStore::Page& page) {
              QJsonArray data;
              for (const ApiKeyRecord& record : page.keys)
                  data.append(KeyJson::toJson(record, now));
              QJsonObject body{{u"object"_s, u"list"_s},
                               {u"data"_s, data},
                               {u"has_more"_s, !page.nextCursor.isEmpty()},
                               {u"next_cursor"_s, page.nextCursor.isEmpty()
                                                      ? QJsonValue()
                                                      : QJsonValue(page.nextCursor)}};
              if (page.total >= 0)
                  body.insert(u"total"_s, page.total);
              return HttpResponse::json(200, QJsonDocument(body));
          });
}

void AdminApi::createKey(const ApiRouter::Call& call, HttpResponder respond)
{
    const std::optional<QJsonObject> body =
        bodyObject(call.request, specFields() << u"pending"_s, respond);
    if (!body)
        return;
    const std::optional<bool> pending = pendingFlag(*body, respond);
    if (!pending)
        return;
    FieldErrors errors;
    const KeySpec spec = KeyJson::specFromJson(*body, KeySpec(), &errors);
    if (!errors.isEmpty()) {
        respond(invalid(u"The key settings are not valid."_s, errors));
        return;
    }
    KeyStore& keys = m_store.keys();
    reply(*pending ? keys.createPendingKey(spec) : keys.createKey(spec), m_storeThread.context(),
          respond, [this](const CreatedKey& created) { return createdResponse(created); });
}

void AdminApi::showKey(const ApiRouter::Call& call, HttpResponder respond)
{
    reply(m_store.keys().findKey(call.params.at(0)), m_storeThread.context(), respond,
          [this](const ApiKeyRecord& record) { return keyResponse(200, record); });
}

void AdminApi::updateKey(const ApiRouter::Call& call, HttpResponder respond)
{
    const std::optional<QJsonObject> body = bodyObject(call.request, specFields(), respond);
    if (!body)
        return;
    QObject* context = m_storeThread.context();
    const QJsonObject changes = *body;
    whenDone(m_store.keys().findKey(call.params.at(0)), context, respond,
             [this, context, changes, respond](const ApiKeyRecord& record) {
                 FieldErrors errors;
                 const KeySpec spec = KeyJson::specFromJson(changes, record.spec, &errors);
                 if (!errors.isEmpty()) {
                     respond(invalid(u"The key settings are not valid."_s, errors));
                     return;
                 }
                 reply(m_store.keys().updateKey(record.id, spec), context, respond,
                       [this](const ApiKeyRecord& updated) { return keyResponse(200, updated); });
             });
}

void AdminApi::deleteKey(const ApiRouter::Call& call, HttpResponder respond)
{
    const QString id = call.params.at(0);
    reply(m_store.keys().deleteKey(id), m_storeThread.context(), respond, [id] {
        return HttpResponse::json(
            200, QJsonDocument(
                     QJsonObject{{u"id"_s, id}, {u"object"_s, u"key"_s}, {u"deleted"_s, true}}));
    });
}

void AdminApi::setStatus(const ApiRouter::Call& call, KeyStatus status, HttpResponder respond)
{
    if (!bodyObject(call.request, {}, respond))
        return;
    reply(m_store.keys().setKeyStatus(call.params.at(0), status), m_storeThread.context(), respond,
          [this](const ApiKeyRecord& record) { return keyResponse(200, record); });
}

void AdminApi::activateKey(const ApiRouter::Call& call, HttpResponder respond)
{
    if (!bodyObject(call.request, {}, respond))
        return;
    reply(m_store.keys().activateKey(call.params.at(0)), m_storeThread.context(), respond,
          [this](const ApiKeyRecord& record) { return keyResponse(200, record); });
}

void AdminApi::rotateKey(const ApiRouter::Call& call, HttpResponder respond)
{
    const std::optional<QJsonObject> body = bodyObject(call.request, {u"pending"_s}, respond);
    if (!body)
        return;
    const std::optional<bool> pending = pendingFlag(*body, respond);
    if (!pending)
        return;
    LifecycleStore& lifecycle = m_store.lifecycle();
    const QString id = call.params.at(0);
    reply(*pending ? lifecycle.rotateKeyPending(id) : lifecycle.rotateKey(id),
          m_storeThread.context(), respond,
          [this](const CreatedKey& created) { return createdResponse(created); });
}

void AdminApi::keyEvents(const ApiRouter::Call& call, HttpResponder respond)
{
    QObject* context = m_storeThread.context();
    whenDone(m_store.keys().findKey(call.params.at(0)), context, respond,
             [this, context, respond](const ApiKeyRecord& record) {
                 reply(m_store.lifecycle().keyEvents(record.id), context, respond,
                       [](const QList<KeyEvent>& events) {
                           QJsonArray data;
                           for (const KeyEvent& event : events)
                               data.append(QJsonObject{{u"id"_s, event.id},
                                                       {u"key_id"_s, event.keyId},
                                                       {u"kind"_s, KeyEvent::kindName(event.kind)},
                                                       {u"at"_s, UtcTime::toRfc3339(event.atMs)},
                                                       {u"detail"_s, event.detail}});
                           return HttpResponse::json(
                               200, QJsonDocument(
                                        QJsonObject{{u"object"_s, u"list"_s}, {u"data"_s, data}}));
                       });
             });
}

void AdminApi::auditEntries(const ApiRouter::Call& call, HttpResponder respond)
{
    const QUrlQuery query(QString::fromUtf8(call.request.query));
    for (const auto& [name, ignored] : query.queryItems()) {
        if (name != u"limit"_s && name != u"cursor"_s) {
            respond(errorResponse(ApiError::Code::InvalidValue,
                                  u"%1: unknown query parameter"_s.arg(name), name));
            return;
        }
    }
    int limit = DefaultPageSize;
    if (query.hasQueryItem(u"limit"_s)) {
        bool ok = false;
        limit = query.queryItemValue(u"limit"_s).toInt(&ok);
        if (!ok)
            limit = 0;
    }
    reply(
        m_store.audit().auditEntries(query.queryItemValue(u"cursor"_s, QUrl::FullyDecoded), limit),
        m_storeThread.context(), respond, [](const AuditStore::Page& page) {
            QJsonArray data;
            for (const AuditEntry& entry : page.entries) {
                const QJsonValue actor = entry.actorKeyId.isEmpty()
                                             ? QJsonValue()
                                             : QJsonObject{{u"id"_s, entry.actorKeyId},
                                                           {u"label"_s, entry.actorLabel},
                                                           {u"hint"_s, entry.actorHint}};
                data.append(QJsonObject{{u"id"_s, entry.id},
                                        {u"time"_s, UtcTime::toRfc3339(entry.atMs)},
                                        {u"actor"_s, actor},
                                        {u"action"_s, entry.action},
                                        {u"target"_s, entry.target},
                                        {u"client"_s, entry.clientAddress},
                                        {u"outcome"_s, entry.outcome},
                                        {u"status"_s, entry.httpStatus}});
            }
            return HttpResponse::json(
                200,
                QJsonDocument(QJsonObject{{u"object"_s, u"list"_s},
                                          {u"data"_s, data},
                                          {u"has_more"_s, !page.nextCursor.isEmpty()},
                                          {u"next_cursor"_s, page.nextCursor.isEmpty()
                                                                 ? QJsonValue()
                                                                 : QJsonValue(page.nextCursor)}}));
        });
}

void AdminApi::events(const ApiRouter::Call&, HttpResponder respond)
{
    if (m_events.isFull()) {
        respond(errorResponse(ApiError::Code::TooManyStreams,
                              u"too many clients follow the events; try again later"_s));
        return;
    }
    HttpResponse response;
    response.contentType = "text/event-stream";
    // Called on the connection's thread once the headers are out; subscribing is store work.
    response.stream = [this](std::shared_ptr<StreamSink> sink) {
        m_storeThread.post([this, sink] {
            if (!m_events.subscribe(sink))
                sink->finish();
        });
    };
    respond(std::move(response));
}

void AdminApi::keyByDigest(const ApiRouter::Call& call, HttpResponder respond)
{
    // A digest, not a key: lower-case SHA-256 hex. Anything else names no key.
    const QString digest = call.params.at(0);
    static const QRegularExpression hex(u"^[0-9a-f]{64}$"_s);
    if (!hex.match(digest).hasMatch()) {
        respond(errorResponse(ApiError::Code::InvalidValue,
                              u"digest: must be the SHA-256 of a key in lower-case hex"_s,
                              u"digest"_s));
        return;
    }
    reply(m_store.keys().findKeyByDigest(digest.toLatin1()), m_storeThread.context(), respond,
          [this](const ApiKeyRecord& record) { return keyResponse(200, record); });
}

void AdminApi::workspace(const ApiRouter::Call&, HttpResponder respond)
{
    reply(m_store.keys().workspaceSettings(), m_storeThread.context(), respond,
          [](const WorkspaceSettings& settings) {
              return HttpResponse::json(200, QJsonDocument(WorkspaceJson::toJson(settings)));
          });
}

void AdminApi::updateWorkspace(const ApiRouter::Call& call, HttpResponder respond)
{
    const std::optional<QJsonObject> body =
        bodyObject(call.request, WorkspaceJson::toJson(WorkspaceSettings()).keys(), respond);
    if (!body)
        return;
    QObject* context = m_storeThread.context();
    const QJsonObject changes = *body;
    whenDone(
        m_store.keys().workspaceSettings(), context, respond,
        [this, context, changes, respond](const WorkspaceSettings& current) {
            FieldErrors errors;
            const WorkspaceSettings wanted = WorkspaceJson::fromJson(changes, current, &errors);
            if (!errors.isEmpty()) {
                respond(invalid(u"The workspace settings are not valid."_s, errors));
                return;
            }
            reply(m_store.keys().updateWorkspaceSettings(wanted), context, respond,
                  [](const WorkspaceSettings& saved) {
                      return HttpResponse::json(200, QJsonDocument(WorkspaceJson::toJson(saved)));
                  });
        });
}
