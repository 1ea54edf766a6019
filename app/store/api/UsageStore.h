#pragma once

#include "KeyUsage.h"
#include "PriceTable.h"
#include "UsageEvent.h"
#include "UsageGroupRow.h"
#include "UsageImport.h"
#include "UsageQuery.h"
#include "UsageSeries.h"
#include "UsageSource.h"

#include <QFuture>
#include <QObject>
#include <QStringList>
#include <optional>

// Usage events and their roll-ups, beside the keys of the same store (StoreConnection).
// Asynchronous like KeyStore; failures are StoreError.
class UsageStore : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsageStore)

public:
    explicit UsageStore(QObject* parent = nullptr)
        : QObject(parent)
    {}
    ~UsageStore() override = default;

    enum class Grouping
    {
        Key,
        Model
    };
    enum class LogColumn
    {
        Time,
        Key,
        Model,
        Endpoint,
        Status,
        PromptTokens,
        CompletionTokens,
        Cost,
        Latency
    };
    // The log columns by the names the admin API sorts by ("time", "prompt_tokens", ...).
    static QString logColumnName(LogColumn column);
    static std::optional<LogColumn> logColumnNamed(QStringView name);
    static QStringList logColumnNames();

    // Events name their key by id; an unknown id fails the whole batch. Events without a cost
    // are priced from the price table. An event whose request_id is already stored is skipped.
    // Returns how many events were new.
    virtual QFuture<qint64> recordUsage(const QList<UsageEvent>& events) = 0;
    // Reads the source as a stream (opened on the side that reads: memory does not grow with it).
    // Keys are named by id or label. Without skipBadLines the first bad line fails the import
    // (StoreError::Invalid, fields "line N: field") and nothing is stored; a source that does
    // not open fails with the field "file". A store that reads the file itself reports progress:
    // the range 0-1000 (permille of the file read), the lines read so far as the progress text
    // (digits alone), and stops, storing nothing, when the future is cancelled.
    virtual QFuture<UsageImportReport> importUsage(const UsageSource& source,
                                                   const UsageImportOptions& options) = 0;

    // Totals, slots and groups read roll-ups, so they count whole 15-minute slots: those starting
    // at or after UsageSeries::slotStart(query.fromMs) and before query.toMs. Logs and their count
    // read the events themselves in the exact [fromMs, toMs).
    virtual QFuture<UsageTotals> usageTotals(const UsageQuery& query) = 0;
    // Per 15-minute slot (Point::startMs = slot start), for UsageSeries::build.
    virtual QFuture<QList<UsageSeries::Point>> usageSlots(const UsageQuery& query) = 0;
    // Dense hour or day buckets in the zone, as UsageSeries::build folds usageSlots(). A store
    // far from its data folds them where the data is, so a 30-day chart carries 30 points, not
    // 2,880 slots.
    virtual QFuture<QList<UsageSeries::Point>>
    usageSeries(const UsageQuery& query, UsageSeries::BucketSize size, const QTimeZone& zone);
    // Highest cost first, ties by group name.
    virtual QFuture<QList<UsageGroupRow>> usageGroups(const UsageQuery& query,
                                                      Grouping grouping) = 0;
    // One page of the log, and where the next one starts.
    struct LogPage
    {
        QList<UsageEvent> events;
        // Made by the store, to be passed back as is for the rows after these; empty when no
        // rows follow.
        QString nextCursor;
    };
    // Sorted by the column (Key: by key id), ties broken by storage order in the same direction.
    // A page starts right after the row its cursor names (empty: from the first row), so rows
    // stored meanwhile - a backdated import during an export - never make a reader see a row
    // twice or miss one that was there, and a page a million rows in costs what the first
    // does. StoreError::Invalid ("cursor") for a cursor that is not this store's.
    virtual QFuture<LogPage> usageLogs(const UsageQuery& query, LogColumn sortColumn,
                                       Qt::SortOrder order, const QString& cursor, int limit) = 0;
    virtual QFuture<qint64> usageLogCount(const UsageQuery& query) = 0;
    // The usage-derived fields of every usable key (ApiKeyRecord's last use, quota used and
    // spend windows, as listKeys() would give them now), in no order.
    virtual QFuture<QList<KeyUsage>> keyUsage() = 0;
    // Every model seen in usage, for filters.
    virtual QFuture<QStringList> usageModels() = 0;

    virtual QFuture<PriceTable> priceTable() = 0;
    virtual QFuture<PriceTable> setPriceTable(const PriceTable& table) = 0;

Q_SIGNALS:
    // Emitted on the store's thread affinity when usage events arrive (recordUsage, a published
    // import, another process), and so when the spend and quota use they derive change.
    void usageChanged();
};
