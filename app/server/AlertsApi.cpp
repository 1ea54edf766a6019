#include "AlertsApi.h"

#include "AdminGate.h"
#include "AdminReply.h"
#include "AlertJson.h"
#include "KeyStore.h"
#include "LifecycleStore.h"
#include "StoreConnection.h"

#include <QSet>

using namespace Qt::StringLiterals;
using namespace AdminReply;

namespace {

std::optional<qint64> idOf(const QString& text)
{
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    return ok && id > 0 ? std::optional<qint64>(id) : std::nullopt;
}

HttpResponse ruleResponse(int status, const AlertRule& rule)
{
    return HttpResponse::json(status, QJsonDocument(AlertJson::ruleToJson(rule)));
}

} // namespace

AlertsApi::AlertsApi(StoreConnection& store, StoreThread storeThread, AdminGate& gate)
    : m_store(store)
    , m_storeThread(storeThread)
    , m_gate(gate)
{}

void AlertsApi::addRoutes(ApiRouter& router)
{
    const auto bind = [this](const QString& action,
                             void (AlertsApi::*method)(const ApiRouter::Call&, HttpResponder)) {
        return m_gate.authorized(action, this, method);
    };
    router.add("GET", u"/v1/admin/alerts"_s, bind(u"alert.list"_s, &AlertsApi::listAlerts));
    router.add("POST", u"/v1/admin/alerts/{id}/acknowledge"_s,
               bind(u"alert.acknowledge"_s, &AlertsApi::acknowledge));
    router.add("POST", u"/v1/admin/alerts/evaluate"_s,
               bind(u"alert.evaluate"_s, &AlertsApi::evaluate));
    router.add("GET", u"/v1/admin/alert-rules"_s,
               bind(u"alert_rule.list"_s, &AlertsApi::listRules));
    router.add("POST", u"/v1/admin/alert-rules"_s,
               bind(u"alert_rule.create"_s, &AlertsApi::createRule));
    router.add("GET", u"/v1/admin/alert-rules/{id}"_s,
               bind(u"alert_rule.show"_s, &AlertsApi::showRule));
    router.add("PATCH", u"/v1/admin/alert-rules/{id}"_s,
               bind(u"alert_rule.update"_s, &AlertsApi::updateRule));
    router.add("DELETE", u"/v1/admin/alert-rules/{id}"_s,
               bind(u"alert_rule.delete"_s, &AlertsApi::deleteRule));
}

void AlertsApi::answerAlerts(const QList<Alert>& alerts, const HttpResponder& respond)
{
    QSet<QString> seen;
    QStringList ids;
    for (const Alert& alert : alerts) {
        if (!seen.contains(alert.keyId)) {
            seen.insert(alert.keyId);
            ids << alert.keyId;
        }
    }
    findKeys(m_store.keys(), ids, m_storeThread.context(), respond, u"key_id"_s, true,
             [alerts, respond](const QList<ApiKeyRecord>& keys) {
                 AlertJson::Labels labels;
                 for (const ApiKeyRecord& key : keys)
                     labels.insert(key.id, key.spec.label);
                 respond(listResponse(AlertJson::alertsToJson(alerts, labels)));
             });
}

void AlertsApi::listAlerts(const ApiRouter::Call& call, HttpResponder respond)
{
    const QUrlQuery url(QString::fromUtf8(call.request.query));
    if (!knownQuery(url, {u"all"_s}, respond))
        return;
    const QString all = url.queryItemValue(u"all"_s);
    if (url.hasQueryItem(u"all"_s) && all != u"true"_s && all != u"false"_s) {
        respond(
            errorResponse(ApiError::Code::InvalidValue, u"all: must be true or false"_s, u"all"_s));
        return;
    }
    whenDone(m_store.lifecycle().alerts(all == u"true"_s), m_storeThread.context(), respond,
             [this, respond](const QList<Alert>& alerts) { answerAlerts(alerts, respond); });
}

void AlertsApi::acknowledge(const ApiRouter::Call& call, HttpResponder respond)
{
    if (!bodyObject(call.request, {}, respond))
        return;
    const std::optional<qint64> id = idOf(call.params.at(0));
    if (!id) {
        respond(errorResponse(ApiError::Code::NotFound,
                              u"no alert has the id %1"_s.arg(call.params.at(0))));
        return;
    }
    whenDone(m_store.lifecycle().acknowledgeAlert(*id), m_storeThread.context(), respond,
             [this, respond](const Alert& alert) {
                 findKeys(m_store.keys(), {alert.keyId}, m_storeThread.context(), respond,
                          u"key_id"_s, true, [alert, respond](const QList<ApiKeyRecord>& keys) {
                              AlertJson::Labels labels;
                              for (const ApiKeyRecord& key : keys)
                                  labels.insert(key.id, key.spec.label);
                              respond(HttpResponse::json(
                                  200, QJsonDocument(AlertJson::alertToJson(alert, labels))));
                          });
             });
}

void AlertsApi::evaluate(const ApiRouter::Call& call, HttpResponder respond)
{
    if (!bodyObject(call.request, {}, respond))
        return;
    whenDone(m_store.lifecycle().evaluateAlerts(), m_storeThread.context(), respond,
             [this, respond](const QList<Alert>& raised) { answerAlerts(raised, respond); });
}

void AlertsApi::listRules(const ApiRouter::Call& call, HttpResponder respond)
{
    if (!knownQuery(QUrlQuery(QString::fromUtf8(call.request.query)), {}, respond))
        return;
    reply(
        m_store.lifecycle().alertRules(), m_storeThread.context(), respond,
        [](const QList<AlertRule>& rules) { return listResponse(AlertJson::rulesToJson(rules)); });
}

void AlertsApi::withRule(const ApiRouter::Call& call, const HttpResponder& respond,
                         std::function<void(AlertRule)> next)
{
    const QString text = call.params.at(0);
    const std::optional<qint64> id = idOf(text);
    const auto missing = [respond, text] {
        respond(
            errorResponse(ApiError::Code::NotFound, u"no alert rule has the id %1"_s.arg(text)));
    };
    if (!id)
        return missing();
    whenDone(m_store.lifecycle().alertRules(), m_storeThread.context(), respond,
             [id, missing, next = std::move(next)](const QList<AlertRule>& rules) {
                 for (const AlertRule& rule : rules) {
                     if (rule.id == *id)
                         return next(rule);
                 }
                 missing();
             });
}

void AlertsApi::createRule(const ApiRouter::Call& call, HttpResponder respond)
{
    const std::optional<QJsonObject> body =
        bodyObject(call.request, AlertJson::ruleFields(), respond);
    if (!body)
        return;
    if (!body->contains(u"kind"_s)) {
        respond(
            invalid(u"The alert rule is not valid."_s, {FieldError{u"kind"_s, u"is required"_s}}));
        return;
    }
    FieldErrors errors;
    AlertRule base;
    base.kind = AlertRule::kindFromName(body->value(u"kind"_s).toString())
                    .value_or(AlertRule::Kind::RotationDue);
    if (!body->contains(u"threshold"_s))
        errors.append({u"threshold"_s, u"is required"_s});
    AlertRule rule = AlertJson::ruleFromJson(*body, base, &errors);
    rule.id = 0;
    if (!errors.isEmpty()) {
        respond(invalid(u"The alert rule is not valid."_s, errors));
        return;
    }
    saveRule(rule, 201, respond);
}

void AlertsApi::saveRule(const AlertRule& rule, int status, const HttpResponder& respond)
{
    const auto save = [this, status, respond](const AlertRule& checked) {
        reply(m_store.lifecycle().saveAlertRule(checked), m_storeThread.context(), respond,
              [status](const AlertRule& saved) { return ruleResponse(status, saved); });
    };
    if (rule.keyId.isEmpty())
        return save(rule);
    // A rule for one key names a key that exists, by id or label; it keeps the id.
    findKeys(m_store.keys(), {rule.keyId}, m_storeThread.context(), respond, u"key_id"_s, false,
             [save, rule](const QList<ApiKeyRecord>& keys) {
                 AlertRule resolved = rule;
                 resolved.keyId = keys.first().id;
                 save(resolved);
             });
}

void AlertsApi::showRule(const ApiRouter::Call& call, HttpResponder respond)
{
    withRule(call, respond, [respond](const AlertRule& rule) { respond(ruleResponse(200, rule)); });
}

void AlertsApi::updateRule(const ApiRouter::Call& call, HttpResponder respond)
{
    const std::optional<QJsonObject> body =
        bodyObject(call.request, AlertJson::ruleFields(), respond);
    if (!body)
        return;
    withRule(call, respond, [this, changes = *body, respond](const AlertRule& current) {
        FieldErrors errors;
        const AlertRule rule = AlertJson::ruleFromJson(changes, current, &errors);
        if (!errors.isEmpty()) {
            respond(invalid(u"The alert rule is not valid."_s, errors));
            return;
        }
        saveRule(rule, 200, respond);
    });
}

void AlertsApi::deleteRule(const ApiRouter::Call& call, HttpResponder respond)
{
    withRule(call, respond, [this, respond](const AlertRule& rule) {
        reply(m_store.lifecycle().deleteAlertRule(rule.id), m_storeThread.context(), respond,
              [id = rule.id] {
                  return HttpResponse::json(
                      200,
                      QJsonDocument(QJsonObject{
                          {u"id"_s, id}, {u"object"_s, u"alert_rule"_s}, {u"deleted"_s, true}}));
              });
    });
}
