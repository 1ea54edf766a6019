#include "AdminApis.h"

#include "AdminApi.h"
#include "AdminGate.h"
#include "AlertsApi.h"
#include "UsageApi.h"

AdminApis::AdminApis(StoreConnection& store, StoreThread storeThread, const Clock& clock,
                     AuthThrottle& throttle, RequestLog& log, EventHub& events,
                     const QByteArray& masterDigest)
    : m_gate(std::make_unique<AdminGate>(store, storeThread, clock, throttle, log, masterDigest))
    , m_keys(std::make_unique<AdminApi>(store, storeThread, clock, *m_gate, events))
    , m_usage(std::make_unique<UsageApi>(store, storeThread, clock, *m_gate))
    , m_alerts(std::make_unique<AlertsApi>(store, storeThread, *m_gate))
{}

AdminApis::~AdminApis() = default;

void AdminApis::addRoutes(ApiRouter& router)
{
    m_keys->addRoutes(router);
    m_usage->addRoutes(router);
    m_alerts->addRoutes(router);
}
