#include "OperationsApi.h"

#include "KeyStore.h"
#include "RequestLog.h"
#include "ServerMetrics.h"
#include "StoreConnection.h"
#include "StoreError.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

OperationsApi::OperationsApi(StoreConnection& store, StoreThread storeThread,
                             ServerMetrics& metrics, RequestLog& log)
    : m_store(store)
    , m_storeThread(storeThread)
    , m_metrics(metrics)
    , m_log(log)
{}

void OperationsApi::addRoutes(ApiRouter& router)
{
    router.add("GET", u"/healthz"_s, [this](ApiRouter::Call, HttpResponder respond) {
        m_storeThread.post([this, respond] {
            QObject* context = m_storeThread.context();
            const QString version = QCoreApplication::applicationVersion();
            m_store.keys()
                .workspaceSettings()
                .then(context,
                      [respond, version](const WorkspaceSettings&) {
                          respond(HttpResponse::json(
                              200, QJsonDocument(QJsonObject{{u"status"_s, u"ok"_s},
                                                             {u"version"_s, version}})));
                      })
                .onFailed(context, [this, respond, version](const std::exception& error) {
                    // Anyone may ask: why goes to the operator's log, not to the answer (it
                    // names hosts, users and files).
                    const auto* storeError = dynamic_cast<const StoreError*>(&error);
                    m_log.error(u"health check: the store does not answer"_s,
                                {{u"error"_s, storeError ? storeError->message()
                                                         : QString::fromUtf8(error.what())}});
                    respond(HttpResponse::json(
                        503, QJsonDocument(QJsonObject{
                                 {u"status"_s, u"unavailable"_s},
                                 {u"version"_s, version},
                                 {u"error"_s, u"the store does not answer; the server's log "
                                              "says why"_s}})));
                });
        });
    });
    router.add("GET", u"/metrics"_s, [this](ApiRouter::Call, HttpResponder respond) {
        HttpResponse response;
        response.contentType = "text/plain; version=0.0.4; charset=utf-8";
        response.body = m_metrics.exposition();
        respond(std::move(response));
    });
}
