#include "SqliteStore.h"

#include "AlertEvaluator.h"
#include "ApiKeyFormat.h"
#include "BillingCycle.h"
#include "Clock.h"
#include "KeyLabel.h"
#include "KeyValidator.h"
#include "SqliteSession.h"
#include "StoreError.h"
#include "StoreFile.h"
#include "UsageImporter.h"
#include "UsageReader.h"
#include "UsageWriter.h"
#include "UsdAmount.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPromise>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTimeZone>
#include <cerrno>
#include <csignal>
#include <memory>
#include <type_traits>

using namespace Qt::StringLiterals;

namespace {

constexpr int DataVersionPollMs = 1000;
constexpr int IdRandomLength = 16;
// After a million-event import the WAL would otherwise keep its size on disk for good.
constexpr qint64 WalSizeLimitBytes = 64 * 1024 * 1024;
constexpr int ProgressScale = 1000;
constexpr int ImportCacheKiB = 32 * 1024;
// An import refreshes its heartbeat every chunk (a second or so): one silent this long is dead.
constexpr qint64 AbandonedImportMs = 10 * 60 * 1000;

const QString StandardPrefixKey = u"standard_prefix"_s;
const QString SubscriptionPrefixKey = u"subscription_prefix"_s;
const QString PriceTableKey = u"price_table"_s;
const QString ExpiryWarningDaysKey = u"expiry_warning_days"_s;
const QString RotationPeriodDaysKey = u"rotation_period_days"_s;
const QString StoreIdKey = u"store_id"_s;
const QString StoreFileKey = u"store_file"_s;
constexpr int MaxSettingDays = 3650;
constexpr int StoreIdRandomLength = 22;

// Every roll-up table carries the same sums after its key columns.
QString rollupTable(const QString& name, const QString& keyColumns, const QString& primaryKey)
{
    return u"CREATE TABLE %1 (%2, requests INTEGER NOT NULL, errors INTEGER NOT NULL, "
           "prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, "
           "cost_micros INTEGER NOT NULL, latency_ms_sum INTEGER NOT NULL, "
           "PRIMARY KEY (%3)) WITHOUT ROWID"_s.arg(name, keyColumns, primaryKey);
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
    };
    return steps;
}

// The order of KeyColumns; recordAt() reads by position to keep 100,000-row lists fast.
enum Column
{
    ColId,
    ColLabel,
    ColEnvironment,
    ColType,
    ColBillingCycleDay,
    ColPermissions,
    ColStatus,
    ColPrefix,
    ColHint,
    ColDigest,
    ColCreatedAt,
    ColUpdatedAt,
    ColLastUsedAt,
    ColRevokedAt,
    ColExpiresAt,
    ColQuotaLimit,
    ColQuotaUsed,
    ColSpendCapDay,
    ColSpendCapWeek,
    ColSpendCapMonth,
    ColTier,
    ColRpm,
    ColTpm,
    ColModels,
    ColIpAllowlist,
    ColRotatedFrom,
    ColRotatedTo,
    ColVaultEntry,
    ColVaultOwner,
};

const QString KeyColumns =
    u"id, label, environment, type, billing_cycle_day, permissions, status, prefix, hint, digest, "
    "created_at, updated_at, last_used_at, revoked_at, expires_at, quota_limit_micros, "
    "quota_used_micros, spend_cap_day_micros, spend_cap_week_micros, spend_cap_month_micros, tier, "
    "rpm_override, tpm_override, models, ip_allowlist, rotated_from_id, rotated_to_id, "
    "vault_entry, "
    "vault_owner"_s;

// The columns an admin sets, as "name = :name" pairs for UPDATE and bound by bindSpec().
const QStringList SpecColumns = {
    u"label"_s,
    u"environment"_s,
    u"type"_s,
    u"billing_cycle_day"_s,
    u"permissions"_s,
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
};

QVariant optionalValue(const std::optional<qint64>& value)
{
    return value ? QVariant(qlonglong(*value)) : QVariant(QMetaType::fromType<qlonglong>());
}

std::optional<qint64> optionalAt(const QSqlQuery& query, int column)
{
    if (query.isNull(column))
        return std::nullopt;
    return query.value(column).toLongLong();
}

QString jsonList(const QStringList& items)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(items)).toJson(QJsonDocument::Compact));
}

std::optional<QStringList> parseJsonList(const QString& text)
{
    if (text == u"[]")
        return QStringList();
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8());
    if (!document.isArray())
        return std::nullopt;
    QStringList items;
    const QJsonArray array = document.array();
    items.reserve(array.size());
    for (const QJsonValue& value : array) {
        if (!value.isString())
            return std::nullopt;
        items << value.toString();
    }
    return items;
}

void bindSpec(QSqlQuery& query, const KeySpec& spec)
{
    QStringList ips;
    ips.reserve(spec.ipAllowlist.size());
    for (const CidrBlock& block : spec.ipAllowlist)
        ips << block.toString();

    query.bindValue(u":label"_s, spec.label);
    query.bindValue(u":environment"_s, spec.environment);
    query.bindValue(u":type"_s, KeyEnums::typeName(spec.type));
    query.bindValue(u":billing_cycle_day"_s, spec.billingCycleDay);
    query.bindValue(u":permissions"_s, uint(spec.permissions.toInt()));
    query.bindValue(u":expires_at"_s, optionalValue(spec.expiresAtMs));
    query.bindValue(u":quota_limit_micros"_s, optionalValue(spec.quotaLimitMicros));
    query.bindValue(u":spend_cap_day_micros"_s, optionalValue(spec.spendCapDayMicros));
    query.bindValue(u":spend_cap_week_micros"_s, optionalValue(spec.spendCapWeekMicros));
    query.bindValue(u":spend_cap_month_micros"_s, optionalValue(spec.spendCapMonthMicros));
    query.bindValue(u":tier"_s, KeyEnums::tierName(spec.tier));
    query.bindValue(u":rpm_override"_s, optionalValue(spec.rpmOverride));
    query.bindValue(u":tpm_override"_s, optionalValue(spec.tpmOverride));
    query.bindValue(u":models"_s, jsonList(spec.models));
    query.bindValue(u":ip_allowlist"_s, jsonList(ips));
}

// Name -> enum tables built once from KeyEnums' names: reading 100,000 rows then does no
// string building per row.
template <typename Enum>
QHash<QString, Enum> tableOf(std::initializer_list<Enum> values, QString (*name)(Enum))
{
    QHash<QString, Enum> table;
    for (Enum value : values)
        table.insert(name(value), value);
    return table;
}

template <typename Enum>
std::optional<Enum> lookUp(const QHash<QString, Enum>& table, const QString& name)
{
    const auto it = table.constFind(name);
    return it == table.cend() ? std::nullopt : std::optional<Enum>(*it);
}

std::optional<KeyType> typeNamed(const QString& name)
{
    static const auto table =
        tableOf({KeyType::Standard, KeyType::Subscription}, &KeyEnums::typeName);
    return lookUp(table, name);
}

// Expired is derived, never stored, so it is not a name a row may hold.
std::optional<KeyStatus> storedStatusNamed(const QString& name)
{
    static const auto table = tableOf({KeyStatus::Active, KeyStatus::Disabled, KeyStatus::Revoked},
                                      &KeyEnums::statusName);
    return lookUp(table, name);
}

std::optional<Tier> tierNamed(const QString& name)
{
    static const auto table =
        tableOf({Tier::Free, Tier::Starter, Tier::Pro, Tier::Enterprise}, &KeyEnums::tierName);
    return lookUp(table, name);
}

std::optional<qint64> cycleStartFor(const KeySpec& spec, qint64 nowMs)
{
    if (spec.type != KeyType::Subscription)
        return std::nullopt;
    return BillingCycle::cycleStart(spec.billingCycleDay, nowMs);
}

std::optional<KeyEvent::Kind> eventKindNamed(const QString& name)
{
    static const auto table =
        tableOf({KeyEvent::Kind::Created, KeyEvent::Kind::Updated, KeyEvent::Kind::Rotated,
                 KeyEvent::Kind::QuotaReset, KeyEvent::Kind::Disabled, KeyEvent::Kind::Enabled,
                 KeyEvent::Kind::Revoked},
                &KeyEvent::kindName);
    return lookUp(table, name);
}

QString utcDate(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).date().toString(Qt::ISODate);
}

const QString AlertColumns =
    u"id, rule_id, key_id, message, raised_at, acknowledged_at, cleared_at"_s;

StoreError notFound(const QString& idOrLabel)
{
    return StoreError(StoreError::Code::NotFound,
                      u"There is no key \"%1\" in this store."_s.arg(idOrLabel));
}

} // namespace

SqliteStore::SqliteStore(QString path, const Clock& clock, QRandomGenerator& rng, QObject* parent)
    : KeyStore(parent)
    , m_path(std::move(path))
    , m_clock(clock)
    , m_rng(rng)
{
    static std::atomic_int instances = 0;
    m_connectionName = u"keydeck-sqlite-store-%1"_s.arg(++instances);
    // One thread that never retires: the connection it opens stays valid and is never shared.
    m_pool.setMaxThreadCount(1);
    m_pool.setExpiryTimeout(-1);
    m_dataVersionTimer.setInterval(DataVersionPollMs);
    connect(&m_dataVersionTimer, &QTimer::timeout, this, &SqliteStore::pollDataVersion);
}

SqliteStore::~SqliteStore()
{
    m_dataVersionTimer.stop();
    m_pool.start([this] { closeOnWorker(); });
    m_pool.waitForDone();
}

QString SqliteStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           u"/KeyDeck/keydeck.sqlite"_s;
}

int SqliteStore::schemaVersion()
{
    return int(migrations().size());
}

QString SqliteStore::location() const
{
    return u"local: "_s + QDir::toNativeSeparators(m_path);
}

template <typename T, typename Work> QFuture<T> SqliteStore::submit(Work work)
{
    auto promise = std::make_shared<QPromise<T>>();
    promise->start();
    QFuture<T> future = promise->future();
    m_pool.start([promise, work = std::move(work)] {
        try {
            if constexpr (std::is_void_v<T>)
                work();
            else if constexpr (std::is_invocable_v<const Work&, QPromise<T>&>)
                promise->addResult(work(*promise));
            else
                promise->addResult(work());
        } catch (const StoreError& error) {
            promise->setException(error);
        } catch (const std::exception& error) {
            promise->setException(
                StoreError(StoreError::Code::Unavailable, QString::fromUtf8(error.what())));
        }
        promise->finish();
    });
    return future;
}

// BEGIN IMMEDIATE takes the write lock up front, so a check made inside (label free, key not
// revoked) still holds at COMMIT even with another process writing.
template <typename Work> auto SqliteStore::transaction(QSqlDatabase& db, Work work)
{
    execute(db, u"BEGIN IMMEDIATE"_s);
    try {
        if constexpr (std::is_void_v<std::invoke_result_t<Work>>) {
            work();
            execute(db, u"COMMIT"_s);
        } else {
            auto result = work();
            execute(db, u"COMMIT"_s);
            return result;
        }
    } catch (...) {
        QSqlQuery rollback(db);
        rollback.exec(u"ROLLBACK"_s);
        throw;
    }
}

void SqliteStore::fail(const QString& what, const QString& sqliteError) const
{
    throw StoreError(
        StoreError::Code::Unavailable,
        u"%1 (key store %2): %3"_s.arg(what, QDir::toNativeSeparators(m_path), sqliteError));
}

QSqlQuery SqliteStore::prepare(const QSqlDatabase& db, const QString& sql) const
{
    return SqliteSession(db).prepare(sql);
}

void SqliteStore::execute(QSqlQuery& query) const
{
    if (!query.exec())
        fail(u"Could not read or write the keys"_s, SqliteSession::describe(query.lastError()));
}

QSqlQuery SqliteStore::execute(const QSqlDatabase& db, const QString& sql) const
{
    return SqliteSession(db).run(sql);
}

QSqlDatabase SqliteStore::connection() const
{
    if (!m_open) {
        const QString path = QDir::toNativeSeparators(m_path);
        throw StoreError(StoreError::Code::Unavailable,
                         m_openError.isEmpty() ? u"The key store %1 is not open."_s.arg(path)
                                               : m_openError);
    }
    return QSqlDatabase::database(m_connectionName, false);
}

QFuture<void> SqliteStore::open()
{
    if (!m_dataVersionTimer.isActive())
        m_dataVersionTimer.start();
    return submit<void>([this] {
        try {
            openOnWorker();
        } catch (const StoreError& error) {
            m_openError = error.message();
            throw;
        }
    });
}

void SqliteStore::openOnWorker()
{
    if (m_open)
        return;
    QString problem;
    if (!StoreFile::prepare(m_path, &problem)) {
        throw StoreError(StoreError::Code::Unavailable,
                         u"Could not open the key store %1: %2."_s.arg(
                             QDir::toNativeSeparators(m_path), problem));
    }
    QSqlDatabase db = QSqlDatabase::contains(m_connectionName)
                          ? QSqlDatabase::database(m_connectionName, false)
                          : QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
    db.setDatabaseName(m_path);
    db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=%1"_s.arg(m_busyTimeoutMs));
    if (!db.open())
        fail(u"Could not open the key store"_s, SqliteSession::describe(db.lastError()));
    try {
        execute(db, u"PRAGMA busy_timeout = %1"_s.arg(m_busyTimeoutMs));
        // Before anything writes: a newer KeyDeck's file is left exactly as it is.
        checkedSchemaVersion(db);
        QSqlQuery mode = execute(db, u"PRAGMA journal_mode = WAL"_s);
        const QString journalMode = mode.next() ? mode.value(0).toString() : QString();
        mode.finish();
        if (journalMode.compare(u"wal", Qt::CaseInsensitive) != 0)
            fail(u"Could not switch the key store to WAL mode"_s,
                 u"journal mode is \"%1\""_s.arg(journalMode));
        execute(db, u"PRAGMA synchronous = FULL"_s);
        execute(db, u"PRAGMA foreign_keys = ON"_s);
        execute(db, u"PRAGMA journal_size_limit = %1"_s.arg(WalSizeLimitBytes));
        migrate(db);
        establishIdentity(db);
        QSqlQuery version = execute(db, u"PRAGMA data_version"_s);
        m_dataVersion = version.next() ? version.value(0).toLongLong() : 0;
        version.finish();
        const SqliteSession session(db);
        m_usageMark = UsageReader(session).changeMark();
    } catch (...) {
        db.close();
        throw;
    }
    m_open = true;
    m_openError.clear();
}

int SqliteStore::checkedSchemaVersion(const QSqlDatabase& db) const
{
    QSqlQuery query = execute(db, u"PRAGMA user_version"_s);
    const int version = query.next() ? query.value(0).toInt() : 0;
    if (version > schemaVersion()) {
        throw StoreError(
            StoreError::Code::Unavailable,
            u"The key store %1 was written by a newer KeyDeck (schema version %2; this version "
            "knows up to %3). Update KeyDeck to open it."_s.arg(QDir::toNativeSeparators(m_path))
                .arg(version)
                .arg(schemaVersion()));
    }
    return version;
}

void SqliteStore::migrate(QSqlDatabase& db)
{
    const int latest = schemaVersion();
    if (checkedSchemaVersion(db) == latest)
        return;
    transaction(db, [&] {
        // Re-read under the write lock: another process may have migrated meanwhile.
        const int current = checkedSchemaVersion(db);
        for (int step = current; step < latest; ++step) {
            for (const QString& statement : migrations().at(step))
                execute(db, statement);
        }
        execute(db, u"PRAGMA user_version = %1"_s.arg(latest));
    });
}

void SqliteStore::closeOnWorker()
{
    m_open = false;
    if (!QSqlDatabase::contains(m_connectionName))
        return;
    QSqlDatabase::database(m_connectionName, false).close();
    QSqlDatabase::removeDatabase(m_connectionName);
}

void SqliteStore::pollDataVersion()
{
    if (m_pollQueued.exchange(true))
        return;
    m_pool.start([this] {
        checkDataVersion();
        m_pollQueued = false;
    });
}

// data_version changes only when another connection commits, so this sees other processes
// (and other SqliteStore instances) without echoing this store's own writes.
// Another process's usage write also changes its keys' derived fields (last used, spend), so it
// announces both; a key-only change leaves the usage charts alone.
void SqliteStore::checkDataVersion()
{
    if (!m_open)
        return;
    const QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QSqlQuery query(db);
    if (!query.exec(u"PRAGMA data_version"_s) || !query.next())
        return;
    const qint64 version = query.value(0).toLongLong();
    query.finish();
    if (version == m_dataVersion)
        return;
    m_dataVersion = version;
    try {
        const SqliteSession session(db);
        const UsageReader::ChangeMark mark = UsageReader(session).changeMark();
        if (mark != m_usageMark) {
            m_usageMark = mark;
            notifyUsageChanged();
        }
    } catch (const StoreError&) {
        // Unreadable right now: the keys signal below still makes the UI read (and report) it.
    }
    notifyKeysChanged();
    // Any change may be another process's rule, alert or acknowledgement, or a key change that
    // moves a condition; re-reading alerts is cheap, missing a change is not.
    notifyAlertsChanged();
}

void SqliteStore::notifyKeysChanged()
{
    QMetaObject::invokeMethod(
        this, [this] { Q_EMIT keysChanged(); }, Qt::QueuedConnection);
}

void SqliteStore::notifyAlertsChanged()
{
    QMetaObject::invokeMethod(
        this, [this] { Q_EMIT alertsChanged(); }, Qt::QueuedConnection);
}

void SqliteStore::notifyUsageChanged()
{
    QMetaObject::invokeMethod(
        this, [this] { Q_EMIT usageChanged(); }, Qt::QueuedConnection);
}

void SqliteStore::usageWritten(const QSqlDatabase& db)
{
    const SqliteSession session(db);
    m_usageMark = UsageReader(session).changeMark();
    notifyUsageChanged();
    notifyKeysChanged();
}

template <typename T, typename Read> QFuture<T> SqliteStore::readUsage(Read read)
{
    return submit<T>([this, read = std::move(read)] {
        QSqlDatabase db = connection();
        const SqliteSession session(db);
        // One snapshot: whether an import is running and what its reads then leave out are
        // judged against the same state of the file.
        session.run(u"BEGIN"_s);
        const auto end = qScopeGuard([&db] { QSqlQuery(db).exec(u"COMMIT"_s); });
        return read(UsageReader(session));
    });
}

PriceTable SqliteStore::readPrices(const QSqlDatabase& db) const
{
    QSqlQuery query = prepare(db, u"SELECT value FROM meta WHERE key = ?"_s);
    query.addBindValue(PriceTableKey);
    execute(query);
    if (!query.next())
        return PriceTable::defaults();
    const QJsonDocument document = QJsonDocument::fromJson(query.value(0).toString().toUtf8());
    QString why = u"not a JSON object"_s;
    const auto table =
        document.isObject() ? PriceTable::fromJson(document.object(), &why) : std::nullopt;
    if (!table) {
        throw StoreError(StoreError::Code::Unavailable,
                         u"The key store %1 has an unreadable price table: %2"_s.arg(
                             QDir::toNativeSeparators(m_path), why));
    }
    return *table;
}

QList<ApiKeyRecord> SqliteStore::readKeys(const QSqlDatabase& db) const
{
    QSqlQuery count = execute(db, u"SELECT COUNT(*) FROM keys WHERE pending_until IS NULL"_s);
    QList<ApiKeyRecord> records;
    records.reserve(count.next() ? count.value(0).toLongLong() : 0);
    count.finish();
    // One aggregate for every key, not one query per key.
    const qint64 now = m_clock.nowUtcMs();
    const SqliteSession session(db);
    const UsageReader reader{session};
    const QHash<QString, UsageReader::KeySpend> spend = reader.keySpend(now);
    const QHash<QString, qint64> cycleUsed = reader.cycleUsage(now);
    // rowid breaks ties between keys created in the same millisecond: newest first still.
    QSqlQuery query = execute(db, u"SELECT %1 FROM keys WHERE pending_until IS NULL "
                                  "ORDER BY created_at DESC, rowid DESC"_s.arg(KeyColumns));
    while (query.next()) {
        ApiKeyRecord& record = records.emplace_back(recordAt(query));
        const auto it = spend.constFind(record.id);
        if (it != spend.cend()) {
            record.spendDayMicros = it->dayMicros;
            record.spendWeekMicros = it->weekMicros;
            record.spendMonthMicros = it->monthMicros;
        }
        if (record.spec.type == KeyType::Subscription)
            record.quotaUsedMicros = cycleUsed.value(record.id);
    }
    return records;
}

ApiKeyRecord SqliteStore::recordAt(const QSqlQuery& query) const
{
    ApiKeyRecord record;
    record.id = query.value(ColId).toString();
    const auto corrupt = [&](const QString& column) {
        return StoreError(StoreError::Code::Unavailable,
                          u"The key store %1 has an unreadable %2 for key %3."_s.arg(
                              QDir::toNativeSeparators(m_path), column, record.id));
    };
    KeySpec& spec = record.spec;
    spec.label = query.value(ColLabel).toString();
    spec.environment = query.value(ColEnvironment).toString();
    const auto type = typeNamed(query.value(ColType).toString());
    if (!type)
        throw corrupt(u"type"_s);
    spec.type = *type;
    spec.billingCycleDay = query.value(ColBillingCycleDay).toInt();
    spec.permissions = Permissions::fromInt(query.value(ColPermissions).toUInt());
    const auto status = storedStatusNamed(query.value(ColStatus).toString());
    if (!status)
        throw corrupt(u"status"_s);
    record.status = *status;
    record.prefix = query.value(ColPrefix).toString();
    record.hint = query.value(ColHint).toString();
    record.digestHex = query.value(ColDigest).toString().toLatin1();
    record.createdAtMs = query.value(ColCreatedAt).toLongLong();
    record.updatedAtMs = query.value(ColUpdatedAt).toLongLong();
    record.lastUsedAtMs = optionalAt(query, ColLastUsedAt);
    record.revokedAtMs = optionalAt(query, ColRevokedAt);
    spec.expiresAtMs = optionalAt(query, ColExpiresAt);
    spec.quotaLimitMicros = optionalAt(query, ColQuotaLimit);
    record.quotaUsedMicros = query.value(ColQuotaUsed).toLongLong();
    spec.spendCapDayMicros = optionalAt(query, ColSpendCapDay);
    spec.spendCapWeekMicros = optionalAt(query, ColSpendCapWeek);
    spec.spendCapMonthMicros = optionalAt(query, ColSpendCapMonth);
    const auto tier = tierNamed(query.value(ColTier).toString());
    if (!tier)
        throw corrupt(u"tier"_s);
    spec.tier = *tier;
    spec.rpmOverride = optionalAt(query, ColRpm);
    spec.tpmOverride = optionalAt(query, ColTpm);
    const auto models = parseJsonList(query.value(ColModels).toString());
    if (!models)
        throw corrupt(u"models"_s);
    spec.models = *models;
    const auto ips = parseJsonList(query.value(ColIpAllowlist).toString());
    if (!ips)
        throw corrupt(u"ip_allowlist"_s);
    spec.ipAllowlist.reserve(ips->size());
    for (const QString& text : *ips) {
        const auto block = CidrBlock::parse(text);
        if (!block)
            throw corrupt(u"ip_allowlist"_s);
        spec.ipAllowlist << *block;
    }
    record.rotatedFromId = query.value(ColRotatedFrom).toString();
    record.rotatedToId = query.value(ColRotatedTo).toString();
    record.vaultEntry = query.value(ColVaultEntry).toString();
    record.ownsVaultEntry = query.value(ColVaultOwner).toString() == m_storeId;
    return record;
}

std::optional<ApiKeyRecord> SqliteStore::selectKey(const QSqlDatabase& db, const QString& column,
                                                   const QString& value, Pending pending) const
{
    QSqlQuery query = prepare(
        db, u"SELECT %1 FROM keys WHERE %2 = ?%3"_s.arg(
                KeyColumns, column,
                pending == Pending::Excluded ? u" AND pending_until IS NULL"_s : QString()));
    query.addBindValue(value);
    execute(query);
    if (!query.next())
        return std::nullopt;
    ApiKeyRecord record = recordAt(query);
    query.finish();
    const qint64 now = m_clock.nowUtcMs();
    const SqliteSession session(db);
    const UsageReader reader{session};
    const auto spend = reader.keySpend(now, record.id).value(record.id);
    record.spendDayMicros = spend.dayMicros;
    record.spendWeekMicros = spend.weekMicros;
    record.spendMonthMicros = spend.monthMicros;
    if (record.spec.type == KeyType::Subscription)
        record.quotaUsedMicros = reader.cycleUsage(now, record.id).value(record.id);
    return record;
}

ApiKeyRecord SqliteStore::requireKey(const QSqlDatabase& db, const QString& id) const
{
    std::optional<ApiKeyRecord> record = selectKey(db, u"id"_s, id);
    if (!record)
        throw notFound(id);
    return *record;
}

void SqliteStore::requireLabelFree(const QSqlDatabase& db, const QString& label,
                                   const QString& exceptId) const
{
    QSqlQuery query = prepare(db, u"SELECT id FROM keys WHERE label = ? AND id IS NOT ?"_s);
    query.addBindValue(label);
    query.addBindValue(exceptId);
    execute(query);
    if (query.next()) {
        throw StoreError(
            StoreError::Code::Conflict, u"Another key already uses this label."_s,
            {FieldError{u"label"_s, u"\"%1\" is already used by key %2; labels are unique"_s.arg(
                                        label, query.value(0).toString())}});
    }
}

void SqliteStore::validate(const KeySpec& spec, const KeySpec* stored) const
{
    const FieldErrors errors = KeyValidator::validate(spec, m_clock.nowUtcMs(), stored);
    if (!errors.isEmpty())
        throw StoreError(StoreError::Code::Invalid, u"The key settings are not valid."_s, errors);
}

WorkspaceSettings SqliteStore::readSettings(const QSqlDatabase& db) const
{
    WorkspaceSettings settings;
    QSqlQuery query = execute(db, u"SELECT key, value FROM meta"_s);
    while (query.next()) {
        const QString key = query.value(0).toString();
        if (key == StandardPrefixKey)
            settings.standardPrefix = query.value(1).toString();
        else if (key == SubscriptionPrefixKey)
            settings.subscriptionPrefix = query.value(1).toString();
        else if (key == ExpiryWarningDaysKey)
            settings.expiryWarningDays = query.value(1).toInt();
        else if (key == RotationPeriodDaysKey)
            settings.rotationPeriodDays = query.value(1).toInt();
    }
    return settings;
}

CreatedKey SqliteStore::insertKey(const QSqlDatabase& db, const KeySpec& spec, bool pending)
{
    const QString prefix = readSettings(db).prefixFor(spec.type);
    CreatedKey key;
    key.secret = ApiKeyFormat::generate(prefix, m_rng);
    ApiKeyRecord& record = key.record;
    record.id = u"key_"_s + ApiKeyFormat::randomBase62(IdRandomLength, m_rng);
    record.spec = spec;
    record.status = KeyStatus::Active;
    record.prefix = prefix;
    record.hint = ApiKeyFormat::displayHint(key.secret);
    record.digestHex = ApiKeyFormat::digestHex(key.secret);
    record.createdAtMs = m_clock.nowUtcMs();
    record.updatedAtMs = record.createdAtMs;
    record.vaultEntry = m_storeId + u'/' + record.id;
    record.ownsVaultEntry = true;

    QSqlQuery insert = prepare(
        db, u"INSERT INTO keys (id, status, prefix, hint, digest, created_at, updated_at, "
            "cycle_start_ms, vault_entry, vault_owner, pending_until, %1) VALUES (:id, :status, "
            ":prefix, :hint, :digest, :created_at, :updated_at, :cycle_start_ms, :vault_entry, "
            ":vault_owner, :pending_until, :%2)"_s.arg(SpecColumns.join(u", "),
                                                       SpecColumns.join(u", :")));
    insert.bindValue(u":id"_s, record.id);
    insert.bindValue(u":status"_s, KeyEnums::statusName(record.status));
    insert.bindValue(u":prefix"_s, record.prefix);
    insert.bindValue(u":hint"_s, record.hint);
    insert.bindValue(u":digest"_s, QString::fromLatin1(record.digestHex));
    insert.bindValue(u":created_at"_s, record.createdAtMs);
    insert.bindValue(u":updated_at"_s, record.updatedAtMs);
    insert.bindValue(u":cycle_start_ms"_s, optionalValue(cycleStartFor(spec, record.createdAtMs)));
    insert.bindValue(u":vault_entry"_s, record.vaultEntry);
    insert.bindValue(u":vault_owner"_s, m_storeId);
    insert.bindValue(
        u":pending_until"_s,
        optionalValue(pending ? std::optional<qint64>(record.createdAtMs + PendingKeyLifetimeMs)
                              : std::nullopt));
    bindSpec(insert, spec);
    execute(insert);
    if (!pending)
        addEvent(db, record.id, KeyEvent::Kind::Created);
    return key;
}

QFuture<CreatedKey> SqliteStore::create(const KeySpec& spec, bool pending)
{
    return submit<CreatedKey>([this, spec, pending] {
        QSqlDatabase db = connection();
        validate(spec);
        CreatedKey created = transaction(db, [&] {
            purgeAbandonedKeys(db);
            requireLabelFree(db, spec.label, QString());
            return insertKey(db, spec, pending);
        });
        if (!pending)
            notifyKeysChanged();
        return created;
    });
}

QFuture<CreatedKey> SqliteStore::createKey(const KeySpec& spec)
{
    return create(spec, false);
}

QFuture<CreatedKey> SqliteStore::createPendingKey(const KeySpec& spec)
{
    return create(spec, true);
}

QFuture<ApiKeyRecord> SqliteStore::activateKey(const QString& id)
{
    return submit<ApiKeyRecord>([this, id] {
        QSqlDatabase db = connection();
        ApiKeyRecord activated = transaction(db, [&] {
            purgeAbandonedKeys(db);
            QSqlQuery update = prepare(
                db,
                u"UPDATE keys SET pending_until = NULL WHERE id = ? AND pending_until IS NOT NULL"_s);
            update.addBindValue(id);
            execute(update);
            if (update.numRowsAffected() == 0) {
                if (selectKey(db, u"id"_s, id))
                    return requireKey(db, id);
                throw StoreError(StoreError::Code::NotFound,
                                 u"The new key %1 was not activated in time and has been removed; "
                                 "create it again."_s.arg(id));
            }
            ApiKeyRecord record = requireKey(db, id);
            if (record.rotatedFromId.isEmpty()) {
                addEvent(db, id, KeyEvent::Kind::Created);
                return record;
            }
            // A rotation: link the old key now, unless it changed while the new one waited.
            const ApiKeyRecord old = requireKey(db, record.rotatedFromId);
            if (old.status == KeyStatus::Revoked || !old.rotatedToId.isEmpty()) {
                throw StoreError(StoreError::Code::Conflict,
                                 u"Key \"%1\" was revoked or rotated meanwhile; the new key was "
                                 "not activated."_s.arg(old.spec.label));
            }
            QSqlQuery link = prepare(db, u"UPDATE keys SET rotated_to_id = ? WHERE id = ?"_s);
            link.addBindValue(id);
            link.addBindValue(old.id);
            execute(link);
            addEvent(db, old.id, KeyEvent::Kind::Rotated,
                     u"rotated to %1"_s.arg(record.spec.label));
            addEvent(db, id, KeyEvent::Kind::Rotated, u"rotated from %1"_s.arg(old.spec.label));
            return requireKey(db, id);
        });
        notifyKeysChanged();
        notifyAlertsChanged();
        return activated;
    });
}

void SqliteStore::writeMeta(const QSqlDatabase& db,
                            const QList<std::pair<QString, QString>>& entries) const
{
    QSqlQuery upsert = prepare(db, u"INSERT INTO meta (key, value) VALUES (?, ?) "
                                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value"_s);
    for (const auto& [key, value] : entries) {
        upsert.bindValue(0, key);
        upsert.bindValue(1, value);
        execute(upsert);
    }
}

void SqliteStore::purgeAbandonedKeys(const QSqlDatabase& db) const
{
    QSqlQuery stale = prepare(db, u"SELECT id FROM keys WHERE pending_until < ?"_s);
    stale.addBindValue(m_clock.nowUtcMs());
    execute(stale);
    QStringList ids;
    while (stale.next())
        ids << stale.value(0).toString();
    stale.finish();
    for (const QString& id : std::as_const(ids)) {
        for (const QString& sql :
             {u"DELETE FROM keys WHERE id = ?"_s, u"DELETE FROM key_events WHERE key_id = ?"_s}) {
            QSqlQuery query = prepare(db, sql);
            query.addBindValue(id);
            execute(query);
        }
    }
}

void SqliteStore::establishIdentity(QSqlDatabase& db)
{
    const QString file = StoreFile::identity(m_path);
    transaction(db, [&] {
        QSqlQuery query =
            execute(db, u"SELECT key, value FROM meta WHERE key IN ('%1', '%2')"_s.arg(
                            StoreIdKey, StoreFileKey));
        QString storeId;
        QString storedFile;
        while (query.next()) {
            if (query.value(0).toString() == StoreIdKey)
                storeId = query.value(1).toString();
            else
                storedFile = query.value(1).toString();
        }
        query.finish();
        const bool fresh = storeId.isEmpty();
        // Another file than the one this identity was given to: a copy (cp, a backup, a move to
        // another file system). It takes a new identity, so deleting a key here never removes a
        // secret the original still relies on.
        const bool copy = !fresh && storedFile != file;
        if (fresh || copy) {
            storeId = u"st_"_s + ApiKeyFormat::randomBase62(StoreIdRandomLength, m_rng);
            writeMeta(db, {{StoreIdKey, storeId}, {StoreFileKey, file}});
        }
        if (!copy) {
            // Keys from before store identities: this is the store that created them.
            QSqlQuery adopt =
                prepare(db, u"UPDATE keys SET vault_owner = ? WHERE vault_owner = ''"_s);
            adopt.addBindValue(storeId);
            execute(adopt);
        }
        m_storeId = storeId;
        purgeAbandonedKeys(db);
        removeAbandonedImports(db);
    });
}

QFuture<QList<ApiKeyRecord>> SqliteStore::listKeys()
{
    return submit<QList<ApiKeyRecord>>([this] {
        QSqlDatabase db = connection();
        // One read transaction: the count and the rows see the same snapshot.
        execute(db, u"BEGIN"_s);
        try {
            QList<ApiKeyRecord> records = readKeys(db);
            execute(db, u"COMMIT"_s);
            return records;
        } catch (...) {
            QSqlQuery rollback(db);
            rollback.exec(u"ROLLBACK"_s);
            throw;
        }
    });
}

QFuture<ApiKeyRecord> SqliteStore::findKey(const QString& idOrLabel)
{
    return submit<ApiKeyRecord>([this, idOrLabel] {
        QSqlDatabase db = connection();
        std::optional<ApiKeyRecord> record = selectKey(db, u"id"_s, idOrLabel);
        if (!record)
            record = selectKey(db, u"label"_s, idOrLabel);
        if (!record)
            throw notFound(idOrLabel);
        return *record;
    });
}

QFuture<ApiKeyRecord> SqliteStore::updateKey(const QString& id, const KeySpec& spec)
{
    return submit<ApiKeyRecord>([this, id, spec] {
        QSqlDatabase db = connection();
        ApiKeyRecord updated = transaction(db, [&] {
            ApiKeyRecord record = requireKey(db, id);
            if (record.status == KeyStatus::Revoked) {
                throw StoreError(
                    StoreError::Code::Final,
                    u"Key \"%1\" is revoked; a revoked key cannot be changed, only deleted."_s.arg(
                        record.spec.label));
            }
            // An expired key stays editable: its unchanged expiry is not judged again.
            validate(spec, &record.spec);
            requireLabelFree(db, spec.label, id);
            // A new billing day or type starts a new cycle, which is not a renewal to record.
            const bool cycleMoved = spec.type != record.spec.type ||
                                    spec.billingCycleDay != record.spec.billingCycleDay;
            record.spec = spec;
            record.updatedAtMs = m_clock.nowUtcMs();

            QStringList assignments;
            for (const QString& column : SpecColumns)
                assignments << column + u" = :"_s + column;
            if (cycleMoved)
                assignments << u"cycle_start_ms = :cycle_start_ms"_s;
            QSqlQuery update =
                prepare(db, u"UPDATE keys SET %1, updated_at = :updated_at WHERE id = :id"_s.arg(
                                assignments.join(u", ")));
            bindSpec(update, spec);
            if (cycleMoved) {
                update.bindValue(u":cycle_start_ms"_s,
                                 optionalValue(cycleStartFor(spec, record.updatedAtMs)));
            }
            update.bindValue(u":updated_at"_s, record.updatedAtMs);
            update.bindValue(u":id"_s, id);
            execute(update);
            addEvent(db, id, KeyEvent::Kind::Updated);
            return selectKey(db, u"id"_s, id).value_or(record);
        });
        notifyKeysChanged();
        return updated;
    });
}

QFuture<ApiKeyRecord> SqliteStore::setKeyStatus(const QString& id, KeyStatus status)
{
    return submit<ApiKeyRecord>([this, id, status] {
        QSqlDatabase db = connection();
        if (status == KeyStatus::Expired) {
            throw StoreError(
                StoreError::Code::Invalid, u"A key's status cannot be set to expired."_s,
                {FieldError{u"status"_s, u"expired follows from the expiry date; set \"expires\" "
                                         "instead"_s}});
        }
        ApiKeyRecord updated = transaction(db, [&] {
            ApiKeyRecord record = requireKey(db, id);
            if (record.status == KeyStatus::Revoked) {
                throw StoreError(StoreError::Code::Final,
                                 u"Key \"%1\" is already revoked; revocation is final."_s.arg(
                                     record.spec.label));
            }
            const bool statusChanged = record.status != status;
            record.status = status;
            record.updatedAtMs = m_clock.nowUtcMs();
            if (status == KeyStatus::Revoked)
                record.revokedAtMs = record.updatedAtMs;
            QSqlQuery update = prepare(
                db, u"UPDATE keys SET status = ?, updated_at = ?, revoked_at = ? WHERE id = ?"_s);
            update.addBindValue(KeyEnums::statusName(status));
            update.addBindValue(record.updatedAtMs);
            update.addBindValue(optionalValue(record.revokedAtMs));
            update.addBindValue(id);
            execute(update);
            if (statusChanged) {
                addEvent(db, id,
                         status == KeyStatus::Revoked    ? KeyEvent::Kind::Revoked
                         : status == KeyStatus::Disabled ? KeyEvent::Kind::Disabled
                                                         : KeyEvent::Kind::Enabled);
            }
            return record;
        });
        notifyKeysChanged();
        return updated;
    });
}

// The key's usage events and roll-ups stay: totals over time remain right, and the id simply no
// longer resolves to a key (imports naming it fail like any unknown key).
QFuture<void> SqliteStore::deleteKey(const QString& id)
{
    return submit<void>([this, id] {
        QSqlDatabase db = connection();
        transaction(db, [&] {
            QSqlQuery remove = prepare(db, u"DELETE FROM keys WHERE id = ?"_s);
            remove.addBindValue(id);
            execute(remove);
            if (remove.numRowsAffected() == 0)
                throw notFound(id);
            const auto run = [&](const QString& sql, const QVariantList& values) {
                QSqlQuery query = prepare(db, sql);
                for (const QVariant& value : values)
                    query.addBindValue(value);
                execute(query);
            };
            run(u"DELETE FROM key_events WHERE key_id = ?"_s, {id});
            run(u"UPDATE keys SET rotated_from_id = NULL WHERE rotated_from_id = ?"_s, {id});
            run(u"UPDATE keys SET rotated_to_id = NULL WHERE rotated_to_id = ?"_s, {id});
            run(u"UPDATE alerts SET cleared_at = ? WHERE cleared_at IS NULL AND (key_id = ? OR "
                "rule_id IN (SELECT id FROM alert_rules WHERE key_id = ?))"_s,
                {m_clock.nowUtcMs(), id, id});
            run(u"DELETE FROM alert_rules WHERE key_id = ?"_s, {id});
        });
        notifyKeysChanged();
        notifyAlertsChanged();
    });
}

QFuture<WorkspaceSettings> SqliteStore::workspaceSettings()
{
    return submit<WorkspaceSettings>([this] { return readSettings(connection()); });
}

QFuture<WorkspaceSettings> SqliteStore::updateWorkspaceSettings(const WorkspaceSettings& settings)
{
    return submit<WorkspaceSettings>([this, settings] {
        QSqlDatabase db = connection();
        FieldErrors errors;
        QString why;
        if (!ApiKeyFormat::isValidPrefix(settings.standardPrefix, &why))
            errors << FieldError{StandardPrefixKey, why};
        if (!ApiKeyFormat::isValidPrefix(settings.subscriptionPrefix, &why))
            errors << FieldError{SubscriptionPrefixKey, why};
        const QString daysProblem = u"must be from 1 to %1 days"_s.arg(MaxSettingDays);
        if (settings.expiryWarningDays < 1 || settings.expiryWarningDays > MaxSettingDays)
            errors << FieldError{ExpiryWarningDaysKey, daysProblem};
        if (settings.rotationPeriodDays < 1 || settings.rotationPeriodDays > MaxSettingDays)
            errors << FieldError{RotationPeriodDaysKey, daysProblem};
        if (!errors.isEmpty())
            throw StoreError(StoreError::Code::Invalid, u"The workspace settings are not valid."_s,
                             errors);
        transaction(db, [&] {
            writeMeta(db, {{StandardPrefixKey, settings.standardPrefix},
                           {SubscriptionPrefixKey, settings.subscriptionPrefix},
                           {ExpiryWarningDaysKey, QString::number(settings.expiryWarningDays)},
                           {RotationPeriodDaysKey, QString::number(settings.rotationPeriodDays)}});
        });
        notifyKeysChanged();
        return settings;
    });
}

QFuture<qint64> SqliteStore::recordUsage(const QList<UsageEvent>& events)
{
    return submit<qint64>([this, events] {
        QSqlDatabase db = connection();
        QList<UsageEvent> checked = events;
        for (qsizetype i = 0; i < checked.size(); ++i) {
            if (const auto error = UsageWriter::normalize(checked[i])) {
                throw StoreError(
                    StoreError::Code::Invalid,
                    u"Usage event %1 of %2 is not valid; nothing was recorded."_s.arg(i + 1).arg(
                        checked.size()),
                    {*error});
            }
        }
        if (checked.isEmpty())
            return qint64(0);
        const SqliteSession session(db);
        const qint64 inserted = transaction(db, [&] {
            QSqlQuery keyExists =
                session.prepare(u"SELECT 1 FROM keys WHERE id = ? AND pending_until IS NULL"_s);
            QSet<QString> known;
            for (qsizetype i = 0; i < checked.size(); ++i) {
                const QString& key = checked[i].key;
                if (known.contains(key))
                    continue;
                keyExists.bindValue(0, key);
                session.run(keyExists);
                const bool exists = keyExists.next();
                keyExists.finish();
                if (!exists) {
                    throw StoreError(
                        StoreError::Code::Invalid,
                        u"Usage event %1 names no stored key; nothing was recorded."_s.arg(i + 1),
                        {FieldError{u"key"_s, u"there is no key with the id \"%1\""_s.arg(key)}});
                }
                known.insert(key);
            }
            UsageWriter writer(session, readPrices(db));
            qint64 count = 0;
            for (const UsageEvent& event : std::as_const(checked))
                count += writer.add(event) ? 1 : 0;
            writer.finish();
            return count;
        });
        if (inserted > 0)
            usageWritten(db);
        return inserted;
    });
}

QFuture<UsageImportReport> SqliteStore::importUsage(const QString& path,
                                                    const UsageImportOptions& options)
{
    return submit<UsageImportReport>([this, path, options](QPromise<UsageImportReport>& promise) {
        QSqlDatabase db = connection();
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            const QString problem =
                u"%1: %2"_s.arg(QDir::toNativeSeparators(path), file.errorString());
            throw StoreError(StoreError::Code::Invalid,
                             u"Could not open the usage file %1"_s.arg(problem),
                             {FieldError{u"file"_s, problem}});
        }
        const qint64 size = file.size();
        promise.setProgressRange(0, ProgressScale);
        const SqliteSession session(db);
        // Request ids and per-key indexes take random inserts: a bigger page cache for the
        // import spares most page re-reads; the usual size comes back afterwards.
        QSqlQuery cacheSize = session.run(u"PRAGMA cache_size"_s);
        const QString usualCacheSize =
            cacheSize.next() ? cacheSize.value(0).toString() : u"-2000"_s;
        cacheSize.finish();
        session.run(u"PRAGMA cache_size = -%1"_s.arg(ImportCacheKiB));
        // The staged roll-ups live in the TEMP database, which has a page cache of its own.
        session.run(u"PRAGMA temp.cache_size = -%1"_s.arg(ImportCacheKiB));
        const auto restoreCacheSize = qScopeGuard(
            [&] { QSqlQuery(db).exec(u"PRAGMA cache_size = %1"_s.arg(usualCacheSize)); });

        // Stored in short transactions, hidden until published: other writers go on meanwhile,
        // and readers see all of the file or none of it.
        const qint64 importId = transaction(db, [&] {
            removeAbandonedImports(db);
            // One at a time: a second import would take the first's request ids, still hidden,
            // for duplicates, and lose them if the first then failed.
            QSqlQuery running = session.run(u"SELECT host, pid FROM usage_imports LIMIT 1"_s);
            if (running.next()) {
                throw StoreError(StoreError::Code::Unavailable,
                                 u"Another usage import into this store is running (process %1 "
                                 "on %2); try again when it is done."_s.arg(
                                     running.value(1).toString(), running.value(0).toString()));
            }
            running.finish();
            QSqlQuery start = session.prepare(
                u"INSERT INTO usage_imports (heartbeat_at, host, pid) VALUES (?, ?, ?)"_s);
            start.addBindValue(m_clock.nowUtcMs());
            start.addBindValue(QSysInfo::machineHostName());
            start.addBindValue(QCoreApplication::applicationPid());
            session.run(start);
            return start.lastInsertId().toLongLong();
        });
        bool published = false;
        const auto discard = qScopeGuard([&] {
            QSqlQuery(db).exec(u"ROLLBACK"_s);
            if (!published)
                discardImport(db, importId);
            UsageRollup::dropStaged(session);
        });
        QSqlQuery heartbeat =
            session.prepare(u"UPDATE usage_imports SET heartbeat_at = ? WHERE id = ?"_s);
        UsageWriter writer(session, readPrices(db), importId);
        execute(db, u"BEGIN IMMEDIATE"_s);
        UsageImporter importer(
            session, writer,
            [&](qint64 bytesRead, qint64 linesRead) {
                if (promise.isCanceled())
                    return false;
                const int done = size > 0 ? int(bytesRead * ProgressScale / size) : 0;
                promise.setProgressValueAndText(done, u"%1 lines read"_s.arg(linesRead));
                return true;
            },
            [&] {
                heartbeat.bindValue(0, m_clock.nowUtcMs());
                heartbeat.bindValue(1, importId);
                session.run(heartbeat);
                // Taken for abandoned by another computer sharing the file: stop, or later
                // chunks would show without their roll-ups.
                if (heartbeat.numRowsAffected() != 1) {
                    throw StoreError(
                        StoreError::Code::Unavailable,
                        u"The import of %1 was taken for abandoned by another "
                        "computer; nothing was imported."_s.arg(QDir::toNativeSeparators(path)));
                }
                execute(db, u"COMMIT"_s);
                execute(db, u"BEGIN IMMEDIATE"_s);
            });
        UsageImportReport report = importer.run(path, options);
        execute(db, u"COMMIT"_s);
        transaction(db, [&] {
            QSqlQuery first = session.prepare(u"SELECT 1 FROM usage_imports WHERE id = ?"_s);
            first.addBindValue(importId);
            session.run(first);
            if (!first.next()) {
                throw StoreError(StoreError::Code::Unavailable,
                                 u"The import of %1 was taken for abandoned and removed; nothing "
                                 "was imported."_s.arg(QDir::toNativeSeparators(path)));
            }
            first.finish();
            UsageRollup::publishStaged(session);
            // Other processes see new usage by the change mark; the ids of an import's events
            // may all be below the newest one, so the publish is counted.
            session.run(u"INSERT INTO meta (key, value) VALUES ('usage_publishes', '1') ON "
                        "CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"_s);
            // Events are visible once their import is no longer running: one row to delete.
            QSqlQuery done = session.prepare(u"DELETE FROM usage_imports WHERE id = ?"_s);
            done.addBindValue(importId);
            session.run(done);
        });
        published = true;
        report.committed = true;
        promise.setProgressValue(ProgressScale);
        if (report.imported > 0)
            usageWritten(db);
        return report;
    });
}

void SqliteStore::discardImport(const QSqlDatabase& db, qint64 importId) const
{
    QSqlQuery remove(db);
    if (remove.prepare(u"DELETE FROM usage_events WHERE import_id = ?"_s)) {
        remove.addBindValue(importId);
        remove.exec();
    }
    QSqlQuery forget(db);
    if (forget.prepare(u"DELETE FROM usage_imports WHERE id = ?"_s)) {
        forget.addBindValue(importId);
        forget.exec();
    }
}

void SqliteStore::removeAbandonedImports(const QSqlDatabase& db) const
{
    QSqlQuery imports = execute(db, u"SELECT id, heartbeat_at, host, pid FROM usage_imports"_s);
    const QString host = QSysInfo::machineHostName();
    QList<qint64> ids;
    while (imports.next()) {
        // On its own computer an import is judged by its process alone: a killed one is seen at
        // once, and a live one is never taken for dead however long it was quiet (a suspended
        // laptop). Elsewhere only its heartbeat tells.
        const bool here = imports.value(2).toString() == host;
        const bool alive =
            here && (::kill(pid_t(imports.value(3).toLongLong()), 0) == 0 || errno != ESRCH);
        const bool quiet = imports.value(1).toLongLong() < m_clock.nowUtcMs() - AbandonedImportMs;
        if (here ? !alive : quiet)
            ids << imports.value(0).toLongLong();
    }
    imports.finish();
    for (const qint64 id : std::as_const(ids)) {
        for (const QString& sql : {u"DELETE FROM usage_events WHERE import_id = ?"_s,
                                   u"DELETE FROM usage_imports WHERE id = ?"_s}) {
            QSqlQuery query = prepare(db, sql);
            query.addBindValue(id);
            execute(query);
        }
    }
}

QFuture<UsageTotals> SqliteStore::usageTotals(const UsageQuery& query)
{
    return readUsage<UsageTotals>(
        [query](const UsageReader& reader) { return reader.totals(query); });
}

QFuture<QList<UsageSeries::Point>> SqliteStore::usageSlots(const UsageQuery& query)
{
    return readUsage<QList<UsageSeries::Point>>(
        [query](const UsageReader& reader) { return reader.slotRows(query); });
}

QFuture<QList<UsageGroupRow>> SqliteStore::usageGroups(const UsageQuery& query, Grouping grouping)
{
    return readUsage<QList<UsageGroupRow>>(
        [query, grouping](const UsageReader& reader) { return reader.groups(query, grouping); });
}

QFuture<QList<UsageEvent>> SqliteStore::usageLogs(const UsageQuery& query, qint64 offset, int limit,
                                                  LogColumn sortColumn, Qt::SortOrder order)
{
    return readUsage<QList<UsageEvent>>(
        [query, offset, limit, sortColumn, order](const UsageReader& reader) {
            return reader.logs(query, offset, limit, sortColumn, order);
        });
}

QFuture<qint64> SqliteStore::usageLogCount(const UsageQuery& query)
{
    return readUsage<qint64>([query](const UsageReader& reader) { return reader.logCount(query); });
}

QFuture<QStringList> SqliteStore::usageModels()
{
    return readUsage<QStringList>([](const UsageReader& reader) { return reader.models(); });
}

QFuture<PriceTable> SqliteStore::priceTable()
{
    return submit<PriceTable>([this] { return readPrices(connection()); });
}

QFuture<PriceTable> SqliteStore::setPriceTable(const PriceTable& table)
{
    return submit<PriceTable>([this, table] {
        QSqlDatabase db = connection();
        FieldErrors errors;
        for (auto it = table.prices().cbegin(); it != table.prices().cend(); ++it) {
            if (it.key().trimmed().isEmpty()) {
                errors << FieldError{u"model"_s, u"every price needs a model name"_s};
            } else if (it->promptMicrosPerMillion < 0 || it->completionMicrosPerMillion < 0) {
                errors << FieldError{u"price"_s,
                                     u"the price of \"%1\" is negative"_s.arg(it.key())};
            }
        }
        if (!errors.isEmpty())
            throw StoreError(StoreError::Code::Invalid, u"The price table is not valid."_s, errors);
        transaction(db, [&] {
            writeMeta(db, {{PriceTableKey,
                            QString::fromUtf8(
                                QJsonDocument(table.toJson()).toJson(QJsonDocument::Compact))}});
        });
        return table;
    });
}

void SqliteStore::addEvent(const QSqlDatabase& db, const QString& keyId, KeyEvent::Kind kind,
                           const QString& detail) const
{
    QSqlQuery insert = prepare(db, u"INSERT INTO key_events (key_id, kind, at_ms, detail) "
                                   "VALUES (?, ?, ?, ifnull(?, ''))"_s);
    insert.addBindValue(keyId);
    insert.addBindValue(KeyEvent::kindName(kind));
    insert.addBindValue(m_clock.nowUtcMs());
    insert.addBindValue(detail);
    execute(insert);
}

QFuture<CreatedKey> SqliteStore::rotateKey(const QString& id)
{
    return rotate(id, false);
}

QFuture<CreatedKey> SqliteStore::rotateKeyPending(const QString& id)
{
    return rotate(id, true);
}

QFuture<CreatedKey> SqliteStore::rotate(const QString& id, bool pending)
{
    return submit<CreatedKey>([this, id, pending] {
        QSqlDatabase db = connection();
        CreatedKey created = transaction(db, [&] {
            purgeAbandonedKeys(db);
            const ApiKeyRecord old = requireKey(db, id);
            if (old.status == KeyStatus::Revoked) {
                throw StoreError(StoreError::Code::Final,
                                 u"Key \"%1\" is revoked; a revoked key cannot be rotated."_s.arg(
                                     old.spec.label));
            }
            if (!old.rotatedToId.isEmpty()) {
                const auto successor = selectKey(db, u"id"_s, old.rotatedToId);
                throw StoreError(
                    StoreError::Code::Conflict,
                    u"Key \"%1\" is already rotated to \"%2\"; revoke it once the new key is "
                    "deployed."_s.arg(old.spec.label,
                                      successor ? successor->spec.label : old.rotatedToId));
            }
            KeySpec spec = old.spec;
            spec.label = KeyLabel::nextVersion(old.spec.label);
            QSqlQuery taken = prepare(db, u"SELECT 1 FROM keys WHERE label = ?"_s);
            for (;;) {
                taken.bindValue(0, spec.label);
                execute(taken);
                const bool isTaken = taken.next();
                taken.finish();
                if (!isTaken)
                    break;
                spec.label = KeyLabel::nextVersion(spec.label);
            }
            QString detail = u"rotated from %1"_s.arg(old.spec.label);
            // The replacement must be usable: an expiry already passed would make it dead on
            // arrival, so it gets none and the history says why.
            if (spec.expiresAtMs && *spec.expiresAtMs <= m_clock.nowUtcMs()) {
                spec.expiresAtMs.reset();
                detail += u"; the old key's expiry had passed, so this key has none"_s;
            }
            validate(spec);
            CreatedKey key = insertKey(db, spec, pending);
            QSqlQuery link = prepare(db, u"UPDATE keys SET rotated_from_id = ? WHERE id = ?"_s);
            link.addBindValue(old.id);
            link.addBindValue(key.record.id);
            execute(link);
            key.record.rotatedFromId = old.id;
            // activateKey() links the old key and records the rotation.
            if (pending)
                return key;
            link = prepare(db, u"UPDATE keys SET rotated_to_id = ? WHERE id = ?"_s);
            link.addBindValue(key.record.id);
            link.addBindValue(old.id);
            execute(link);
            addEvent(db, old.id, KeyEvent::Kind::Rotated, u"rotated to %1"_s.arg(spec.label));
            addEvent(db, key.record.id, KeyEvent::Kind::Rotated, detail);
            return key;
        });
        notifyKeysChanged();
        notifyAlertsChanged();
        return created;
    });
}

QList<AlertRule> SqliteStore::readRules(const QSqlDatabase& db) const
{
    QSqlQuery query =
        execute(db, u"SELECT id, kind, threshold, key_id, enabled FROM alert_rules ORDER BY id"_s);
    QList<AlertRule> rules;
    while (query.next()) {
        AlertRule rule;
        rule.id = query.value(0).toLongLong();
        const auto kind = AlertRule::kindFromName(query.value(1).toString());
        if (!kind) {
            throw StoreError(StoreError::Code::Unavailable,
                             u"The key store %1 has an alert rule of an unknown kind \"%2\"."_s.arg(
                                 QDir::toNativeSeparators(m_path), query.value(1).toString()));
        }
        rule.kind = *kind;
        rule.threshold = query.value(2).toLongLong();
        rule.keyId = query.value(3).toString();
        rule.enabled = query.value(4).toBool();
        rules << rule;
    }
    return rules;
}

QList<Alert> SqliteStore::readAlerts(const QSqlDatabase& db, const QString& where) const
{
    QSqlQuery query =
        execute(db, u"SELECT %1 FROM alerts %2 ORDER BY raised_at DESC, id DESC"_s.arg(AlertColumns,
                                                                                       where));
    QList<Alert> alerts;
    while (query.next()) {
        alerts << Alert{query.value(0).toLongLong(), query.value(1).toLongLong(),
                        query.value(2).toString(),   query.value(3).toString(),
                        query.value(4).toLongLong(), optionalAt(query, 5),
                        optionalAt(query, 6)};
    }
    return alerts;
}

QFuture<QList<AlertRule>> SqliteStore::alertRules()
{
    return submit<QList<AlertRule>>([this] { return readRules(connection()); });
}

QFuture<AlertRule> SqliteStore::saveAlertRule(const AlertRule& rule)
{
    return submit<AlertRule>([this, rule] {
        QSqlDatabase db = connection();
        AlertRule saved = transaction(db, [&] {
            FieldErrors errors;
            if (const QString problem = rule.validate(); !problem.isEmpty())
                errors << FieldError{u"threshold"_s, problem};
            if (!rule.keyId.isEmpty() && !selectKey(db, u"id"_s, rule.keyId)) {
                errors << FieldError{u"key"_s,
                                     u"there is no key with the id \"%1\""_s.arg(rule.keyId)};
            }
            if (!errors.isEmpty())
                throw StoreError(StoreError::Code::Invalid, u"The alert rule is not valid."_s,
                                 errors);
            QSqlQuery write = prepare(
                db, rule.id == 0 ? u"INSERT INTO alert_rules (kind, threshold, key_id, enabled) "
                                   "VALUES (?, ?, ?, ?)"_s
                                 : u"UPDATE alert_rules SET kind = ?, threshold = ?, key_id = ?, "
                                   "enabled = ? WHERE id = ?"_s);
            write.addBindValue(AlertRule::kindName(rule.kind));
            write.addBindValue(rule.threshold);
            write.addBindValue(rule.keyId.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                                    : QVariant(rule.keyId));
            write.addBindValue(rule.enabled ? 1 : 0);
            if (rule.id != 0)
                write.addBindValue(rule.id);
            execute(write);
            if (rule.id != 0 && write.numRowsAffected() == 0) {
                throw StoreError(StoreError::Code::NotFound,
                                 u"There is no alert rule %1 in this store."_s.arg(rule.id));
            }
            AlertRule result = rule;
            if (rule.id == 0)
                result.id = write.lastInsertId().toLongLong();
            return result;
        });
        notifyAlertsChanged();
        return saved;
    });
}

QFuture<void> SqliteStore::deleteAlertRule(qint64 ruleId)
{
    return submit<void>([this, ruleId] {
        QSqlDatabase db = connection();
        transaction(db, [&] {
            QSqlQuery remove = prepare(db, u"DELETE FROM alert_rules WHERE id = ?"_s);
            remove.addBindValue(ruleId);
            execute(remove);
            if (remove.numRowsAffected() == 0) {
                throw StoreError(StoreError::Code::NotFound,
                                 u"There is no alert rule %1 in this store."_s.arg(ruleId));
            }
            QSqlQuery clear = prepare(
                db, u"UPDATE alerts SET cleared_at = ? WHERE rule_id = ? AND cleared_at IS NULL"_s);
            clear.addBindValue(m_clock.nowUtcMs());
            clear.addBindValue(ruleId);
            execute(clear);
        });
        notifyAlertsChanged();
    });
}

QFuture<QList<Alert>> SqliteStore::alerts(bool includeCleared)
{
    return submit<QList<Alert>>([this, includeCleared] {
        return readAlerts(connection(), includeCleared ? QString() : u"WHERE cleared_at IS NULL"_s);
    });
}

QFuture<Alert> SqliteStore::acknowledgeAlert(qint64 alertId)
{
    return submit<Alert>([this, alertId] {
        QSqlDatabase db = connection();
        Alert alert = transaction(db, [&] {
            // The first acknowledgement's time stays.
            QSqlQuery update = prepare(
                db,
                u"UPDATE alerts SET acknowledged_at = ifnull(acknowledged_at, ?) WHERE id = ?"_s);
            update.addBindValue(m_clock.nowUtcMs());
            update.addBindValue(alertId);
            execute(update);
            const QList<Alert> found = readAlerts(db, u"WHERE id = %1"_s.arg(alertId));
            if (found.isEmpty()) {
                throw StoreError(StoreError::Code::NotFound,
                                 u"There is no alert %1 in this store."_s.arg(alertId));
            }
            return found.first();
        });
        notifyAlertsChanged();
        return alert;
    });
}

bool SqliteStore::resetCycles(const QSqlDatabase& db, qint64 nowMs) const
{
    struct Cycle
    {
        QString id;
        int billingDay = 1;
        std::optional<qint64> storedStartMs;
    };
    QList<Cycle> cycles;
    QSqlQuery query = execute(db, u"SELECT id, billing_cycle_day, cycle_start_ms FROM keys "
                                  "WHERE type = 'subscription' AND status != 'revoked'"_s);
    while (query.next())
        cycles << Cycle{query.value(0).toString(), query.value(1).toInt(), optionalAt(query, 2)};
    query.finish();

    const SqliteSession session(db);
    const UsageReader reader{session};
    QSqlQuery update = prepare(db, u"UPDATE keys SET cycle_start_ms = ? WHERE id = ?"_s);
    bool reset = false;
    for (const Cycle& cycle : std::as_const(cycles)) {
        const qint64 start = BillingCycle::cycleStart(cycle.billingDay, nowMs);
        if (cycle.storedStartMs && *cycle.storedStartMs >= start)
            continue;
        if (cycle.storedStartMs) {
            const qint64 used = reader.keyCost(cycle.id, *cycle.storedStartMs, start);
            addEvent(db, cycle.id, KeyEvent::Kind::QuotaReset,
                     u"cycle from %1: %2 used in the previous cycle"_s.arg(
                         utcDate(start), UsdAmount::display(used)));
            reset = true;
        }
        update.addBindValue(start);
        update.addBindValue(cycle.id);
        execute(update);
    }
    return reset;
}

QFuture<QList<Alert>> SqliteStore::evaluateAlerts()
{
    return submit<QList<Alert>>([this] {
        QSqlDatabase db = connection();
        const qint64 now = m_clock.nowUtcMs();
        bool reset = false;
        bool changed = false;
        QList<Alert> raised = transaction(db, [&] {
            reset = resetCycles(db, now);
            AlertEvaluator::Outcome outcome = AlertEvaluator::evaluate(
                readRules(db), readKeys(db), readAlerts(db, u"WHERE cleared_at IS NULL"_s), now);
            QSqlQuery insert = prepare(
                db,
                u"INSERT INTO alerts (rule_id, key_id, message, raised_at) VALUES (?, ?, ?, ?)"_s);
            for (Alert& alert : outcome.raised) {
                insert.addBindValue(alert.ruleId);
                insert.addBindValue(alert.keyId);
                insert.addBindValue(alert.message);
                insert.addBindValue(alert.raisedAtMs);
                execute(insert);
                alert.id = insert.lastInsertId().toLongLong();
            }
            QSqlQuery clear = prepare(db, u"UPDATE alerts SET cleared_at = ? WHERE id = ?"_s);
            for (qint64 id : std::as_const(outcome.clearedIds)) {
                clear.addBindValue(now);
                clear.addBindValue(id);
                execute(clear);
            }
            changed = !outcome.raised.isEmpty() || !outcome.clearedIds.isEmpty();
            return outcome.raised;
        });
        if (reset)
            notifyKeysChanged();
        if (changed)
            notifyAlertsChanged();
        return raised;
    });
}

QFuture<QList<KeyEvent>> SqliteStore::keyEvents(const QString& keyId)
{
    return submit<QList<KeyEvent>>([this, keyId] {
        const QSqlDatabase db = connection();
        requireKey(db, keyId);
        QSqlQuery query = prepare(
            db, u"SELECT id, kind, at_ms, detail FROM key_events WHERE key_id = ? ORDER BY id"_s);
        query.addBindValue(keyId);
        execute(query);
        QList<KeyEvent> events;
        while (query.next()) {
            const auto kind = eventKindNamed(query.value(1).toString());
            if (!kind) {
                throw StoreError(StoreError::Code::Unavailable,
                                 u"The key store %1 has an unreadable event for key %2."_s.arg(
                                     QDir::toNativeSeparators(m_path), keyId));
            }
            events << KeyEvent{query.value(0).toLongLong(), keyId, *kind,
                               query.value(2).toLongLong(), query.value(3).toString()};
        }
        return events;
    });
}
