#include "AdminApi.h"

#include "AdminGate.h"
#include "AdminReply.h"
#include "AuditJson.h"
#include "AuditStore.h"
#include "Clock.h"
#include "EventHub.h"
#include "KeyEnums.h"
#include "KeyEventJson.h"
#include "KeyJson.h"
#include "KeyStore.h"
#include "LifecycleStore.h"
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
#include <memory>

using namespace Qt::StringLiterals;
using namespace AdminReply;

namespace {

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

} // namespace

AdminApi::AdminApi(StoreConnection& store, StoreThread storeThread, const Clock& clock,
                   AdminGate& gate, EventHub& events)
    : m_store(store)
    , m_storeThread(storeThread)
    , m_clock(clock)
    , m_gate(gate)
    , m_events(events)
{}

void AdminApi::addRoutes(ApiRouter& router)
{
    const auto bind = [this](const QString& action,
                             void (AdminApi::*method)(const ApiRouter::Call&, HttpResponder)) {
        return m_gate.authorized(action, this, method);
    };
    const auto status = [this](const QString& action, KeyStatus target) {
        return m_gate.authorized(
            action,
            [this, target](const ApiKeyRecord&, const ApiRouter::Call& call,
                           HttpResponder respond) { setStatus(call, target, std::move(respond)); });
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
    if (!knownQuery(query, {u"limit"_s, u"cursor"_s, u"environment"_s, u"status"_s, u"search"_s},
                    respond))
        return;
    KeyListQuery list;
    list.limit = pageLimit(query, DefaultPageSize);
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
              HttpResponse response = listResponse(data, page.nextCursor);
              if (page.total >= 0) {
                  QJsonObject body = QJsonDocument::fromJson(response.body).object();
                  body.insert(u"total"_s, page.total);
                  response.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
              }
              return response;
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
                           return listResponse(KeyEventJson::toJson(events));
                       });
             });
}

void AdminApi::auditEntries(const ApiRouter::Call& call, HttpResponder respond)
{
    const QUrlQuery query(QString::fromUtf8(call.request.query));
    if (!knownQuery(query, {u"limit"_s, u"cursor"_s}, respond))
        return;
    const int limit = pageLimit(query, DefaultPageSize);
    reply(
        m_store.audit().auditEntries(query.queryItemValue(u"cursor"_s, QUrl::FullyDecoded), limit),
        m_storeThread.context(), respond, [](const AuditStore::Page& page) {
            QJsonArray data;
            for (const AuditEntry& entry : page.entries)
                data.append(AuditJson::toJson(entry));
            return listResponse(data, page.nextCursor);
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
