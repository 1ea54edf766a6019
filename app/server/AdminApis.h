#pragma once

#include "ApiRouter.h"
#include "StoreThread.h"

#include <memory>

class AdminApi;
class AdminGate;
class AlertsApi;
class AuthThrottle;
class Clock;
class EventHub;
class RequestLog;
class StoreConnection;
class UsageApi;

// Everything under /v1/admin/: keys, usage, alerts, audit and events, behind one AdminGate.
// The server and the test that holds docs/openapi.json to the routes build it the same way.
class AdminApis final
{
    Q_DISABLE_COPY_MOVE(AdminApis)

public:
    AdminApis(StoreConnection& store, StoreThread storeThread, const Clock& clock,
              AuthThrottle& throttle, RequestLog& log, EventHub& events,
              const QByteArray& masterDigest = {});
    ~AdminApis();

    void addRoutes(ApiRouter& router);

private:
    std::unique_ptr<AdminGate> m_gate;
    std::unique_ptr<AdminApi> m_keys;
    std::unique_ptr<UsageApi> m_usage;
    std::unique_ptr<AlertsApi> m_alerts;
};
