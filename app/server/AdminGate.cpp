#include "AdminGate.h"

#include "AdminReply.h"
#include "ApiKeyFormat.h"
#include "AuditStore.h"
#include "AuthThrottle.h"
#include "Clock.h"
#include "IpAddress.h"
#include "KeyAccess.h"
#include "KeyStore.h"
#include "RequestCredential.h"
#include "RequestLog.h"
#include "StoreConnection.h"

using namespace Qt::StringLiterals;
using AdminReply::errorResponse;

namespace {

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

AdminGate::AdminGate(StoreConnection& store, StoreThread storeThread, const Clock& clock,
                     AuthThrottle& throttle, RequestLog& log, QByteArray masterDigest)
    : m_store(store)
    , m_storeThread(storeThread)
    , m_clock(clock)
    , m_throttle(throttle)
    , m_log(log)
    , m_masterDigest(std::move(masterDigest))
{}

ApiRouter::Handler AdminGate::authorized(const QString& action, Work work)
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
        const std::optional<QString> credential = RequestCredential::of(call.request);
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
        if (!m_masterDigest.isEmpty() && RequestCredential::sameDigest(digest, m_masterDigest)) {
            runAsMaster(call, *credential, work, entry, std::move(answer));
            return;
        }
        m_storeThread.post([this, call = std::move(call), digest, work, entry,
                            answer = std::move(answer)]() mutable {
            authenticate(call, digest, work, entry, std::move(answer));
        });
    };
}

void AdminGate::runAsMaster(const ApiRouter::Call& call, const QString& credential,
                            const Work& work, const std::shared_ptr<AuditEntry>& entry,
                            HttpResponder respond)
{
    ApiKeyRecord master;
    master.id = MasterKeyId;
    master.spec.label = u"master key"_s;
    master.spec.permissions = Permission::Admin;
    master.hint = ApiKeyFormat::displayHint(credential);
    entry->actorKeyId = master.id;
    entry->actorLabel = master.spec.label;
    entry->actorHint = master.hint;
    m_throttle.succeeded(call.request.clientAddress);
    m_storeThread.post([call, work, master, respond = std::move(respond)]() mutable {
        const QString who = actorOf(master);
        work(master, call, [respond, who](HttpResponse response) {
            response.actor = who;
            respond(std::move(response));
        });
    });
}

void AdminGate::audited(const std::shared_ptr<AuditEntry>& entry, HttpResponse response,
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

void AdminGate::authenticate(const ApiRouter::Call& call, const QByteArray& digest, Work work,
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
