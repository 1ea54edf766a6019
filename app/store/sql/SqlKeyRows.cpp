#include "SqlKeyRows.h"

#include "ApiKeyFormat.h"
#include "BillingCycle.h"
#include "Clock.h"
#include "KeyStore.h"
#include "KeyValidator.h"
#include "RotationBudgets.h"
#include "SqlDatabase.h"
#include "SqlSchema.h"
#include "StoreError.h"
#include "UsageReader.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace {

constexpr int IdRandomLength = 16;
const QString StandardPrefixKey = u"standard_prefix"_s;
const QString SubscriptionPrefixKey = u"subscription_prefix"_s;
const QString ExpiryWarningDaysKey = u"expiry_warning_days"_s;
const QString RotationPeriodDaysKey = u"rotation_period_days"_s;
constexpr int MaxSettingDays = 3650;

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
    ColOwner,
    ColNote,
};

const QString KeyColumns =
    u"id, label, environment, type, billing_cycle_day, permissions, status, prefix, hint, digest, "
    "created_at, updated_at, last_used_at, revoked_at, expires_at, quota_limit_micros, "
    "quota_used_micros, spend_cap_day_micros, spend_cap_week_micros, spend_cap_month_micros, tier, "
    "rpm_override, tpm_override, models, ip_allowlist, rotated_from_id, rotated_to_id, "
    "vault_entry, vault_owner, owner, note"_s;

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
    u"owner"_s,
    u"note"_s,
};

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

std::optional<KeyEvent::Kind> eventKindNamed(const QString& name)
{
    static const auto table =
        tableOf({KeyEvent::Kind::Created, KeyEvent::Kind::Updated, KeyEvent::Kind::Rotated,
                 KeyEvent::Kind::QuotaReset, KeyEvent::Kind::Disabled, KeyEvent::Kind::Enabled,
                 KeyEvent::Kind::Revoked},
                &KeyEvent::kindName);
    return lookUp(table, name);
}

QString idOfRecord(const ApiKeyRecord& record)
{
    return record.id;
}
} // namespace

SqlKeyRows::SqlKeyRows(const SqlSession& session, const SqlDatabase& database)
    : m_session(session)
    , m_database(database)
{}

StoreError SqlKeyRows::notFound(const QString& idOrLabel)
{
    return StoreError(StoreError::Code::NotFound,
                      u"There is no key \"%1\" in this store."_s.arg(idOrLabel));
}

const QStringList& SqlKeyRows::specColumns()
{
    return SpecColumns;
}

void SqlKeyRows::bindSpec(QSqlQuery& query, const KeySpec& spec)
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
    query.bindValue(u":expires_at"_s, SqlSession::optionalValue(spec.expiresAtMs));
    query.bindValue(u":quota_limit_micros"_s, SqlSession::optionalValue(spec.quotaLimitMicros));
    query.bindValue(u":spend_cap_day_micros"_s, SqlSession::optionalValue(spec.spendCapDayMicros));
    query.bindValue(u":spend_cap_week_micros"_s,
                    SqlSession::optionalValue(spec.spendCapWeekMicros));
    query.bindValue(u":spend_cap_month_micros"_s,
                    SqlSession::optionalValue(spec.spendCapMonthMicros));
    query.bindValue(u":tier"_s, KeyEnums::tierName(spec.tier));
    query.bindValue(u":rpm_override"_s, SqlSession::optionalValue(spec.rpmOverride));
    query.bindValue(u":tpm_override"_s, SqlSession::optionalValue(spec.tpmOverride));
    query.bindValue(u":models"_s, jsonList(spec.models));
    query.bindValue(u":ip_allowlist"_s, jsonList(ips));
    // Not NULL: the columns are NOT NULL, and a null QString binds as NULL.
    query.bindValue(u":owner"_s, spec.owner.isNull() ? u""_s : spec.owner);
    query.bindValue(u":note"_s, spec.note.isNull() ? u""_s : spec.note);
}

std::optional<qint64> SqlKeyRows::cycleStart(const KeySpec& spec, qint64 nowMs)
{
    if (spec.type != KeyType::Subscription)
        return std::nullopt;
    return BillingCycle::cycleStart(spec.billingCycleDay, nowMs);
}

QList<ApiKeyRecord> SqlKeyRows::all() const
{
    QSqlQuery count = m_session.run(u"SELECT COUNT(*) FROM keys WHERE pending_until IS NULL"_s);
    QList<ApiKeyRecord> records;
    records.reserve(count.next() ? count.value(0).toLongLong() : 0);
    count.finish();
    // One aggregate for every key, not one query per key.
    const qint64 now = m_database.clock().nowUtcMs();
    const UsageReader reader{m_session};
    const QHash<QString, UsageReader::KeySpend> spend = reader.keySpend(now);
    const QHash<QString, qint64> cycleUsed = reader.cycleUsage(now);
    // The insertion order breaks ties between keys created in the same millisecond: newest
    // first still.
    QSqlQuery query = m_session.run(
        u"SELECT %1 FROM keys WHERE pending_until IS NULL "
        "ORDER BY created_at DESC, %2 DESC"_s.arg(KeyColumns, m_session.insertionOrder()));
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
    QList<std::pair<QString, QString>> links;
    for (const ApiKeyRecord& record : std::as_const(records))
        links.append({record.id, record.rotatedFromId});
    RotationBudgets::fromLinks(links).shareIn(m_session, now, records, idOfRecord);
    return records;
}

KeyStore::Page SqlKeyRows::page(const KeyListQuery& q) const
{
    const auto invalid = [](const QString& field, const QString& message) {
        return StoreError(StoreError::Code::Invalid, u"The key list query is not valid."_s,
                          {FieldError{field, message}});
    };
    if (q.limit < 1 || q.limit > KeyListQuery::MaxLimit)
        throw invalid(u"limit"_s, u"must be from 1 to %1"_s.arg(KeyListQuery::MaxLimit));
    std::optional<std::pair<qint64, qint64>> after;
    if (!q.cursor.isEmpty()) {
        const QStringList parts = q.cursor.split(u':');
        bool createdOk = false;
        bool rowOk = false;
        const qint64 created = parts.value(0).toLongLong(&createdOk);
        const qint64 row = parts.value(1).toLongLong(&rowOk);
        if (parts.size() != 2 || !createdOk || !rowOk || row <= 0 ||
            q.cursor != u"%1:%2"_s.arg(created).arg(row))
            throw invalid(u"cursor"_s, u"not a cursor this store gave out"_s);
        after = std::pair(created, row);
    }

    const qint64 now = m_database.clock().nowUtcMs();
    QStringList where{u"pending_until IS NULL"_s};
    QVariantList values;
    if (!q.environment.isEmpty()) {
        where << u"environment = ?"_s;
        values << q.environment;
    }
    // The effective status: revoked wins over expired, expired over disabled.
    const QString expired = u"(expires_at IS NOT NULL AND expires_at <= ?)"_s;
    if (q.status) {
        const QString revoked = KeyEnums::statusName(KeyStatus::Revoked);
        switch (*q.status) {
        case KeyStatus::Revoked:
            where << u"status = ?"_s;
            values << revoked;
            break;
        case KeyStatus::Expired:
            where << u"status <> ? AND "_s + expired;
            values << revoked << now;
            break;
        case KeyStatus::Disabled:
        case KeyStatus::Active:
            where << u"status = ? AND NOT "_s + expired;
            values << KeyEnums::statusName(*q.status) << now;
            break;
        }
    }
    if (!q.search.isEmpty()) {
        QString pattern = q.search;
        pattern.replace(u'\\', u"\\\\"_s).replace(u'%', u"\\%"_s).replace(u'_', u"\\_"_s);
        pattern = u'%' + pattern + u'%';
        // Case-insensitive: SQLite's LIKE is, PostgreSQL's ILIKE.
        where << u"(label %1 ? ESCAPE '\\' OR hint %1 ? ESCAPE '\\' OR id %1 ? ESCAPE '\\' OR "
                 "owner %1 ? ESCAPE '\\')"_s.arg(
                     m_session.dialect() == SqlDialect::Postgres ? u"ILIKE"_s : u"LIKE"_s);
        values << pattern << pattern << pattern << pattern;
    }
    const QString filter = where.join(u" AND "_s);

    KeyStore::Page page;
    if (!after) {
        QSqlQuery count = m_session.prepare(u"SELECT COUNT(*) FROM keys WHERE "_s + filter);
        for (const QVariant& value : std::as_const(values))
            count.addBindValue(value);
        m_session.run(count);
        page.total = count.next() ? count.value(0).toLongLong() : 0;
    }
    const QString order = m_session.insertionOrder();
    QString sql = u"SELECT %1, %2 FROM keys WHERE %3"_s.arg(KeyColumns, order, filter);
    QVariantList pageValues = values;
    if (after) {
        sql += u" AND (created_at < ? OR (created_at = ? AND %1 < ?))"_s.arg(order);
        pageValues << after->first << after->first << after->second;
    }
    sql += u" ORDER BY created_at DESC, %1 DESC LIMIT ?"_s.arg(order);
    pageValues << q.limit + 1;
    QSqlQuery query = m_session.prepare(sql);
    for (const QVariant& value : std::as_const(pageValues))
        query.addBindValue(value);
    m_session.run(query);
    const int rowidColumn = ColNote + 1;
    qint64 lastCreated = 0;
    qint64 lastRowid = 0;
    while (query.next()) {
        if (page.keys.size() == q.limit) {
            page.nextCursor = u"%1:%2"_s.arg(lastCreated).arg(lastRowid);
            break;
        }
        page.keys.append(recordAt(query));
        lastCreated = page.keys.constLast().createdAtMs;
        lastRowid = query.value(rowidColumn).toLongLong();
    }
    query.finish();
    if (page.keys.isEmpty())
        return page;
    // Derived fields for the page's keys only, in one aggregate each rather than per key.
    QStringList ids;
    QStringList subscriptions;
    for (const ApiKeyRecord& record : std::as_const(page.keys)) {
        ids << record.id;
        if (record.spec.type == KeyType::Subscription)
            subscriptions << record.id;
    }
    const UsageReader reader{m_session};
    const QHash<QString, UsageReader::KeySpend> spend = reader.keySpend(now, ids);
    const QHash<QString, qint64> cycleUsed =
        subscriptions.isEmpty() ? QHash<QString, qint64>() : reader.cycleUsage(now, subscriptions);
    for (ApiKeyRecord& record : page.keys) {
        const UsageReader::KeySpend keySpend = spend.value(record.id);
        record.spendDayMicros = keySpend.dayMicros;
        record.spendWeekMicros = keySpend.weekMicros;
        record.spendMonthMicros = keySpend.monthMicros;
        if (record.spec.type == KeyType::Subscription)
            record.quotaUsedMicros = cycleUsed.value(record.id);
    }
    RotationBudgets::readFor(m_session, ids).shareIn(m_session, now, page.keys, idOfRecord);
    return page;
}

ApiKeyRecord SqlKeyRows::recordAt(const QSqlQuery& query) const
{
    ApiKeyRecord record;
    record.id = query.value(ColId).toString();
    const auto corrupt = [&](const QString& column) {
        return StoreError(StoreError::Code::Unavailable,
                          u"The key store %1 has an unreadable %2 for key %3."_s.arg(
                              m_database.shownLocation(), column, record.id));
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
    record.lastUsedAtMs = SqlSession::optionalAt(query, ColLastUsedAt);
    record.revokedAtMs = SqlSession::optionalAt(query, ColRevokedAt);
    spec.expiresAtMs = SqlSession::optionalAt(query, ColExpiresAt);
    spec.quotaLimitMicros = SqlSession::optionalAt(query, ColQuotaLimit);
    record.quotaUsedMicros = query.value(ColQuotaUsed).toLongLong();
    spec.spendCapDayMicros = SqlSession::optionalAt(query, ColSpendCapDay);
    spec.spendCapWeekMicros = SqlSession::optionalAt(query, ColSpendCapWeek);
    spec.spendCapMonthMicros = SqlSession::optionalAt(query, ColSpendCapMonth);
    const auto tier = tierNamed(query.value(ColTier).toString());
    if (!tier)
        throw corrupt(u"tier"_s);
    spec.tier = *tier;
    spec.rpmOverride = SqlSession::optionalAt(query, ColRpm);
    spec.tpmOverride = SqlSession::optionalAt(query, ColTpm);
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
    record.ownsVaultEntry = query.value(ColVaultOwner).toString() == m_database.storeId();
    spec.owner = query.value(ColOwner).toString();
    spec.note = query.value(ColNote).toString();
    return record;
}

std::optional<ApiKeyRecord> SqlKeyRows::select(const QString& column, const QString& value,
                                               Pending pending) const
{
    QSqlQuery query = m_session.prepare(u"SELECT %1 FROM keys WHERE %2 = ?%3"_s.arg(
        KeyColumns, column,
        pending == Pending::Excluded ? u" AND pending_until IS NULL"_s : QString()));
    query.addBindValue(value);
    m_session.run(query);
    if (!query.next())
        return std::nullopt;
    ApiKeyRecord record = recordAt(query);
    query.finish();
    deriveUsage(&record, m_database.clock().nowUtcMs());
    return record;
}

void SqlKeyRows::deriveUsage(ApiKeyRecord* record, qint64 nowMs) const
{
    const UsageReader reader{m_session};
    const auto spend = reader.keySpend(nowMs, {record->id}).value(record->id);
    record->spendDayMicros = spend.dayMicros;
    record->spendWeekMicros = spend.weekMicros;
    record->spendMonthMicros = spend.monthMicros;
    if (record->spec.type == KeyType::Subscription)
        record->quotaUsedMicros = reader.cycleUsage(nowMs, {record->id}).value(record->id);
    if (record->rotatedFromId.isEmpty() && record->rotatedToId.isEmpty())
        return;
    QList<ApiKeyRecord> one{*record};
    RotationBudgets::readFor(m_session, {record->id}).shareIn(m_session, nowMs, one, idOfRecord);
    *record = one.constFirst();
}

ApiKeyRecord SqlKeyRows::require(const QString& id) const
{
    std::optional<ApiKeyRecord> record = select(u"id"_s, id);
    if (!record)
        throw notFound(id);
    return *record;
}

void SqlKeyRows::requireLabelFree(const QString& label, const QString& exceptId) const
{
    QSqlQuery query =
        m_session.prepare(u"SELECT id FROM keys WHERE label = ? AND id IS DISTINCT FROM ?"_s);
    query.addBindValue(label);
    query.addBindValue(exceptId);
    m_session.run(query);
    if (query.next()) {
        throw StoreError(
            StoreError::Code::Conflict, u"Another key already uses this label."_s,
            {FieldError{u"label"_s, u"\"%1\" is already used by key %2; labels are unique"_s.arg(
                                        label, query.value(0).toString())}});
    }
}

void SqlKeyRows::validate(const KeySpec& spec, const KeySpec* stored) const
{
    const FieldErrors errors = KeyValidator::validate(spec, m_database.clock().nowUtcMs(), stored);
    if (!errors.isEmpty())
        throw StoreError(StoreError::Code::Invalid, u"The key settings are not valid."_s, errors);
}

WorkspaceSettings SqlKeyRows::settings() const
{
    WorkspaceSettings settings;
    QSqlQuery query = m_session.run(u"SELECT key, value FROM meta"_s);
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

CreatedKey SqlKeyRows::insert(const KeySpec& spec, bool pending) const
{
    const QString prefix = settings().prefixFor(spec.type);
    CreatedKey key;
    key.secret = ApiKeyFormat::generate(prefix, m_database.rng());
    ApiKeyRecord& record = key.record;
    record.id = u"key_"_s + ApiKeyFormat::randomBase62(IdRandomLength, m_database.rng());
    record.spec = spec;
    record.status = KeyStatus::Active;
    record.prefix = prefix;
    record.hint = ApiKeyFormat::displayHint(key.secret);
    record.digestHex = ApiKeyFormat::digestHex(key.secret);
    record.createdAtMs = m_database.clock().nowUtcMs();
    record.updatedAtMs = record.createdAtMs;
    record.vaultEntry = m_database.storeId() + u'/' + record.id;
    record.ownsVaultEntry = true;

    QSqlQuery insert = m_session.prepare(
        u"INSERT INTO keys (id, status, prefix, hint, digest, created_at, updated_at, "
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
    insert.bindValue(u":cycle_start_ms"_s,
                     SqlSession::optionalValue(cycleStart(spec, record.createdAtMs)));
    insert.bindValue(u":vault_entry"_s, record.vaultEntry);
    insert.bindValue(u":vault_owner"_s, m_database.storeId());
    insert.bindValue(
        u":pending_until"_s,
        SqlSession::optionalValue(
            pending ? std::optional<qint64>(record.createdAtMs + KeyStore::PendingKeyLifetimeMs)
                    : std::nullopt));
    bindSpec(insert, spec);
    m_session.run(insert);
    if (!pending)
        addEvent(record.id, KeyEvent::Kind::Created);
    return key;
}

void SqlKeyRows::purgeAbandoned() const
{
    QSqlQuery stale = m_session.prepare(u"SELECT id FROM keys WHERE pending_until < ?"_s);
    stale.addBindValue(m_database.clock().nowUtcMs());
    m_session.run(stale);
    QStringList ids;
    while (stale.next())
        ids << stale.value(0).toString();
    stale.finish();
    for (const QString& id : std::as_const(ids)) {
        for (const QString& sql :
             {u"DELETE FROM keys WHERE id = ?"_s, u"DELETE FROM key_events WHERE key_id = ?"_s}) {
            QSqlQuery query = m_session.prepare(sql);
            query.addBindValue(id);
            m_session.run(query);
        }
    }
}

void SqlKeyRows::addEvent(const QString& keyId, KeyEvent::Kind kind, const QString& detail) const
{
    QSqlQuery insert = m_session.prepare(u"INSERT INTO key_events (key_id, kind, at_ms, detail) "
                                         "VALUES (?, ?, ?, coalesce(?, ''))"_s);
    insert.addBindValue(keyId);
    insert.addBindValue(KeyEvent::kindName(kind));
    insert.addBindValue(m_database.clock().nowUtcMs());
    insert.addBindValue(detail);
    m_session.run(insert);
}

QList<KeyEvent> SqlKeyRows::events(const QString& keyId) const
{
    require(keyId);
    QSqlQuery query = m_session.prepare(
        u"SELECT id, kind, at_ms, detail FROM key_events WHERE key_id = ? ORDER BY id"_s);
    query.addBindValue(keyId);
    m_session.run(query);
    QList<KeyEvent> events;
    while (query.next()) {
        const auto kind = eventKindNamed(query.value(1).toString());
        if (!kind) {
            throw StoreError(StoreError::Code::Unavailable,
                             u"The key store %1 has an unreadable event for key %2."_s.arg(
                                 m_database.shownLocation(), keyId));
        }
        events << KeyEvent{query.value(0).toLongLong(), keyId, *kind, query.value(2).toLongLong(),
                           query.value(3).toString()};
    }
    return events;
}

void SqlKeyRows::writeSettings(const WorkspaceSettings& settings) const
{
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
    SqlSchema::writeMeta(m_session,
                         {{StandardPrefixKey, settings.standardPrefix},
                          {SubscriptionPrefixKey, settings.subscriptionPrefix},
                          {ExpiryWarningDaysKey, QString::number(settings.expiryWarningDays)},
                          {RotationPeriodDaysKey, QString::number(settings.rotationPeriodDays)}});
}
