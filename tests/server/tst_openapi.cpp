// docs/openapi.json and keydeck-server agree both ways: every route served is described and
// every described route is served, and what a real server answers for each operation is a
// status the file documents for it. (tests/npm/validate-openapi.mjs checks the file itself.)
#include "AdminApis.h"
#include "ApiKeyFormat.h"
#include "ApiRouter.h"
#include "AuthThrottle.h"
#include "EventHub.h"
#include "OperationsApi.h"
#include "RequestLog.h"
#include "ServerMetrics.h"
#include "ServerProcess.h"
#include "SqliteStoreOpener.h"
#include "StoreConnection.h"
#include "SystemClock.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

using Operation = QPair<QByteArray, QString>;

QJsonObject loadOpenApi()
{
    QFile file(QStringLiteral(KEYDECK_OPENAPI_PATH));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", KEYDECK_OPENAPI_PATH);
    return QJsonDocument::fromJson(file.readAll()).object();
}

QList<Operation> documentedOperations(const QJsonObject& api)
{
    QList<Operation> operations;
    const QJsonObject paths = api.value(u"paths"_s).toObject();
    for (auto path = paths.begin(); path != paths.end(); ++path) {
        const QJsonObject item = path.value().toObject();
        for (auto method = item.begin(); method != item.end(); ++method)
            operations.append({method.key().toUpper().toLatin1(), path.key()});
    }
    return operations;
}

QStringList documentedStatuses(const QJsonObject& api, const Operation& operation)
{
    return api.value(u"paths"_s)
        .toObject()
        .value(operation.second)
        .toObject()
        .value(QString::fromLatin1(operation.first.toLower()))
        .toObject()
        .value(u"responses"_s)
        .toObject()
        .keys();
}

// One usage event of the key now, in the import format.
QJsonObject eventNow(const QString& keyId)
{
    return {{u"time"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
            {u"key"_s, keyId},
            {u"model"_s, u"gpt-4o"_s},
            {u"endpoint"_s, u"/v1/chat/completions"_s},
            {u"status"_s, 200},
            {u"prompt_tokens"_s, 10},
            {u"completion_tokens"_s, 10},
            {u"cost_usd"_s, u"0.01"_s},
            {u"request_id"_s, u"r-%1"_s.arg(QRandomGenerator::global()->generate())}};
}

// A request body each operation accepts.
QByteArray bodyFor(const Operation& operation, const QString& keyId)
{
    const QByteArray& method = operation.first;
    const QString& path = operation.second;
    if (method == "POST" && path == u"/v1/admin/keys"_s)
        return R"({"label":"documented","environment":"ops"})";
    if (method == "PATCH" && path == u"/v1/admin/workspace"_s)
        return R"({"expiry_warning_days":14})";
    if (method == "PATCH" && path.startsWith(u"/v1/admin/alert-rules/"_s))
        return R"({"enabled":false})";
    if (method == "PATCH")
        return R"({"rpm":5})";
    if (method == "POST" && path == u"/v1/admin/alert-rules"_s)
        return R"({"kind":"rotation_due","threshold":30})";
    if (method == "PUT" && path == u"/v1/admin/usage/prices"_s)
        return R"({"gpt-x":{"prompt_usd_per_million":"1.00","completion_usd_per_million":"2.00"}})";
    if (path == u"/v1/admin/usage/events"_s)
        return QJsonDocument(QJsonObject{{u"events"_s, QJsonArray{eventNow(keyId)}}}).toJson();
    if (path == u"/v1/admin/usage/import"_s)
        return QJsonDocument(eventNow(keyId)).toJson(QJsonDocument::Compact) + '\n';
    return {};
}

int makeRule(const ServerProcess& server, const QStringList& admin, const QJsonObject& rule)
{
    const QJsonObject body =
        rule.isEmpty() ? QJsonObject{{u"kind"_s, u"rotation_due"_s}, {u"threshold"_s, 60}} : rule;
    const CurlReply reply = curl("POST", server.baseUrl() + u"/v1/admin/alert-rules"_s, admin,
                                 QJsonDocument(body).toJson());
    return reply.json().value(u"id"_s).toInt();
}

// An open alert of the key: a rule it breaks at once, usage, and an evaluation.
int makeAlert(const ServerProcess& server, const QStringList& admin, const QString& keyId)
{
    makeRule(server, admin,
             {{u"kind"_s, u"spend_per_day_above"_s},
              {u"threshold"_s, u"0.000001"_s},
              {u"key_id"_s, keyId}});
    curl("POST", server.baseUrl() + u"/v1/admin/usage/events"_s, admin,
         QJsonDocument(QJsonObject{{u"events"_s, QJsonArray{eventNow(keyId)}}}).toJson());
    curl("POST", server.baseUrl() + u"/v1/admin/alerts/evaluate"_s, admin);
    const QJsonArray alerts =
        curl("GET", server.baseUrl() + u"/v1/admin/alerts"_s, admin).json()[u"data"_s].toArray();
    for (const QJsonValue& alert : alerts) {
        if (alert[u"key_id"_s].toString() == keyId)
            return alert[u"id"_s].toInt();
    }
    return 0;
}

QString describe(const QList<Operation>& operations)
{
    QStringList lines;
    for (const Operation& operation : operations)
        lines << QString::fromLatin1(operation.first) + u' ' + operation.second;
    return lines.join(u", "_s);
}

} // namespace

class TestOpenApi final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyServedRouteIsDescribedAndEveryDescribedRouteServed()
    {
        QTemporaryDir dir;
        SystemClock clock;
        SqliteStoreOpener stores(dir.filePath(u"s.sqlite"_s), clock, *QRandomGenerator::system());
        const std::unique_ptr<StoreConnection> store = stores.connect(dir.filePath(u"s.sqlite"_s));
        ServerMetrics metrics;
        RequestLog log(stderr, clock);
        AuthThrottle throttle([] { return qint64(0); });
        ApiRouter router(metrics, log);
        QObject context;
        OperationsApi(*store, StoreThread(context), metrics, log).addRoutes(router);
        EventHub events(*store, clock);
        AdminApis(*store, StoreThread(context), clock, throttle, log, events).addRoutes(router);

        const QList<Operation> served = router.routes();
        const QList<Operation> documented = documentedOperations(loadOpenApi());
        QList<Operation> undocumented;
        for (const Operation& operation : served) {
            if (!documented.contains(operation))
                undocumented << operation;
        }
        QList<Operation> unserved;
        for (const Operation& operation : documented) {
            if (!served.contains(operation))
                unserved << operation;
        }
        QVERIFY2(undocumented.isEmpty(),
                 qPrintable(u"served, not in openapi.json: "_s + describe(undocumented)));
        QVERIFY2(unserved.isEmpty(),
                 qPrintable(u"in openapi.json, not served: "_s + describe(unserved)));
    }

    void eachOperationAnswersWithADocumentedStatus()
    {
        QTemporaryDir dir;
        const QString storePath = dir.filePath(u"s.sqlite"_s);
        const ServerProcess::Run init =
            ServerProcess::run({u"init-admin"_s, u"--store"_s, storePath});
        QCOMPARE(init.exitCode, 0);
        const QStringList admin{u"Authorization: Bearer "_s +
                                QString::fromLatin1(init.out.trimmed())};
        ServerProcess server;
        QVERIFY2(server.start({u"--store"_s, storePath}), server.log().constData());

        const QJsonObject api = loadOpenApi();
        for (const Operation& operation : documentedOperations(api)) {
            const QStringList statuses = documentedStatuses(api, operation);
            const bool isAdmin = operation.second.startsWith(u"/v1/admin/"_s);
            // A fresh key per operation, so revoke or delete do not change what the next sees.
            const CurlReply key = curl(
                "POST", server.baseUrl() + u"/v1/admin/keys"_s, admin,
                QJsonDocument(
                    QJsonObject{{u"label"_s, u"k-%1"_s.arg(QRandomGenerator::global()->generate())},
                                {u"environment"_s, u"ops"_s},
                                {u"pending"_s, operation.second.endsWith(u"/activate"_s)}})
                    .toJson());
            QCOMPARE(key.status, 201);
            const QString keyId = key.json().value(u"id"_s).toString();
            const QByteArray body = bodyFor(operation, keyId);
            QString id = keyId;
            if (operation.second.startsWith(u"/v1/admin/alert-rules/"_s))
                id = QString::number(makeRule(server, admin, {}));
            if (operation.second.startsWith(u"/v1/admin/alerts/{id}"_s))
                id = QString::number(makeAlert(server, admin, keyId));
            const QString path =
                QString(operation.second)
                    .replace(u"{id}"_s, id)
                    .replace(u"{digest}"_s, QString::fromLatin1(ApiKeyFormat::digestHex(
                                                key.json().value(u"secret"_s).toString())));
            const QString where = QString::fromLatin1(operation.first) + u' ' + operation.second;

            // The event stream stays open: its headers are what there is to check.
            const QStringList extra = operation.second == u"/v1/admin/events"_s
                                          ? QStringList{u"--max-time"_s, u"1"_s}
                                          : QStringList();
            const CurlReply reply =
                curl(operation.first, server.baseUrl() + path, admin, body, extra);
            QVERIFY2(statuses.contains(QString::number(reply.status)),
                     qPrintable(u"%1 answered %2, documented: %3"_s.arg(where)
                                    .arg(reply.status)
                                    .arg(statuses.join(u','))));
            QVERIFY2(reply.status < 300,
                     qPrintable(where + u": "_s + QString::fromUtf8(reply.body)));
            if (!isAdmin)
                continue;
            const CurlReply anonymous = curl(operation.first, server.baseUrl() + path, {}, body);
            QCOMPARE(anonymous.status, 401);
            QVERIFY(statuses.contains(u"401"_s));
            if (operation.second.contains(u'{')) {
                const QString nowhere = QString(operation.second)
                                            .replace(u"{id}"_s, u"key_none"_s)
                                            .replace(u"{digest}"_s, QString(64, u'0'));
                const CurlReply missing =
                    curl(operation.first, server.baseUrl() + nowhere, admin, body);
                QCOMPARE(missing.status, 404);
                QVERIFY2(statuses.contains(u"404"_s), qPrintable(where));
            }
        }
        const int stopped = server.stop();
        QVERIFY2(stopped == 0, server.log().right(6000).constData());
    }
};

QTEST_GUILESS_MAIN(TestOpenApi)
#include "tst_openapi.moc"
