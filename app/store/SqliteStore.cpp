#include "SqliteStore.h"

#include "ApiKeyFormat.h"
#include "Clock.h"
#include "KeyValidator.h"
#include "StoreError.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPromise>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <memory>
#include <type_traits>

using namespace Qt::StringLiterals;

namespace {

constexpr int BusyTimeoutMs = 5000;
constexpr int DataVersionPollMs = 1000;
constexpr int IdRandomLength = 16;

const QString StandardPrefixKey = u"standard_prefix"_s;
const QString SubscriptionPrefixKey = u"subscription_prefix"_s;

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
};

const QString KeyColumns =
    u"id, label, environment, type, billing_cycle_day, permissions, status, prefix, hint, digest, "
    "created_at, updated_at, last_used_at, revoked_at, expires_at, quota_limit_micros, "
    "quota_used_micros, spend_cap_day_micros, spend_cap_week_micros, spend_cap_month_micros, tier, "
    "rpm_override, tpm_override, models, ip_allowlist"_s;

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
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        fail(u"Could not prepare a statement"_s, query.lastError().text());
    return query;
}

void SqliteStore::execute(QSqlQuery& query) const
{
    if (!query.exec())
        fail(u"Could not read or write the keys"_s, query.lastError().text());
}

QSqlQuery SqliteStore::execute(const QSqlDatabase& db, const QString& sql) const
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.exec(sql))
        fail(u"Could not read or write the keys"_s, query.lastError().text());
    return query;
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
    const QString folder = QFileInfo(m_path).absolutePath();
    if (!QDir().mkpath(folder)) {
        throw StoreError(StoreError::Code::Unavailable,
                         u"Could not create the folder %1 for the key store %2."_s.arg(
                             QDir::toNativeSeparators(folder), QDir::toNativeSeparators(m_path)));
    }
    QSqlDatabase db = QSqlDatabase::contains(m_connectionName)
                          ? QSqlDatabase::database(m_connectionName, false)
                          : QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
    db.setDatabaseName(m_path);
    db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=%1"_s.arg(BusyTimeoutMs));
    if (!db.open())
        fail(u"Could not open the key store"_s, db.lastError().text());
    try {
        execute(db, u"PRAGMA busy_timeout = %1"_s.arg(BusyTimeoutMs));
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
        migrate(db);
        QSqlQuery version = execute(db, u"PRAGMA data_version"_s);
        m_dataVersion = version.next() ? version.value(0).toLongLong() : 0;
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
void SqliteStore::checkDataVersion()
{
    if (!m_open)
        return;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(u"PRAGMA data_version"_s) || !query.next())
        return;
    const qint64 version = query.value(0).toLongLong();
    if (version != m_dataVersion) {
        m_dataVersion = version;
        notifyKeysChanged();
    }
}

void SqliteStore::notifyKeysChanged()
{
    QMetaObject::invokeMethod(
        this, [this] { Q_EMIT keysChanged(); }, Qt::QueuedConnection);
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
    return record;
}

std::optional<ApiKeyRecord> SqliteStore::selectKey(const QSqlDatabase& db, const QString& column,
                                                   const QString& value) const
{
    QSqlQuery query = prepare(db, u"SELECT %1 FROM keys WHERE %2 = ?"_s.arg(KeyColumns, column));
    query.addBindValue(value);
    execute(query);
    if (!query.next())
        return std::nullopt;
    return recordAt(query);
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

void SqliteStore::validate(const KeySpec& spec) const
{
    const FieldErrors errors = KeyValidator::validate(spec, m_clock.nowUtcMs());
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
    }
    return settings;
}

QFuture<CreatedKey> SqliteStore::createKey(const KeySpec& spec)
{
    return submit<CreatedKey>([this, spec] {
        QSqlDatabase db = connection();
        validate(spec);
        CreatedKey created = transaction(db, [&] {
            requireLabelFree(db, spec.label, QString());
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

            QSqlQuery insert = prepare(
                db,
                u"INSERT INTO keys (id, status, prefix, hint, digest, created_at, updated_at, %1) "
                "VALUES (:id, :status, :prefix, :hint, :digest, :created_at, :updated_at, :%2)"_s
                    .arg(SpecColumns.join(u", "), SpecColumns.join(u", :")));
            insert.bindValue(u":id"_s, record.id);
            insert.bindValue(u":status"_s, KeyEnums::statusName(record.status));
            insert.bindValue(u":prefix"_s, record.prefix);
            insert.bindValue(u":hint"_s, record.hint);
            insert.bindValue(u":digest"_s, QString::fromLatin1(record.digestHex));
            insert.bindValue(u":created_at"_s, record.createdAtMs);
            insert.bindValue(u":updated_at"_s, record.updatedAtMs);
            bindSpec(insert, spec);
            execute(insert);
            return key;
        });
        notifyKeysChanged();
        return created;
    });
}

QFuture<QList<ApiKeyRecord>> SqliteStore::listKeys()
{
    return submit<QList<ApiKeyRecord>>([this] {
        QSqlDatabase db = connection();
        // One read transaction: the count and the rows see the same snapshot.
        execute(db, u"BEGIN"_s);
        try {
            QSqlQuery count = execute(db, u"SELECT COUNT(*) FROM keys"_s);
            QList<ApiKeyRecord> records;
            records.reserve(count.next() ? count.value(0).toLongLong() : 0);
            count.finish();
            // rowid breaks ties between keys created in the same millisecond: newest first still.
            QSqlQuery query = execute(
                db, u"SELECT %1 FROM keys ORDER BY created_at DESC, rowid DESC"_s.arg(KeyColumns));
            while (query.next())
                records << recordAt(query);
            query.finish();
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
            validate(spec);
            requireLabelFree(db, spec.label, id);
            record.spec = spec;
            record.updatedAtMs = m_clock.nowUtcMs();

            QStringList assignments;
            for (const QString& column : SpecColumns)
                assignments << column + u" = :"_s + column;
            QSqlQuery update =
                prepare(db, u"UPDATE keys SET %1, updated_at = :updated_at WHERE id = :id"_s.arg(
                                assignments.join(u", ")));
            bindSpec(update, spec);
            update.bindValue(u":updated_at"_s, record.updatedAtMs);
            update.bindValue(u":id"_s, id);
            execute(update);
            return record;
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
            return record;
        });
        notifyKeysChanged();
        return updated;
    });
}

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
        });
        notifyKeysChanged();
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
        if (!errors.isEmpty())
            throw StoreError(StoreError::Code::Invalid, u"The workspace settings are not valid."_s,
                             errors);
        transaction(db, [&] {
            QSqlQuery upsert =
                prepare(db, u"INSERT INTO meta (key, value) VALUES (?, ?) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"_s);
            upsert.addBindValue(QVariantList{StandardPrefixKey, SubscriptionPrefixKey});
            upsert.addBindValue(QVariantList{settings.standardPrefix, settings.subscriptionPrefix});
            if (!upsert.execBatch())
                fail(u"Could not save the workspace settings"_s, upsert.lastError().text());
        });
        notifyKeysChanged();
        return settings;
    });
}
