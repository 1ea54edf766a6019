#pragma once

#include "ApiRouter.h"
#include "StoreThread.h"

class RequestLog;
class ServerMetrics;
class StoreConnection;

// What operators and their tools poll, without a key: GET /healthz (200 while the store
// answers, 503 otherwise) and GET /metrics (Prometheus text format).
class OperationsApi final
{
    Q_DISABLE_COPY_MOVE(OperationsApi)

public:
    OperationsApi(StoreConnection& store, StoreThread storeThread, ServerMetrics& metrics,
                  RequestLog& log);

    void addRoutes(ApiRouter& router);

private:
    StoreConnection& m_store;
    StoreThread m_storeThread;
    ServerMetrics& m_metrics;
    RequestLog& m_log;
};
