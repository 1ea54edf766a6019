#include "SqlAuditStore.h"

#include "ApiKeyFormat.h"
#include "Clock.h"
#include "SqlDatabase.h"
#include "SqlSession.h"
#include "StoreError.h"

#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace {

AuditEntry redacted(AuditEntry entry)
{
    for (QString* text : {&entry.actorKeyId, &entry.actorLabel, &entry.actorHint, &entry.action,
                          &entry.target, &entry.clientAddress, &entry.outcome})
        *text = ApiKeyFormat::redactSecrets(*text);
    return entry;
}

StoreError invalid(const QString& field, const QString& message)
{
    return StoreError(StoreError::Code::Invalid, u"The audit query is not valid."_s,
                      {FieldError{field, message}});
}

} // namespace

SqlAuditStore::SqlAuditStore(SqlDatabase& database, QObject* parent)
    : AuditStore(parent)
    , m_database(database)
{}

QFuture<AuditEntry> SqlAuditStore::recordAudit(const AuditEntry& given)
{
    return m_database.submit<AuditEntry>([this, given] {
        AuditEntry entry = redacted(given);
        entry.atMs = m_database.clock().nowUtcMs();
        const SqlSession session = m_database.session();
        session.write([&] {
            QSqlQuery insert = session.prepare(
                u"INSERT INTO audit_log (at_ms, actor_key_id, actor_label, actor_hint, action, "
                "target, client_address, outcome, http_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
            // A null QString binds as SQL NULL; an entry without an actor keeps empty text.
            const auto text = [](const QString& value) {
                return QVariant(value.isNull() ? u""_s : value);
            };
            for (const QVariant& value :
                 {QVariant(entry.atMs), text(entry.actorKeyId), text(entry.actorLabel),
                  text(entry.actorHint), text(entry.action), text(entry.target),
                  text(entry.clientAddress), text(entry.outcome), QVariant(entry.httpStatus)})
                insert.addBindValue(value);
            session.run(insert);
            entry.id = insert.lastInsertId().toLongLong();
        });
        return entry;
    });
}

QFuture<AuditStore::Page> SqlAuditStore::auditEntries(const QString& cursor, int limit)
{
    return m_database.submit<Page>([this, cursor, limit] {
        if (limit < 1 || limit > MaxPageSize)
            throw invalid(u"limit"_s, u"must be from 1 to %1"_s.arg(MaxPageSize));
        qint64 before = std::numeric_limits<qint64>::max();
        if (!cursor.isEmpty()) {
            bool ok = false;
            before = cursor.toLongLong(&ok);
            if (!ok || before <= 0 || QString::number(before) != cursor)
                throw invalid(u"cursor"_s, u"not a cursor this store gave out"_s);
        }
        const SqlSession session = m_database.session();
        QSqlQuery query = session.prepare(
            u"SELECT id, at_ms, actor_key_id, actor_label, actor_hint, action, target, "
            "client_address, outcome, http_status FROM audit_log WHERE id < ? ORDER BY id DESC "
            "LIMIT ?"_s);
        query.addBindValue(before);
        query.addBindValue(limit + 1);
        session.run(query);
        Page page;
        while (query.next()) {
            if (page.entries.size() == limit) {
                page.nextCursor = QString::number(page.entries.constLast().id);
                break;
            }
            AuditEntry entry;
            entry.id = query.value(0).toLongLong();
            entry.atMs = query.value(1).toLongLong();
            entry.actorKeyId = query.value(2).toString();
            entry.actorLabel = query.value(3).toString();
            entry.actorHint = query.value(4).toString();
            entry.action = query.value(5).toString();
            entry.target = query.value(6).toString();
            entry.clientAddress = query.value(7).toString();
            entry.outcome = query.value(8).toString();
            entry.httpStatus = query.value(9).toInt();
            page.entries.append(entry);
        }
        return page;
    });
}
