#include "RestLifecycleStore.h"

#include "AlertJson.h"
#include "KeyEventJson.h"
#include "RestClient.h"
#include "RestKeyStore.h"
#include "RestReply.h"

using namespace Qt::StringLiterals;

namespace {

AlertRule ruleOf(const QJsonObject& object)
{
    FieldErrors errors;
    AlertRule rule = AlertJson::ruleFromJson(object, AlertRule(), &errors);
    if (!errors.isEmpty())
        RestReply::malformed(errors.first().toString());
    if (!object.value(u"id"_s).isDouble())
        RestReply::malformed(u"id: not a number"_s);
    rule.id = object.value(u"id"_s).toInteger();
    return rule;
}

Alert alertOf(const QJsonValue& value)
{
    QString error;
    return RestReply::must(AlertJson::alertFromJson(value.toObject(), &error), error);
}

QList<Alert> alertsOf(const QByteArray& reply)
{
    QList<Alert> alerts;
    for (const QJsonValue& alert : RestReply::list(reply).data)
        alerts << alertOf(alert);
    return alerts;
}

const QJsonDocument EmptyBody{QJsonObject()};

} // namespace

RestLifecycleStore::RestLifecycleStore(RestClient& client, RestKeyStore& keys, QObject* parent)
    : LifecycleStore(parent)
    , m_client(client)
    , m_keys(keys)
{}

QFuture<CreatedKey> RestLifecycleStore::rotate(const QString& id, bool pending)
{
    RestKeyStore* keys = &m_keys;
    return m_client
        .send("POST", u"/v1/admin/keys/%1/rotate"_s.arg(RestClient::segment(id)), {},
              QJsonDocument(QJsonObject{{u"pending"_s, pending}}))
        .then(QtFuture::Launch::Async,
              [keys](const QByteArray& reply) { return keys->createdOf(reply); });
}

QFuture<CreatedKey> RestLifecycleStore::rotateKey(const QString& id)
{
    return rotate(id, false);
}

QFuture<CreatedKey> RestLifecycleStore::rotateKeyPending(const QString& id)
{
    return rotate(id, true);
}

QFuture<QList<AlertRule>> RestLifecycleStore::alertRules()
{
    return m_client.send("GET", u"/v1/admin/alert-rules"_s)
        .then(QtFuture::Launch::Async, [](const QByteArray& reply) {
            QList<AlertRule> rules;
            for (const QJsonValue& rule : RestReply::list(reply).data)
                rules << ruleOf(rule.toObject());
            return rules;
        });
}

QFuture<AlertRule> RestLifecycleStore::saveAlertRule(const AlertRule& rule)
{
    QJsonObject body;
    const QJsonObject all = AlertJson::ruleToJson(rule);
    for (const QString& field : AlertJson::ruleFields())
        body.insert(field, all.value(field));
    const bool create = rule.id == 0;
    return m_client
        .send(create ? "POST" : "PATCH",
              create ? u"/v1/admin/alert-rules"_s : u"/v1/admin/alert-rules/%1"_s.arg(rule.id), {},
              QJsonDocument(body))
        .then(QtFuture::Launch::Async,
              [](const QByteArray& reply) { return ruleOf(RestReply::object(reply)); })
        .onFailed([](const StoreError& error) -> AlertRule {
            // The API names the JSON member (key_id) and answers 404 for a key the body names
            // that does not exist; to a store, that is the rule's "key" being invalid.
            FieldErrors fields = error.fieldErrors();
            for (FieldError& field : fields) {
                if (field.field == u"key_id"_s)
                    field.field = u"key"_s;
            }
            const bool missingKey = error.code() == StoreError::Code::NotFound && !fields.isEmpty();
            if (fields == error.fieldErrors() && !missingKey)
                throw error;
            throw StoreError(missingKey ? StoreError::Code::Invalid : error.code(),
                             missingKey ? u"The alert rule is not valid."_s : error.message(),
                             fields);
        });
}

QFuture<void> RestLifecycleStore::deleteAlertRule(qint64 ruleId)
{
    return m_client.send("DELETE", u"/v1/admin/alert-rules/%1"_s.arg(ruleId))
        .then([](const QByteArray&) {});
}

QFuture<QList<Alert>> RestLifecycleStore::alerts(bool includeCleared)
{
    QUrlQuery params;
    params.addQueryItem(u"all"_s, includeCleared ? u"true"_s : u"false"_s);
    return m_client.send("GET", u"/v1/admin/alerts"_s, params)
        .then(QtFuture::Launch::Async, alertsOf);
}

QFuture<Alert> RestLifecycleStore::acknowledgeAlert(qint64 alertId)
{
    return m_client.send("POST", u"/v1/admin/alerts/%1/acknowledge"_s.arg(alertId), {}, EmptyBody)
        .then(QtFuture::Launch::Async,
              [](const QByteArray& reply) { return alertOf(RestReply::object(reply)); });
}

QFuture<QList<Alert>> RestLifecycleStore::evaluateAlerts()
{
    return m_client.send("POST", u"/v1/admin/alerts/evaluate"_s, {}, EmptyBody)
        .then(QtFuture::Launch::Async, alertsOf);
}

QFuture<QList<KeyEvent>> RestLifecycleStore::keyEvents(const QString& keyId)
{
    return m_client.send("GET", u"/v1/admin/keys/%1/events"_s.arg(RestClient::segment(keyId)))
        .then(QtFuture::Launch::Async, [](const QByteArray& reply) {
            QList<KeyEvent> events;
            for (const QJsonValue& event : RestReply::list(reply).data) {
                QString error;
                events << RestReply::must(KeyEventJson::fromJson(event.toObject(), &error), error);
            }
            return events;
        });
}
