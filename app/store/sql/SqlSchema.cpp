#include "SqlSchema.h"

#include "SqlSession.h"
#include "StoreError.h"

#include <QDir>
#include <QList>
#include <QSqlQuery>
#include <QStringList>

using namespace Qt::StringLiterals;

const QString SqlSchema::KeysRevisionKey = u"keys_revision"_s;
const QString SqlSchema::AlertsRevisionKey = u"alerts_revision"_s;
const QString SqlSchema::ChangesChannel = u"keydeck_changes"_s;

namespace {

// Every roll-up table carries the same sums after its key columns.
QString rollupTable(const QString& name, const QString& keyColumns, const QString& primaryKey)
{
    return u"CREATE TABLE %1 (%2, requests INTEGER NOT NULL, errors INTEGER NOT NULL, "
           "prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, "
           "cost_micros INTEGER NOT NULL, latency_ms_sum INTEGER NOT NULL, "
           "PRIMARY KEY (%3)) WITHOUT ROWID"_s.arg(name, keyColumns, primaryKey);
}

// Bumps a revision counter: the statement body of a change trigger.
QString bump(const QString& key)
{
    return u"UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = '%1'"_s.arg(key);
}

// AFTER INSERT, UPDATE and DELETE triggers on table that bump key's counter; updateOf: the
// columns whose update counts (all when empty).
QStringList changeTriggers(const QString& table, const QString& key,
                           const QStringList& updateOf = {})
{
    QStringList statements;
    for (const QString& op : {u"INSERT"_s, u"UPDATE"_s, u"DELETE"_s}) {
        const QString event =
            op == u"UPDATE" && !updateOf.isEmpty() ? op + u" OF "_s + updateOf.join(u", ") : op;
        statements << u"CREATE TRIGGER %1_%2_counts AFTER %3 ON %1 BEGIN %4; END"_s.arg(
            table, op.toLower(), event, bump(key));
    }
    return statements;
}

// The key columns whose update is a change of the key as of step 6 (the change counters).
// Recording usage updates a key's last use and quota used: that is a usage change, announced as
// one, not a change of the key.
QStringList keyChangeColumns()
{
    return {u"label"_s,
            u"environment"_s,
            u"type"_s,
            u"billing_cycle_day"_s,
            u"permissions"_s,
            u"status"_s,
            u"updated_at"_s,
            u"revoked_at"_s,
            u"expires_at"_s,
            u"quota_limit_micros"_s,
            u"spend_cap_day_micros"_s,
            u"spend_cap_week_micros"_s,
            u"spend_cap_month_micros"_s,
            u"tier"_s,
            u"rpm_override"_s,
            u"tpm_override"_s,
            u"models"_s,
            u"ip_allowlist"_s,
            u"rotated_from_id"_s,
            u"rotated_to_id"_s,
            u"cycle_start_ms"_s,
            u"vault_entry"_s,
            u"vault_owner"_s,
            u"pending_until"_s};
}

// A rotated key's clients get a week to move before its alert turns from a notice to a warning.
const QString RotationPendingRule = u"INSERT INTO alert_rules (kind, threshold, key_id, enabled) "
                                    "VALUES ('rotation_pending', 7, NULL, 1)"_s;

// Added by step 10 (SQLite) and 4 (PostgreSQL): who answers for a key and a note about it.
const QStringList NoteColumns = {u"owner"_s, u"note"_s};

// Step i moves the schema from version i to i + 1. Append new steps; never edit a shipped one.
const QList<QStringList>& migrations()
{
    static const QList<QStringList> steps = {
        {
            u"CREATE TABLE keys ("
            "id TEXT PRIMARY KEY NOT NULL,"
            "label TEXT NOT NULL UNIQUE,"
            "environment TEXT NOT NULL,"
            "type TEXT NOT NULL,"
            "billing_cycle_day INTEGER NOT NULL,"
            "permissions INTEGER NOT NULL,"
            "status TEXT NOT NULL CHECK (status IN ('active', 'disabled', 'revoked')),"
            "prefix TEXT NOT NULL,"
            "hint TEXT NOT NULL,"
            "digest TEXT NOT NULL UNIQUE,"
            "created_at INTEGER NOT NULL,"
            "updated_at INTEGER NOT NULL,"
            "last_used_at INTEGER,"
            "revoked_at INTEGER,"
            "expires_at INTEGER,"
            "quota_limit_micros INTEGER,"
            "quota_used_micros INTEGER NOT NULL DEFAULT 0,"
            "spend_cap_day_micros INTEGER,"
            "spend_cap_week_micros INTEGER,"
            "spend_cap_month_micros INTEGER,"
            "tier TEXT NOT NULL,"
            "rpm_override INTEGER,"
            "tpm_override INTEGER,"
            "models TEXT NOT NULL DEFAULT '[]',"
            "ip_allowlist TEXT NOT NULL DEFAULT '[]')"_s,
            u"CREATE INDEX keys_by_created_at ON keys (created_at)"_s,
            u"CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)"_s,
        },
        {
            // key_id has no foreign key: a deleted key's usage stays as history.
            u"CREATE TABLE usage_events ("
            "id INTEGER PRIMARY KEY,"
            "time_ms INTEGER NOT NULL,"
            "key_id TEXT NOT NULL,"
            "model TEXT NOT NULL,"
            "endpoint TEXT NOT NULL,"
            "status INTEGER NOT NULL,"
            "prompt_tokens INTEGER NOT NULL,"
            "completion_tokens INTEGER NOT NULL,"
            "cost_micros INTEGER NOT NULL,"
            "latency_ms INTEGER NOT NULL,"
            "client_ip TEXT NOT NULL,"
            "request_id TEXT)"_s,
            u"CREATE UNIQUE INDEX usage_events_by_request_id ON usage_events (request_id) "
            "WHERE request_id IS NOT NULL"_s,
            u"CREATE INDEX usage_events_by_time ON usage_events (time_ms)"_s,
            u"CREATE INDEX usage_events_by_key_time ON usage_events (key_id, time_ms)"_s,
            // Filtered charts and groups; by key through the second index.
            rollupTable(u"usage_slots"_s,
                        u"slot_ms INTEGER NOT NULL, key_id TEXT NOT NULL, model TEXT NOT NULL, "
                        "status_class INTEGER NOT NULL"_s,
                        u"slot_ms, key_id, model, status_class"_s),
            u"CREATE INDEX usage_slots_by_key ON usage_slots (key_id, slot_ms)"_s,
            // Model filters and groups without a key filter; also the list of models.
            rollupTable(u"usage_model_slots"_s,
                        u"model TEXT NOT NULL, slot_ms INTEGER NOT NULL, "
                        "status_class INTEGER NOT NULL"_s,
                        u"model, slot_ms, status_class"_s),
            // Unfiltered charts: a few rows per slot, whatever the number of events.
            rollupTable(u"usage_slot_totals"_s,
                        u"slot_ms INTEGER NOT NULL, status_class INTEGER NOT NULL"_s,
                        u"slot_ms, status_class"_s),
            // Spend windows (UTC day, week, month) and the whole days of by-key groups.
            rollupTable(u"usage_key_day"_s,
                        u"key_id TEXT NOT NULL, day_ms INTEGER NOT NULL, "
                        "status_class INTEGER NOT NULL"_s,
                        u"key_id, day_ms, status_class"_s),
        },
        {
            u"ALTER TABLE keys ADD COLUMN rotated_from_id TEXT"_s,
            u"ALTER TABLE keys ADD COLUMN rotated_to_id TEXT"_s,
            // Subscription keys: the cycle start whose quota reset was last recorded (NULL until
            // the first evaluation, which records no reset for a cycle it never saw begin).
            u"ALTER TABLE keys ADD COLUMN cycle_start_ms INTEGER"_s,
            u"CREATE TABLE alert_rules ("
            "id INTEGER PRIMARY KEY,"
            "kind TEXT NOT NULL,"
            "threshold INTEGER NOT NULL,"
            "key_id TEXT,"
            "enabled INTEGER NOT NULL)"_s,
            u"INSERT INTO alert_rules (kind, threshold, key_id, enabled) VALUES "
            "('rotation_due', 90, NULL, 1), ('expiring_within_days', 14, NULL, 1)"_s,
            u"CREATE TABLE alerts ("
            "id INTEGER PRIMARY KEY,"
            "rule_id INTEGER NOT NULL,"
            "key_id TEXT NOT NULL,"
            "message TEXT NOT NULL,"
            "raised_at INTEGER NOT NULL,"
            "acknowledged_at INTEGER,"
            "cleared_at INTEGER)"_s,
            u"CREATE INDEX alerts_by_rule ON alerts (rule_id, cleared_at)"_s,
            u"CREATE TABLE key_events ("
            "id INTEGER PRIMARY KEY,"
            "key_id TEXT NOT NULL,"
            "kind TEXT NOT NULL,"
            "at_ms INTEGER NOT NULL,"
            "detail TEXT NOT NULL)"_s,
            u"CREATE INDEX key_events_by_key ON key_events (key_id, id)"_s,
        },
        {
            // The keychain entry of a key's secret, and the store identity allowed to remove it:
            // a copy of this file gets an identity of its own and so never removes the
            // original's secrets. Keys from before this step keep entries named by id alone;
            // establishIdentity() gives them an owner.
            u"ALTER TABLE keys ADD COLUMN vault_entry TEXT NOT NULL DEFAULT ''"_s,
            u"ALTER TABLE keys ADD COLUMN vault_owner TEXT NOT NULL DEFAULT ''"_s,
            u"UPDATE keys SET vault_entry = id"_s,
            // A key created in two steps (createPendingKey) is hidden and unusable until it is
            // activated; NULL for every usable key.
            u"ALTER TABLE keys ADD COLUMN pending_until INTEGER"_s,
        },
        {
            // An import stores its events in short transactions so that other writers go on
            // meanwhile; they are hidden while their import_id names a running import, which
            // publishing deletes. An import whose heartbeat stopped (its process died) is removed
            // with its events on open, and so is one whose process is gone from this computer.
            u"ALTER TABLE usage_events ADD COLUMN import_id INTEGER"_s,
            // AUTOINCREMENT: an id is never given again, or a new import would hide (and, failing,
            // delete) the events of a published one.
            u"CREATE TABLE usage_imports (id INTEGER PRIMARY KEY AUTOINCREMENT, heartbeat_at "
            "INTEGER NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL)"_s,
        },
        // Other processes learn which parts changed (keys, alerts) from counters that every
        // writer's transaction bumps; usage has its own mark (UsageReader::ChangeMark).
        [] {
            QStringList step{
                u"INSERT OR IGNORE INTO meta (key, value) VALUES ('keys_revision', '0'), "
                "('alerts_revision', '0')"_s,
            };
            const QString keys = SqlSchema::KeysRevisionKey;
            const QString alerts = SqlSchema::AlertsRevisionKey;
            const QStringList keyColumns = keyChangeColumns();
            step << changeTriggers(u"keys"_s, keys, keyColumns)
                 << changeTriggers(u"key_events"_s, keys)
                 << changeTriggers(u"alert_rules"_s, alerts) << changeTriggers(u"alerts"_s, alerts);
            // The workspace settings are read with the keys (prefixes, periods).
            for (const QString& op : {u"INSERT"_s, u"UPDATE"_s}) {
                step << u"CREATE TRIGGER meta_%1_counts AFTER %2 ON meta WHEN NEW.key IN "
                        "('standard_prefix', 'subscription_prefix', 'expiry_warning_days', "
                        "'rotation_period_days') BEGIN %3; END"_s.arg(op.toLower(), op, bump(keys));
            }
            return step;
        }(),
        // 6 -> 7: the audit log of admin actions (keydeck-server). No foreign key to keys: a
        // deleted key's actions stay. AUTOINCREMENT: an id is never given out twice.
        {
            u"CREATE TABLE audit_log ("
            "id INTEGER PRIMARY KEY AUTOINCREMENT,"
            "at_ms INTEGER NOT NULL,"
            "actor_key_id TEXT NOT NULL,"
            "actor_label TEXT NOT NULL,"
            "actor_hint TEXT NOT NULL,"
            "action TEXT NOT NULL,"
            "target TEXT NOT NULL,"
            "client_address TEXT NOT NULL,"
            "outcome TEXT NOT NULL,"
            "http_status INTEGER NOT NULL)"_s,
        },
        // 7 -> 8: the gateway's spend reservations (SpendStore). Not a change of the keys: no
        // counter is bumped, a reservation changes no view.
        {
            u"CREATE TABLE spend_reservations ("
            "id TEXT PRIMARY KEY NOT NULL,"
            "key_id TEXT NOT NULL,"
            "holder TEXT NOT NULL,"
            "amount_micros INTEGER NOT NULL,"
            "created_at INTEGER NOT NULL,"
            "lease_until INTEGER NOT NULL)"_s,
            u"CREATE INDEX spend_reservations_by_key ON spend_reservations (key_id, lease_until)"_s,
            u"CREATE INDEX spend_reservations_by_holder ON spend_reservations (holder)"_s,
        },
        // 8 -> 9: a store warns when a key's quota is used up or a spend cap is reached, which
        // refuses its requests while its status still says active.
        {
            u"INSERT INTO alert_rules (kind, threshold, key_id, enabled) VALUES "
            "('limit_used_percent', 100, NULL, 1)"_s,
        },
        // 9 -> 10: a key's owner and note; editing them is a change of the key.
        [] {
            QStringList step;
            for (const QString& column : NoteColumns)
                step << u"ALTER TABLE keys ADD COLUMN %1 TEXT NOT NULL DEFAULT ''"_s.arg(column);
            step << u"DROP TRIGGER keys_update_counts"_s
                 << changeTriggers(u"keys"_s, SqlSchema::KeysRevisionKey,
                                   keyChangeColumns() + NoteColumns)
                        .filter(u"keys_update_counts"_s);
            return step;
        }(),
        // 10 -> 11: how serious an alert is, and a warning for a rotated key left active. The
        // alerts raised before are warnings until the next evaluation says what they are.
        {
            u"ALTER TABLE alerts ADD COLUMN severity TEXT NOT NULL DEFAULT 'warning'"_s,
            RotationPendingRule,
        },
    };
    return steps;
}

// A PostgreSQL store has its own steps, counted in meta's schema_version: step 1 is everything
// the SQLite steps had built by version 7, with the types PostgreSQL wants (BIGINT for every
// integer, identities for ids) and the change counters bumped by statement triggers.
const QList<QStringList>& postgresMigrations()
{
    static const QList<QStringList> steps = {
        [] {
            QStringList step{
                u"CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY NOT NULL, "
                "value TEXT NOT NULL)"_s,
                // seq orders keys created in the same millisecond, as SQLite's rowid does.
                u"CREATE TABLE keys ("
                "seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,"
                "id TEXT PRIMARY KEY NOT NULL,"
                "label TEXT NOT NULL UNIQUE,"
                "environment TEXT NOT NULL,"
                "type TEXT NOT NULL,"
                "billing_cycle_day BIGINT NOT NULL,"
                "permissions BIGINT NOT NULL,"
                "status TEXT NOT NULL CHECK (status IN ('active', 'disabled', 'revoked')),"
                "prefix TEXT NOT NULL,"
                "hint TEXT NOT NULL,"
                "digest TEXT NOT NULL UNIQUE,"
                "created_at BIGINT NOT NULL,"
                "updated_at BIGINT NOT NULL,"
                "last_used_at BIGINT,"
                "revoked_at BIGINT,"
                "expires_at BIGINT,"
                "quota_limit_micros BIGINT,"
                "quota_used_micros BIGINT NOT NULL DEFAULT 0,"
                "spend_cap_day_micros BIGINT,"
                "spend_cap_week_micros BIGINT,"
                "spend_cap_month_micros BIGINT,"
                "tier TEXT NOT NULL,"
                "rpm_override BIGINT,"
                "tpm_override BIGINT,"
                "models TEXT NOT NULL DEFAULT '[]',"
                "ip_allowlist TEXT NOT NULL DEFAULT '[]',"
                "rotated_from_id TEXT,"
                "rotated_to_id TEXT,"
                "cycle_start_ms BIGINT,"
                "vault_entry TEXT NOT NULL DEFAULT '',"
                "vault_owner TEXT NOT NULL DEFAULT '',"
                "pending_until BIGINT)"_s,
                u"CREATE INDEX keys_by_created_at ON keys (created_at, seq)"_s,
                u"CREATE TABLE usage_events ("
                "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                "time_ms BIGINT NOT NULL,"
                "key_id TEXT NOT NULL,"
                "model TEXT NOT NULL,"
                "endpoint TEXT NOT NULL,"
                "status BIGINT NOT NULL,"
                "prompt_tokens BIGINT NOT NULL,"
                "completion_tokens BIGINT NOT NULL,"
                "cost_micros BIGINT NOT NULL,"
                "latency_ms BIGINT NOT NULL,"
                "client_ip TEXT NOT NULL,"
                "request_id TEXT,"
                "import_id BIGINT)"_s,
                u"CREATE UNIQUE INDEX usage_events_by_request_id ON usage_events (request_id) "
                "WHERE request_id IS NOT NULL"_s,
                u"CREATE INDEX usage_events_by_time ON usage_events (time_ms)"_s,
                u"CREATE INDEX usage_events_by_key_time ON usage_events (key_id, time_ms)"_s,
                u"CREATE INDEX usage_events_by_import ON usage_events (import_id) "
                "WHERE import_id IS NOT NULL"_s,
                u"CREATE TABLE usage_imports (id BIGINT GENERATED BY DEFAULT AS IDENTITY "
                "PRIMARY KEY, heartbeat_at BIGINT NOT NULL, host TEXT NOT NULL, "
                "pid BIGINT NOT NULL)"_s,
                u"CREATE TABLE alert_rules ("
                "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                "kind TEXT NOT NULL,"
                "threshold BIGINT NOT NULL,"
                "key_id TEXT,"
                "enabled BIGINT NOT NULL)"_s,
                u"INSERT INTO alert_rules (kind, threshold, key_id, enabled) VALUES "
                "('rotation_due', 90, NULL, 1), ('expiring_within_days', 14, NULL, 1)"_s,
                u"CREATE TABLE alerts ("
                "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                "rule_id BIGINT NOT NULL,"
                "key_id TEXT NOT NULL,"
                "message TEXT NOT NULL,"
                "raised_at BIGINT NOT NULL,"
                "acknowledged_at BIGINT,"
                "cleared_at BIGINT)"_s,
                u"CREATE INDEX alerts_by_rule ON alerts (rule_id, cleared_at)"_s,
                u"CREATE TABLE key_events ("
                "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                "key_id TEXT NOT NULL,"
                "kind TEXT NOT NULL,"
                "at_ms BIGINT NOT NULL,"
                "detail TEXT NOT NULL)"_s,
                u"CREATE INDEX key_events_by_key ON key_events (key_id, id)"_s,
                u"CREATE TABLE audit_log ("
                "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                "at_ms BIGINT NOT NULL,"
                "actor_key_id TEXT NOT NULL,"
                "actor_label TEXT NOT NULL,"
                "actor_hint TEXT NOT NULL,"
                "action TEXT NOT NULL,"
                "target TEXT NOT NULL,"
                "client_address TEXT NOT NULL,"
                "outcome TEXT NOT NULL,"
                "http_status BIGINT NOT NULL)"_s,
                u"INSERT INTO meta (key, value) VALUES ('keys_revision', '0'), "
                "('alerts_revision', '0') ON CONFLICT (key) DO NOTHING"_s,
            };
            const auto rollup = [](const QString& name, const QString& keyColumns,
                                   const QString& primaryKey) {
                return u"CREATE TABLE %1 (%2, requests BIGINT NOT NULL, errors BIGINT NOT NULL, "
                       "prompt_tokens BIGINT NOT NULL, completion_tokens BIGINT NOT NULL, "
                       "cost_micros BIGINT NOT NULL, latency_ms_sum BIGINT NOT NULL, "
                       "PRIMARY KEY (%3))"_s.arg(name, keyColumns, primaryKey);
            };
            step << rollup(u"usage_slots"_s,
                           u"slot_ms BIGINT NOT NULL, key_id TEXT NOT NULL, model TEXT NOT NULL, "
                           "status_class BIGINT NOT NULL"_s,
                           u"slot_ms, key_id, model, status_class"_s)
                 << u"CREATE INDEX usage_slots_by_key ON usage_slots (key_id, slot_ms)"_s
                 << rollup(u"usage_model_slots"_s,
                           u"model TEXT NOT NULL, slot_ms BIGINT NOT NULL, "
                           "status_class BIGINT NOT NULL"_s,
                           u"model, slot_ms, status_class"_s)
                 << rollup(u"usage_slot_totals"_s,
                           u"slot_ms BIGINT NOT NULL, status_class BIGINT NOT NULL"_s,
                           u"slot_ms, status_class"_s)
                 << rollup(u"usage_key_day"_s,
                           u"key_id TEXT NOT NULL, day_ms BIGINT NOT NULL, "
                           "status_class BIGINT NOT NULL"_s,
                           u"key_id, day_ms, status_class"_s);
            // The change counters, as SQLite's triggers keep them (see migrations() step 6).
            for (const QString& counter :
                 {SqlSchema::KeysRevisionKey, SqlSchema::AlertsRevisionKey}) {
                step << u"CREATE FUNCTION keydeck_bump_%1() RETURNS trigger LANGUAGE plpgsql AS "
                        "$$ BEGIN UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) "
                        "WHERE key = '%1'; RETURN NULL; END $$"_s.arg(counter);
            }
            const QList<std::pair<QString, QString>> watched{
                {u"keys"_s, u"INSERT OR DELETE OR UPDATE OF "_s + keyChangeColumns().join(u", ")},
                {u"key_events"_s, u"INSERT OR DELETE OR UPDATE"_s},
            };
            for (const auto& [table, events] : watched) {
                // Per row: a statement that changes nothing (the vault owner adoption on every
                // open) must not look like a change to every other instance.
                step << u"CREATE TRIGGER %1_counts AFTER %2 ON %1 FOR EACH ROW EXECUTE "
                        "FUNCTION keydeck_bump_%3()"_s.arg(table, events,
                                                           SqlSchema::KeysRevisionKey);
            }
            for (const QString& table : {u"alert_rules"_s, u"alerts"_s}) {
                step << u"CREATE TRIGGER %1_counts AFTER INSERT OR DELETE OR UPDATE ON %1 FOR "
                        "EACH ROW EXECUTE FUNCTION keydeck_bump_%2()"_s.arg(
                            table, SqlSchema::AlertsRevisionKey);
            }
            step << u"CREATE TRIGGER meta_counts AFTER INSERT OR UPDATE ON meta FOR EACH ROW "
                    "WHEN (NEW.key IN ('standard_prefix', 'subscription_prefix', "
                    "'expiry_warning_days', 'rotation_period_days')) EXECUTE FUNCTION "
                    "keydeck_bump_%1()"_s.arg(SqlSchema::KeysRevisionKey);
            // Text sorts and compares by code point, as in SQLite, whatever the database's
            // locale: keyset cursors and ties by name come out the same in both stores.
            for (QString& statement : step) {
                if (statement.startsWith(u"CREATE TABLE"_s))
                    statement.replace(u" TEXT"_s, u" TEXT COLLATE \"C\""_s);
            }
            return step;
        }(),
        // SQLite's step 8; and every bump of a change counter is announced to the instances
        // listening (NOTIFY, delivered when the writer commits), with the counter's new value.
        [] {
            QStringList step{
                u"CREATE TABLE spend_reservations ("
                "id TEXT COLLATE \"C\" PRIMARY KEY NOT NULL,"
                "key_id TEXT COLLATE \"C\" NOT NULL,"
                "holder TEXT COLLATE \"C\" NOT NULL,"
                "amount_micros BIGINT NOT NULL,"
                "created_at BIGINT NOT NULL,"
                "lease_until BIGINT NOT NULL)"_s,
                u"CREATE INDEX spend_reservations_by_key ON spend_reservations (key_id, "
                "lease_until)"_s,
                u"CREATE INDEX spend_reservations_by_holder ON spend_reservations (holder)"_s,
            };
            for (const QString& counter :
                 {SqlSchema::KeysRevisionKey, SqlSchema::AlertsRevisionKey}) {
                step << u"CREATE OR REPLACE FUNCTION keydeck_bump_%1() RETURNS trigger LANGUAGE "
                        "plpgsql AS $$ DECLARE revision TEXT; BEGIN UPDATE meta SET value = "
                        "CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = '%1' RETURNING "
                        "value INTO revision; PERFORM pg_notify('%2', '%1:' || revision); "
                        "RETURN NULL; END $$"_s.arg(counter, SqlSchema::ChangesChannel);
            }
            return step;
        }(),
        // SQLite's step 9.
        {
            u"INSERT INTO alert_rules (kind, threshold, key_id, enabled) VALUES "
            "('limit_used_percent', 100, NULL, 1)"_s,
        },
        // SQLite's step 10.
        [] {
            QStringList step;
            for (const QString& column : NoteColumns) {
                step << u"ALTER TABLE keys ADD COLUMN %1 TEXT COLLATE \"C\" NOT NULL DEFAULT ''"_s
                            .arg(column);
            }
            step << u"DROP TRIGGER keys_counts ON keys"_s
                 << u"CREATE TRIGGER keys_counts AFTER INSERT OR DELETE OR UPDATE OF %1 ON keys "
                    "FOR EACH ROW EXECUTE FUNCTION keydeck_bump_%2()"_s.arg(
                        (keyChangeColumns() + NoteColumns).join(u", "), SqlSchema::KeysRevisionKey);
            return step;
        }(),
        // SQLite's step 11.
        {
            u"ALTER TABLE alerts ADD COLUMN severity TEXT COLLATE \"C\" NOT NULL DEFAULT "
            "'warning'"_s,
            RotationPendingRule,
        },
    };
    return steps;
}

const QList<QStringList>& migrationsOf(const SqlSession& session)
{
    return session.dialect() == SqlDialect::Postgres ? postgresMigrations() : migrations();
}

int storedVersion(const SqlSession& session)
{
    if (session.dialect() == SqlDialect::Sqlite) {
        QSqlQuery query = session.run(u"PRAGMA user_version"_s);
        return query.next() ? query.value(0).toInt() : 0;
    }
    QSqlQuery exists = session.run(u"SELECT to_regclass('meta') IS NOT NULL"_s);
    if (!exists.next() || !exists.value(0).toBool())
        return 0;
    exists.finish();
    QSqlQuery query = session.run(u"SELECT value FROM meta WHERE key = 'schema_version'"_s);
    return query.next() ? query.value(0).toInt() : 0;
}

} // namespace

int SqlSchema::latestVersion()
{
    return int(migrations().size());
}

int SqlSchema::checkedVersion(const SqlSession& session, const QString& location)
{
    const int version = storedVersion(session);
    const int latest = int(migrationsOf(session).size());
    if (version > latest) {
        throw StoreError(
            StoreError::Code::Unavailable,
            u"The key store %1 was written by a newer KeyDeck (schema version %2; this version "
            "knows up to %3). Update KeyDeck to open it."_s.arg(location)
                .arg(version)
                .arg(latest));
    }
    return version;
}

void SqlSchema::migrate(const SqlSession& session, const QString& location)
{
    const QList<QStringList>& steps = migrationsOf(session);
    const int latest = int(steps.size());
    if (checkedVersion(session, location) == latest)
        return;
    session.beginWrite();
    try {
        // Re-read under the write lock: another process may have migrated meanwhile.
        for (int step = checkedVersion(session, location); step < latest; ++step) {
            for (const QString& statement : steps.at(step))
                session.run(statement);
        }
        if (session.dialect() == SqlDialect::Sqlite)
            session.run(u"PRAGMA user_version = %1"_s.arg(latest));
        else
            writeMeta(session, {{u"schema_version"_s, QString::number(latest)}});
        session.run(u"COMMIT"_s);
    } catch (...) {
        QSqlQuery(session.database()).exec(u"ROLLBACK"_s);
        throw;
    }
}

void SqlSchema::writeMeta(const SqlSession& session,
                          const QList<std::pair<QString, QString>>& entries)
{
    QSqlQuery upsert = session.prepare(u"INSERT INTO meta (key, value) VALUES (?, ?) "
                                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value"_s);
    for (const auto& [key, value] : entries) {
        upsert.bindValue(0, key);
        upsert.bindValue(1, value);
        session.run(upsert);
    }
}
