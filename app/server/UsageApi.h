#pragma once

#include "ApiRouter.h"
#include "StoreThread.h"
#include "UsageStore.h"

class AdminGate;
class Clock;
class StoreConnection;

// /v1/admin/usage/: summaries, series, logs, the per-key usage fields, models and prices, and
// usage arriving (recorded in a batch, or imported from a streamed upload), behind the
// AdminGate. The query string is UsageQueryParams'.
class UsageApi final
{
    Q_DISABLE_COPY_MOVE(UsageApi)

public:
    UsageApi(StoreConnection& store, StoreThread storeThread, const Clock& clock, AdminGate& gate);

    void addRoutes(ApiRouter& router);

    static constexpr int DefaultLogLimit = 100;
    static constexpr int MaxLogLimit = 10'000;
    static constexpr int MaxRecordedEvents = 10'000;

private:
    // The query resolved (keys named by label become ids); next runs on the store thread.
    void withQuery(const ApiRouter::Call& call, const QStringList& extraParams,
                   const HttpResponder& respond, std::function<void(UsageQuery)> next);

    void summary(const ApiRouter::Call& call, HttpResponder respond);
    void series(const ApiRouter::Call& call, HttpResponder respond);
    void logs(const ApiRouter::Call& call, HttpResponder respond);
    void logCount(const ApiRouter::Call& call, HttpResponder respond);
    void keyUsage(const ApiRouter::Call& call, HttpResponder respond);
    void models(const ApiRouter::Call& call, HttpResponder respond);
    void prices(const ApiRouter::Call& call, HttpResponder respond);
    void updatePrices(const ApiRouter::Call& call, HttpResponder respond);
    void recordEvents(const ApiRouter::Call& call, HttpResponder respond);
    void importUpload(const ApiRouter::Call& call, HttpResponder respond);

    StoreConnection& m_store;
    StoreThread m_storeThread;
    const Clock& m_clock;
    AdminGate& m_gate;
};
