#include "SqlKeyStore.h"

#include "Clock.h"
#include "SqlDatabase.h"
#include "SqlKeyRows.h"
#include "StoreError.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

SqlKeyStore::SqlKeyStore(SqlDatabase& database, QObject* parent)
    : KeyStore(parent)
    , m_database(database)
{
    connect(&m_database, &SqlDatabase::changed, this, [this](SqlChangeWatcher::Parts parts) {
        if (parts.testFlag(SqlChangeWatcher::Part::Keys))
            Q_EMIT keysChanged();
    });
}

QString SqlKeyStore::location() const
{
    return m_database.location();
}

QFuture<CreatedKey> SqlKeyStore::createKey(const KeySpec& spec)
{
    return create(spec, false);
}

QFuture<CreatedKey> SqlKeyStore::createPendingKey(const KeySpec& spec)
{
    return create(spec, true);
}

QFuture<CreatedKey> SqlKeyStore::create(const KeySpec& spec, bool pending)
{
    return m_database.submit<CreatedKey>([this, spec, pending] {
        const SqlSession session = m_database.session();
        const SqlKeyRows keys(session, m_database);
        keys.validate(spec);
        CreatedKey created = session.write([&] {
            keys.purgeAbandoned();
            keys.requireLabelFree(spec.label, QString());
            return keys.insert(spec, pending);
        });
        if (!pending)
            m_database.written(session);
        return created;
    });
}

QFuture<ApiKeyRecord> SqlKeyStore::activateKey(const QString& id)
{
    return m_database.submit<ApiKeyRecord>([this, id] {
        const SqlSession session = m_database.session();
        const SqlKeyRows keys(session, m_database);
        ApiKeyRecord activated = session.write([&] {
            keys.purgeAbandoned();
            QSqlQuery update = session.prepare(
                u"UPDATE keys SET pending_until = NULL WHERE id = ? AND pending_until IS NOT NULL"_s);
            update.addBindValue(id);
            session.run(update);
            if (update.numRowsAffected() == 0) {
                if (keys.select(u"id"_s, id))
                    return keys.require(id);
                throw StoreError(StoreError::Code::NotFound,
                                 u"The new key %1 was not activated in time and has been removed; "
                                 "create it again."_s.arg(id));
            }
            ApiKeyRecord record = keys.require(id);
            if (record.rotatedFromId.isEmpty()) {
                keys.addEvent(id, KeyEvent::Kind::Created);
                return record;
            }
            // A rotation: link the old key now, unless it changed while the new one waited.
            const ApiKeyRecord old = keys.require(record.rotatedFromId);
            if (old.status == KeyStatus::Revoked || !old.rotatedToId.isEmpty()) {
                throw StoreError(StoreError::Code::Conflict,
                                 u"Key \"%1\" was revoked or rotated meanwhile; the new key was "
                                 "not activated."_s.arg(old.spec.label));
            }
            QSqlQuery link = session.prepare(u"UPDATE keys SET rotated_to_id = ? WHERE id = ?"_s);
            link.addBindValue(id);
            link.addBindValue(old.id);
            session.run(link);
            keys.addEvent(old.id, KeyEvent::Kind::Rotated,
                          u"rotated to %1"_s.arg(record.spec.label));
            keys.addEvent(id, KeyEvent::Kind::Rotated, u"rotated from %1"_s.arg(old.spec.label));
            return keys.require(id);
        });
        m_database.written(session);
        return activated;
    });
}

QFuture<QList<ApiKeyRecord>> SqlKeyStore::listKeys()
{
    return m_database.submit<QList<ApiKeyRecord>>([this] {
        const SqlSession session = m_database.session();
        const SqlKeyRows keys(session, m_database);
        // One read transaction: the count and the rows see the same snapshot.
        return session.read([&] { return keys.all(); });
    });
}

QFuture<KeyStore::Page> SqlKeyStore::listKeysPage(const KeyListQuery& query)
{
    return m_database.submit<Page>([this, query] {
        const SqlSession session = m_database.session();
        const SqlKeyRows keys(session, m_database);
        return session.read([&] { return keys.page(query); });
    });
}

QFuture<ApiKeyRecord> SqlKeyStore::findKey(const QString& idOrLabel)
{
    return m_database.submit<ApiKeyRecord>([this, idOrLabel] {
        const SqlSession session = m_database.session();
        const SqlKeyRows keys(session, m_database);
        std::optional<ApiKeyRecord> record = keys.select(u"id"_s, idOrLabel);
        if (!record)
            record = keys.select(u"label"_s, idOrLabel);
        if (!record)
            throw SqlKeyRows::notFound(idOrLabel);
        return *record;
    });
}

QFuture<ApiKeyRecord> SqlKeyStore::findKeyByDigest(const QByteArray& digestHex)
{
    return m_database.submit<ApiKeyRecord>([this, digestHex] {
        const SqlSession session = m_database.session();
        const SqlKeyRows keys(session, m_database);
        std::optional<ApiKeyRecord> record =
            keys.select(u"digest"_s, QString::fromLatin1(digestHex));
        if (!record)
            throw StoreError(StoreError::Code::NotFound, u"No key has this secret."_s);
        return *record;
    });
}

QFuture<ApiKeyRecord> SqlKeyStore::updateKey(const QString& id, const KeySpec& spec)
{
    return m_database.submit<ApiKeyRecord>([this, id, spec] {
        const SqlSession session = m_database.session();
        const SqlKeyRows keys(session, m_database);
        ApiKeyRecord updated = session.write([&] {
            ApiKeyRecord record = keys.require(id);
            if (record.status == KeyStatus::Revoked) {
                throw StoreError(
                    StoreError::Code::Final,
                    u"Key \"%1\" is revoked; a revoked key cannot be changed, only deleted."_s.arg(
                        record.spec.label));
            }
            // An expired key stays editable: its unchanged expiry is not judged again.
            keys.validate(spec, &record.spec);
            keys.requireLabelFree(spec.label, id);
            // A new billing day or type starts a new cycle, which is not a renewal to record.
            const bool cycleMoved = spec.type != record.spec.type ||
                                    spec.billingCycleDay != record.spec.billingCycleDay;
            record.spec = spec;
            record.updatedAtMs = m_database.clock().nowUtcMs();

            QStringList assignments;
            for (const QString& column : SqlKeyRows::specColumns())
                assignments << column + u" = :"_s + column;
            if (cycleMoved)
                assignments << u"cycle_start_ms = :cycle_start_ms"_s;
            QSqlQuery update = session.prepare(
                u"UPDATE keys SET %1, updated_at = :updated_at WHERE id = :id"_s.arg(
                    assignments.join(u", ")));
            SqlKeyRows::bindSpec(update, spec);
            if (cycleMoved) {
                update.bindValue(
                    u":cycle_start_ms"_s,
                    SqlSession::optionalValue(SqlKeyRows::cycleStart(spec, record.updatedAtMs)));
            }
            update.bindValue(u":updated_at"_s, record.updatedAtMs);
            update.bindValue(u":id"_s, id);
            session.run(update);
            keys.addEvent(id, KeyEvent::Kind::Updated);
            return keys.select(u"id"_s, id).value_or(record);
        });
        m_database.written(session);
        return updated;
    });
}

QFuture<ApiKeyRecord> SqlKeyStore::setKeyStatus(const QString& id, KeyStatus status)
{
    return m_database.submit<ApiKeyRecord>([this, id, status] {
        const SqlSession session = m_database.session();
        const SqlKeyRows keys(session, m_database);
        if (status == KeyStatus::Expired) {
            throw StoreError(
                StoreError::Code::Invalid, u"A key's status cannot be set to expired."_s,
                {FieldError{u"status"_s, u"expired follows from the expiry date; set \"expires\" "
                                         "instead"_s}});
        }
        ApiKeyRecord updated = session.write([&] {
            ApiKeyRecord record = keys.require(id);
            if (record.status == KeyStatus::Revoked) {
                throw StoreError(StoreError::Code::Final,
                                 u"Key \"%1\" is already revoked; revocation is final."_s.arg(
                                     record.spec.label));
            }
            const bool statusChanged = record.status != status;
            record.status = status;
            record.updatedAtMs = m_database.clock().nowUtcMs();
            if (status == KeyStatus::Revoked)
                record.revokedAtMs = record.updatedAtMs;
            QSqlQuery update = session.prepare(
                u"UPDATE keys SET status = ?, updated_at = ?, revoked_at = ? WHERE id = ?"_s);
            update.addBindValue(KeyEnums::statusName(status));
            update.addBindValue(record.updatedAtMs);
            update.addBindValue(SqlSession::optionalValue(record.revokedAtMs));
            update.addBindValue(id);
            session.run(update);
            if (statusChanged) {
                keys.addEvent(id, status == KeyStatus::Revoked    ? KeyEvent::Kind::Revoked
                                  : status == KeyStatus::Disabled ? KeyEvent::Kind::Disabled
                                                                  : KeyEvent::Kind::Enabled);
            }
            return record;
        });
        m_database.written(session);
        return updated;
    });
}

QFuture<void> SqlKeyStore::deleteKey(const QString& id)
{
    return m_database.submit<void>([this, id] {
        const SqlSession session = m_database.session();
        const SqlKeyRows keys(session, m_database);
        session.write([&] {
            QSqlQuery remove = session.prepare(u"DELETE FROM keys WHERE id = ?"_s);
            remove.addBindValue(id);
            session.run(remove);
            if (remove.numRowsAffected() == 0)
                throw SqlKeyRows::notFound(id);
            const auto run = [&](const QString& sql, const QVariantList& values) {
                QSqlQuery query = session.prepare(sql);
                for (const QVariant& value : values)
                    query.addBindValue(value);
                session.run(query);
            };
            run(u"DELETE FROM key_events WHERE key_id = ?"_s, {id});
            run(u"UPDATE keys SET rotated_from_id = NULL WHERE rotated_from_id = ?"_s, {id});
            run(u"UPDATE keys SET rotated_to_id = NULL WHERE rotated_to_id = ?"_s, {id});
            run(u"UPDATE alerts SET cleared_at = ? WHERE cleared_at IS NULL AND (key_id = ? OR "
                "rule_id IN (SELECT id FROM alert_rules WHERE key_id = ?))"_s,
                {m_database.clock().nowUtcMs(), id, id});
            run(u"DELETE FROM alert_rules WHERE key_id = ?"_s, {id});
        });
        m_database.written(session);
    });
}

QFuture<WorkspaceSettings> SqlKeyStore::workspaceSettings()
{
    return m_database.submit<WorkspaceSettings>([this] {
        const SqlSession session = m_database.session();
        return SqlKeyRows(session, m_database).settings();
    });
}

QFuture<WorkspaceSettings> SqlKeyStore::updateWorkspaceSettings(const WorkspaceSettings& settings)
{
    return m_database.submit<WorkspaceSettings>([this, settings] {
        const SqlSession session = m_database.session();
        session.write([&] { SqlKeyRows(session, m_database).writeSettings(settings); });
        m_database.written(session);
        return settings;
    });
}
