#include "SqliteSchema.h"

#include "SqliteSession.h"
#include "StoreError.h"

#include <QDir>
#include <QList>
#include <QSqlQuery>
#include <QStringList>

using namespace Qt::StringLiterals;

const QString SqliteSchema::KeysRevisionKey = u"keys_revision"_s;
const QString SqliteSchema::AlertsRevisionKey = u"alerts_revision"_s;

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
            const QString keys = SqliteSchema::KeysRevisionKey;
            const QString alerts = SqliteSchema::AlertsRevisionKey;
            // Recording usage updates a key's last use and quota used: that is a usage change,
            // announced as one, not a change of the key.
            const QStringList keyColumns{u"label"_s,
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
    };
    return steps;
}

} // namespace

int SqliteSchema::latestVersion()
{
    return int(migrations().size());
}

int SqliteSchema::checkedVersion(const SqliteSession& session, const QString& path)
{
    QSqlQuery query = session.run(u"PRAGMA user_version"_s);
    const int version = query.next() ? query.value(0).toInt() : 0;
    if (version > latestVersion()) {
        throw StoreError(
            StoreError::Code::Unavailable,
            u"The key store %1 was written by a newer KeyDeck (schema version %2; this version "
            "knows up to %3). Update KeyDeck to open it."_s.arg(QDir::toNativeSeparators(path))
                .arg(version)
                .arg(latestVersion()));
    }
    return version;
}

void SqliteSchema::migrate(const SqliteSession& session, const QString& path)
{
    const int latest = latestVersion();
    if (checkedVersion(session, path) == latest)
        return;
    session.run(u"BEGIN IMMEDIATE"_s);
    try {
        // Re-read under the write lock: another process may have migrated meanwhile.
        for (int step = checkedVersion(session, path); step < latest; ++step) {
            for (const QString& statement : migrations().at(step))
                session.run(statement);
        }
        session.run(u"PRAGMA user_version = %1"_s.arg(latest));
        session.run(u"COMMIT"_s);
    } catch (...) {
        QSqlQuery(session.database()).exec(u"ROLLBACK"_s);
        throw;
    }
}

void SqliteSchema::writeMeta(const SqliteSession& session,
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
