#pragma once

#include "UsageEvent.h"
#include "UsageQuery.h"
#include "UsageStore.h"

#include <QAbstractTableModel>
#include <QHash>

// The usage log as a table, read from the store a page at a time as the view scrolls
// (canFetchMore / fetchMore). The store sorts, so sorting re-queries instead of sorting rows
// here: a log of a million events is never held in memory.
class UsageLogModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsageLogModel)

public:
    enum Column
    {
        Time,
        Key,
        Model,
        Endpoint,
        Status,
        PromptTokens,
        CompletionTokens,
        Cost,
        Latency,
        ClientIp,
        RequestId,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role
    {
        // Time: UTC ms; Key: key id; tokens, latency: qint64; Cost: micro-USD (qint64);
        // Status: int; the rest: QString.
        RawValueRole = Qt::UserRole + 1,
    };

    static constexpr int PageSize = 200;

    explicit UsageLogModel(UsageStore& store, QObject* parent = nullptr);

    // Starts over with the first page of this query.
    void setQuery(const UsageQuery& query);
    const UsageQuery& query() const { return m_query; }
    // Reads the rows shown so far again (new events arrived), without a reset when nothing moved.
    void reload();
    // id -> label, for the Key column.
    void setKeyLabels(const QHash<QString, QString>& labels);

    const UsageEvent& event(int row) const { return m_events.at(row); }
    bool isLoading() const { return m_loading; }
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }
    // IP and request id are shown, not sorted by: the store has no index for them.
    static bool isSortable(int column);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

Q_SIGNALS:
    void loadingChanged(bool loading);
    void loadFailed(const QString& message);

private:
    void setLoading(bool loading);
    void requestRows(const QString& cursor, int limit, bool replace);
    void applyRows(quint64 generation, bool replace, const UsageStore::LogPage& page);
    QVariant displayText(const UsageEvent& event, int column) const;
    QVariant rawValue(const UsageEvent& event, int column) const;
    QString keyText(const QString& id) const;

    UsageStore& m_store;
    UsageQuery m_query;
    bool m_hasQuery = false;
    QList<UsageEvent> m_events;
    QHash<QString, QString> m_keyLabels;
    int m_sortColumn = Time;
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
    bool m_atEnd = true;
    // Where the rows after the last one shown start (UsageStore::usageLogs).
    QString m_nextCursor;
    bool m_loading = false;
    // Answers to an older query or sort arrive late: they are dropped, not shown.
    quint64 m_generation = 0;
};
