#pragma once

#include "ApiKeyRecord.h"
#include "ApiRouter.h"
#include "StoreThread.h"

#include <memory>

class AdminGate;
class Clock;
class EventHub;
class StoreConnection;

// /v1/admin/: the keys of the store, the workspace, the audit log of what admins did and the
// events stream, behind the AdminGate. Requests arrive on I/O threads; everything that touches
// the store is posted to the store thread, and the answer goes back through the responder.
class AdminApi final
{
    Q_DISABLE_COPY_MOVE(AdminApi)

public:
    AdminApi(StoreConnection& store, StoreThread storeThread, const Clock& clock, AdminGate& gate,
             EventHub& events);

    void addRoutes(ApiRouter& router);

    static constexpr int DefaultPageSize = 100;

private:
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
    AdminGate& m_gate;
    EventHub& m_events;
};
