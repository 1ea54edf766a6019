#pragma once

#include "ApiKeyRecord.h"
#include "KeyEnums.h"

#include <QAbstractProxyModel>
#include <QThreadPool>
#include <optional>

class KeyTableModel;

// Search, environment and status filters over a KeyTableModel, and sorting by its raw values.
//
// Not a QSortFilterProxyModel: re-sorting 100k rows there costs over 20 ms on the GUI thread
// even with a comparison that is one integer lookup, and every search re-sorts. Here a new
// filter or sort order is computed on a worker from a snapshot of the rows (implicitly shared,
// so taking it copies nothing) and applied as one layout change; until it arrives the view
// keeps the previous order. Small tables, and edits of a few rows, are ordered in place, where
// a thread round trip would only add a frame of delay.
class KeyFilterProxyModel final : public QAbstractProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyFilterProxyModel)

public:
    // Tables of up to this many rows are ordered on the calling thread.
    static constexpr int DefaultSynchronousRows = 2000;

    explicit KeyFilterProxyModel(QObject* parent = nullptr,
                                 int synchronousRows = DefaultSynchronousRows);
    ~KeyFilterProxyModel() override;

    // Must be a KeyTableModel.
    void setSourceModel(QAbstractItemModel* model) override;

    // Case-insensitive substring of label, masked key, environment, id or an allowed model.
    // A complete, well-formed key finds the key it belongs to (by digest): "whose key is this?".
    void setSearchText(const QString& text);
    // Empty: every environment.
    void setEnvironmentFilter(const QString& environment);
    // Effective status, so Expired and Active are told apart. nullopt: every status.
    void setStatusFilter(std::optional<KeyStatus> status);

    bool isFiltering() const;
    // True while the rows shown do not yet follow the current filters and sort order.
    bool isPending() const { return m_pending; }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    QModelIndex sibling(int row, int column, const QModelIndex& index) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QModelIndex mapToSource(const QModelIndex& proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex& sourceIndex) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

Q_SIGNALS:
    // The rows shown follow the current filters and sort order again.
    void settled();

private:
    struct Criteria
    {
        QString needle;
        QByteArray digest;
        QString environment;
        std::optional<KeyStatus> status;
        int column = -1;
        Qt::SortOrder order = Qt::AscendingOrder;

        bool isFiltering() const;
        bool accepts(const ApiKeyRecord& record, const QString& searchText, qint64 now) const;
        // A strict total order: ties go by source row, as a stable sort would leave them.
        bool before(const QList<ApiKeyRecord>& records, int left, int right, qint64 now) const;
    };
    // Source rows in display order.
    static QList<int> orderRows(const QList<ApiKeyRecord>& records,
                                const QList<QString>& searchText, const Criteria& criteria,
                                qint64 now);

    void criteriaChanged();
    // Orders every row now (small tables) or on the worker.
    void reorder();
    void startWorker();
    void workerFinished(quint64 generation, QList<int> rows);
    // Shows rows in a new order as one layout change; persistent indexes (the selection)
    // follow their rows, and those of rows no longer shown become invalid.
    void relayout(QList<int> rows);
    // Where a row goes in the current order: only valid while not pending.
    qsizetype insertionPoint(const QList<int>& rows, int sourceRow, qint64 now) const;
    void rebuildSourceToProxy(int sourceRowCount);

    void sourceAboutToBeReset();
    void sourceReset();
    void sourceRowsInserted(const QModelIndex& parent, int first, int last);
    void sourceRowsAboutToBeRemoved(const QModelIndex& parent, int first, int last);
    void sourceRowsRemoved(const QModelIndex& parent, int first, int last);
    void sourceDataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight,
                           const QList<int>& roles);

    const int m_synchronousRows;
    KeyTableModel* m_keys = nullptr;
    QString m_searchText;
    Criteria m_criteria;
    QList<int> m_proxyToSource;
    QList<int> m_sourceToProxy;
    bool m_pending = false;
    // Bumped by every change of rows or criteria; a worker result for an older one is dropped.
    quint64 m_generation = 0;
    bool m_workerRunning = false;
    bool m_workerAgain = false;
    // Last member: destroyed first, so it waits for a running worker while the model exists.
    QThreadPool m_worker;
};
