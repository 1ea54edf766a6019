#include "RestAuditStore.h"

#include "AuditJson.h"
#include "RestClient.h"
#include "RestReply.h"

using namespace Qt::StringLiterals;

RestAuditStore::RestAuditStore(RestClient& client, QObject* parent)
    : AuditStore(parent)
    , m_client(client)
{}

QFuture<AuditEntry> RestAuditStore::recordAudit(const AuditEntry&)
{
    return QtFuture::makeExceptionalFuture<AuditEntry>(
        StoreError(StoreError::Code::Forbidden,
                   u"The server keeps its own audit log; a client cannot add to it."_s));
}

QFuture<AuditStore::Page> RestAuditStore::auditEntries(const QString& cursor, int limit)
{
    QUrlQuery params;
    params.addQueryItem(u"limit"_s, QString::number(limit));
    if (!cursor.isEmpty())
        params.addQueryItem(u"cursor"_s, QString::fromLatin1(QUrl::toPercentEncoding(cursor)));
    return m_client.send("GET", u"/v1/admin/audit"_s, params)
        .then(QtFuture::Launch::Async, [](const QByteArray& reply) {
            const RestReply::List list = RestReply::list(reply);
            Page page;
            page.nextCursor = list.nextCursor;
            for (const QJsonValue& entry : list.data) {
                QString error;
                page.entries << RestReply::must(AuditJson::fromJson(entry.toObject(), &error),
                                                error);
            }
            return page;
        });
}
