#pragma once

#include "Alert.h"
#include "AlertRule.h"
#include "ApiRouter.h"
#include "StoreThread.h"

class AdminGate;
class StoreConnection;

// /v1/admin/alerts and /v1/admin/alert-rules: raised alerts (acknowledge, evaluate now) and
// the rules that raise them, behind the AdminGate. The server also evaluates on its own
// (AlertSchedule), so a client only reads.
class AlertsApi final
{
    Q_DISABLE_COPY_MOVE(AlertsApi)

public:
    AlertsApi(StoreConnection& store, StoreThread storeThread, AdminGate& gate);

    void addRoutes(ApiRouter& router);

private:
    void listAlerts(const ApiRouter::Call& call, HttpResponder respond);
    void acknowledge(const ApiRouter::Call& call, HttpResponder respond);
    void evaluate(const ApiRouter::Call& call, HttpResponder respond);
    void listRules(const ApiRouter::Call& call, HttpResponder respond);
    void createRule(const ApiRouter::Call& call, HttpResponder respond);
    void showRule(const ApiRouter::Call& call, HttpResponder respond);
    void updateRule(const ApiRouter::Call& call, HttpResponder respond);
    void deleteRule(const ApiRouter::Call& call, HttpResponder respond);

    // Answers with the alerts and the labels of their keys.
    void answerAlerts(const QList<Alert>& alerts, const HttpResponder& respond);
    // Saves the rule, its key_id (an id or a label) resolved to the key's id.
    void saveRule(const AlertRule& rule, int status, const HttpResponder& respond);
    // The rule with the id in the path; a malformed or unknown id is answered with 404.
    void withRule(const ApiRouter::Call& call, const HttpResponder& respond,
                  std::function<void(AlertRule)> next);

    StoreConnection& m_store;
    StoreThread m_storeThread;
    AdminGate& m_gate;
};
