#pragma once

#include "ApiKeyRecord.h"
#include "ApiRouter.h"
#include "AuditEntry.h"
#include "StoreThread.h"

#include <memory>

class AuthThrottle;
class Clock;
class EventHub;
class RequestLog;
class StoreConnection;

// /v1/admin/: the keys of the store and the audit log of what admins did, for holders of a key with
// the admin permission. Requests arrive on I/O threads; everything that touches the store is posted
// to the store thread, and the answer goes back through the responder.
class AdminApi final
{
    Q_DISABLE_COPY_MOVE(AdminApi)

public:
    AdminApi(StoreConnection& store, StoreThread storeThread, const Clock& clock,
             AuthThrottle& throttle, RequestLog& log, EventHub& events);

    void addRoutes(ApiRouter& router);

    static constexpr int DefaultPageSize = 100;

private:
    // Runs on the store thread with the authenticated admin key.
    using Work = std::function<void(const ApiKeyRecord& actor, const ApiRouter::Call& call,
                                    HttpResponder respond)>;
    // action: what the audit log calls it ("key.revoke"). Every request that changes
    // something, and every refused one, is recorded before it is answered.
    ApiRouter::Handler authorized(const QString& action, Work work);
    void authenticate(const ApiRouter::Call& call, const QByteArray& digest, Work work,
                      const std::shared_ptr<AuditEntry>& entry, HttpResponder respond);
    void audited(const std::shared_ptr<AuditEntry>& entry, HttpResponse response,
                 const HttpResponder& respond);

    void listKeys(const ApiRouter::Call& call, HttpResponder respond);
    void createKey(const ApiRouter::Call& call, HttpResponder respond);
    void showKey(const ApiRouter::Call& call, HttpResponder respond);
    void updateKey(const ApiRouter::Call& call, HttpResponder respond);
    void deleteKey(const ApiRouter::Call& call, HttpResponder respond);
    void setStatus(const ApiRouter::Call& call, KeyStatus status, HttpResponder respond);
    void activateKey(const ApiRouter::Call& call, HttpResponder respond);
    void rotateKey(const ApiRouter::Call& call, HttpResponder respond);
    void keyEvents(const ApiRouter::Call& call, HttpResponder respond);
    void keyByDigest(const ApiRouter::Call& call, HttpResponder respond);
    void workspace(const ApiRouter::Call& call, HttpResponder respond);
    void updateWorkspace(const ApiRouter::Call& call, HttpResponder respond);
    void auditEntries(const ApiRouter::Call& call, HttpResponder respond);
    void events(const ApiRouter::Call& call, HttpResponder respond);

    HttpResponse keyResponse(int status, const ApiKeyRecord& record) const;
    HttpResponse createdResponse(const CreatedKey& created) const;

    StoreConnection& m_store;
    StoreThread m_storeThread;
    const Clock& m_clock;
    AuthThrottle& m_throttle;
    RequestLog& m_log;
    EventHub& m_events;
};
