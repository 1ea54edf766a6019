#include "KeyFilterProxyModel.h"

#include "ApiKeyFormat.h"
#include "KeyTableModel.h"

#include <algorithm>

namespace {

// Edits of up to this many rows are placed by binary search instead of a full reorder.
constexpr int SmallChange = 64;

bool touches(const QModelIndex& topLeft, const QModelIndex& bottomRight, int column)
{
    return column >= topLeft.column() && column <= bottomRight.column();
}

} // namespace

KeyFilterProxyModel::KeyFilterProxyModel(QObject* parent, int synchronousRows)
    : QAbstractProxyModel(parent)
    , m_synchronousRows(synchronousRows)
{
    m_worker.setMaxThreadCount(1);
}

KeyFilterProxyModel::~KeyFilterProxyModel()
{
    m_worker.waitForDone();
}

void KeyFilterProxyModel::setSourceModel(QAbstractItemModel* model)
{
    if (m_keys)
        disconnect(m_keys, nullptr, this, nullptr);
    beginResetModel();
    m_keys = qobject_cast<KeyTableModel*>(model);
    Q_ASSERT(m_keys || !model);
    QAbstractProxyModel::setSourceModel(m_keys);
    m_proxyToSource.clear();
    m_sourceToProxy.clear();
    if (m_keys) {
        connect(m_keys, &QAbstractItemModel::modelAboutToBeReset, this,
                &KeyFilterProxyModel::sourceAboutToBeReset);
        connect(m_keys, &QAbstractItemModel::modelReset, this, &KeyFilterProxyModel::sourceReset);
        connect(m_keys, &QAbstractItemModel::rowsInserted, this,
                &KeyFilterProxyModel::sourceRowsInserted);
        connect(m_keys, &QAbstractItemModel::rowsAboutToBeRemoved, this,
                &KeyFilterProxyModel::sourceRowsAboutToBeRemoved);
        connect(m_keys, &QAbstractItemModel::rowsRemoved, this,
                &KeyFilterProxyModel::sourceRowsRemoved);
        connect(m_keys, &QAbstractItemModel::dataChanged, this,
                &KeyFilterProxyModel::sourceDataChanged);
        m_proxyToSource =
            orderRows(m_keys->records(), m_keys->searchTexts(), m_criteria, m_keys->nowUtcMs());
        rebuildSourceToProxy(m_keys->rowCount());
    }
    endResetModel();
}

void KeyFilterProxyModel::setSearchText(const QString& text)
{
    if (text == m_searchText)
        return;
    m_searchText = text;
    const QString trimmed = text.trimmed();
    m_criteria.digest =
        ApiKeyFormat::isWellFormed(trimmed) ? ApiKeyFormat::digestHex(trimmed) : QByteArray();
    m_criteria.needle = m_criteria.digest.isEmpty() ? trimmed.toCaseFolded() : QString();
    criteriaChanged();
}

void KeyFilterProxyModel::setEnvironmentFilter(const QString& environment)
{
    if (environment == m_criteria.environment)
        return;
    m_criteria.environment = environment;
    criteriaChanged();
}

void KeyFilterProxyModel::setStatusFilter(std::optional<KeyStatus> status)
{
    if (status == m_criteria.status)
        return;
    m_criteria.status = status;
    criteriaChanged();
}

void KeyFilterProxyModel::sort(int column, Qt::SortOrder order)
{
    if (column == m_criteria.column && order == m_criteria.order)
        return;
    m_criteria.column = column;
    m_criteria.order = order;
    criteriaChanged();
}

bool KeyFilterProxyModel::isFiltering() const
{
    return m_criteria.isFiltering();
}

bool KeyFilterProxyModel::Criteria::isFiltering() const
{
    return !needle.isEmpty() || !digest.isEmpty() || !environment.isEmpty() || status.has_value();
}

bool KeyFilterProxyModel::Criteria::accepts(const ApiKeyRecord& record, const QString& searchText,
                                            qint64 now) const
{
    if (!environment.isEmpty() && record.spec.environment != environment)
        return false;
    if (status && record.effectiveStatus(now) != *status)
        return false;
    if (!digest.isEmpty())
        return record.digestHex == digest;
    return needle.isEmpty() || searchText.contains(needle);
}

bool KeyFilterProxyModel::Criteria::before(const QList<ApiKeyRecord>& records, int left, int right,
                                           qint64 now) const
{
    if (column >= 0) {
        const ApiKeyRecord& a = records.at(left);
        const ApiKeyRecord& b = records.at(right);
        if (order == Qt::AscendingOrder ? KeyTableModel::lessThan(a, b, column, now)
                                        : KeyTableModel::lessThan(b, a, column, now))
            return true;
        if (order == Qt::AscendingOrder ? KeyTableModel::lessThan(b, a, column, now)
                                        : KeyTableModel::lessThan(a, b, column, now))
            return false;
    }
    return left < right;
}

QList<int> KeyFilterProxyModel::orderRows(const QList<ApiKeyRecord>& records,
                                          const QList<QString>& searchText,
                                          const Criteria& criteria, qint64 now)
{
    QList<int> rows;
    rows.reserve(records.size());
    for (int row = 0; row < records.size(); ++row) {
        if (criteria.accepts(records.at(row), searchText.at(row), now))
            rows.append(row);
    }
    if (criteria.column >= 0) {
        std::sort(rows.begin(), rows.end(),
                  [&](int left, int right) { return criteria.before(records, left, right, now); });
    }
    return rows;
}

void KeyFilterProxyModel::criteriaChanged()
{
    ++m_generation;
    reorder();
}

void KeyFilterProxyModel::reorder()
{
    if (!m_keys)
        return;
    if (m_keys->rowCount() <= m_synchronousRows) {
        relayout(
            orderRows(m_keys->records(), m_keys->searchTexts(), m_criteria, m_keys->nowUtcMs()));
        if (std::exchange(m_pending, false))
            Q_EMIT settled();
        return;
    }
    m_pending = true;
    if (m_workerRunning)
        m_workerAgain = true;
    else
        startWorker();
}

void KeyFilterProxyModel::startWorker()
{
    m_workerRunning = true;
    // Copies of implicitly shared lists: the worker reads them while the GUI thread goes on
    // (a write there detaches its own copy).
    m_worker.start([this, generation = m_generation, records = m_keys->records(),
                    searchText = m_keys->searchTexts(), criteria = m_criteria,
                    now = m_keys->nowUtcMs()] {
        QList<int> rows = orderRows(records, searchText, criteria, now);
        QMetaObject::invokeMethod(
            this,
            [this, generation, rows = std::move(rows)]() mutable {
                workerFinished(generation, std::move(rows));
            },
            Qt::QueuedConnection);
    });
}

void KeyFilterProxyModel::workerFinished(quint64 generation, QList<int> rows)
{
    m_workerRunning = false;
    if (std::exchange(m_workerAgain, false) || generation != m_generation) {
        if (m_pending)
            startWorker();
        return;
    }
    relayout(std::move(rows));
    m_pending = false;
    Q_EMIT settled();
}

void KeyFilterProxyModel::relayout(QList<int> rows)
{
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    QList<int> sourceRows;
    sourceRows.reserve(before.size());
    for (const QModelIndex& index : before)
        sourceRows.append(m_proxyToSource.at(index.row()));
    m_proxyToSource = std::move(rows);
    rebuildSourceToProxy(int(m_sourceToProxy.size()));
    QModelIndexList after;
    after.reserve(before.size());
    for (qsizetype i = 0; i < before.size(); ++i) {
        const int row = m_sourceToProxy.at(sourceRows.at(i));
        after.append(row < 0 ? QModelIndex() : createIndex(row, before.at(i).column()));
    }
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

qsizetype KeyFilterProxyModel::insertionPoint(const QList<int>& rows, int sourceRow,
                                              qint64 now) const
{
    const QList<ApiKeyRecord>& records = m_keys->records();
    const auto it = std::lower_bound(rows.cbegin(), rows.cend(), sourceRow, [&](int a, int b) {
        return m_criteria.before(records, a, b, now);
    });
    return it - rows.cbegin();
}

void KeyFilterProxyModel::rebuildSourceToProxy(int sourceRowCount)
{
    m_sourceToProxy.fill(-1, sourceRowCount);
    for (int row = 0; row < m_proxyToSource.size(); ++row)
        m_sourceToProxy[m_proxyToSource.at(row)] = row;
}

void KeyFilterProxyModel::sourceAboutToBeReset()
{
    beginResetModel();
}

void KeyFilterProxyModel::sourceReset()
{
    ++m_generation;
    m_proxyToSource.clear();
    m_sourceToProxy.fill(-1, m_keys->rowCount());
    if (m_keys->rowCount() <= m_synchronousRows) {
        m_proxyToSource =
            orderRows(m_keys->records(), m_keys->searchTexts(), m_criteria, m_keys->nowUtcMs());
        rebuildSourceToProxy(m_keys->rowCount());
        endResetModel();
        if (std::exchange(m_pending, false))
            Q_EMIT settled();
        return;
    }
    // Empty until the worker's order arrives: showing the rows unfiltered or unsorted for a
    // moment would be wrong, not just late.
    endResetModel();
    reorder();
}

void KeyFilterProxyModel::sourceRowsInserted(const QModelIndex& parent, int first, int last)
{
    if (parent.isValid())
        return;
    ++m_generation;
    const int count = last - first + 1;
    QList<int> rows = m_proxyToSource;
    for (int& row : rows)
        row += row >= first ? count : 0;
    m_proxyToSource = rows;
    rebuildSourceToProxy(m_keys->rowCount());

    const qint64 now = m_keys->nowUtcMs();
    const bool place = !m_pending && count <= SmallChange;
    for (int source = first; source <= last; ++source) {
        if (m_criteria.accepts(m_keys->record(source), m_keys->searchTextAt(source), now))
            rows.insert(place ? insertionPoint(rows, source, now) : rows.size(), source);
    }
    if (rows.size() != m_proxyToSource.size())
        relayout(std::move(rows));
    if (!place)
        reorder();
}

void KeyFilterProxyModel::sourceRowsAboutToBeRemoved(const QModelIndex& parent, int first, int last)
{
    if (parent.isValid())
        return;
    QList<int> rows = m_proxyToSource;
    rows.removeIf([first, last](int row) { return row >= first && row <= last; });
    if (rows.size() != m_proxyToSource.size())
        relayout(std::move(rows));
}

void KeyFilterProxyModel::sourceRowsRemoved(const QModelIndex& parent, int first, int last)
{
    if (parent.isValid())
        return;
    // The removed rows left the view in sourceRowsAboutToBeRemoved; this only renumbers.
    ++m_generation;
    const int count = last - first + 1;
    for (int& row : m_proxyToSource)
        row -= row > last ? count : 0;
    rebuildSourceToProxy(m_keys->rowCount());
    if (m_pending)
        reorder();
}

void KeyFilterProxyModel::sourceDataChanged(const QModelIndex& topLeft,
                                            const QModelIndex& bottomRight, const QList<int>& roles)
{
    if (topLeft.parent().isValid())
        return;
    const bool filterMoves =
        m_criteria.isFiltering() && (touches(topLeft, bottomRight, KeyTableModel::Label) ||
                                     touches(topLeft, bottomRight, KeyTableModel::Environment) ||
                                     touches(topLeft, bottomRight, KeyTableModel::Status));
    const bool sortMoves =
        m_criteria.column >= 0 && touches(topLeft, bottomRight, m_criteria.column);
    if (filterMoves || sortMoves) {
        ++m_generation;
        const int count = bottomRight.row() - topLeft.row() + 1;
        if (!m_pending && count <= SmallChange) {
            const qint64 now = m_keys->nowUtcMs();
            QList<int> rows = m_proxyToSource;
            rows.removeIf(
                [&](int row) { return row >= topLeft.row() && row <= bottomRight.row(); });
            for (int source = topLeft.row(); source <= bottomRight.row(); ++source) {
                if (m_criteria.accepts(m_keys->record(source), m_keys->searchTextAt(source), now))
                    rows.insert(insertionPoint(rows, source, now), source);
            }
            if (rows != m_proxyToSource)
                relayout(std::move(rows));
        } else {
            reorder();
        }
    }

    int firstShown = -1;
    int lastShown = -1;
    for (int source = topLeft.row(); source <= bottomRight.row(); ++source) {
        const int row = m_sourceToProxy.at(source);
        if (row < 0)
            continue;
        firstShown = firstShown < 0 ? row : qMin(firstShown, row);
        lastShown = qMax(lastShown, row);
    }
    if (firstShown >= 0)
        Q_EMIT dataChanged(index(firstShown, topLeft.column()),
                           index(lastShown, bottomRight.column()), roles);
}

QModelIndex KeyFilterProxyModel::index(int row, int column, const QModelIndex& parent) const
{
    if (parent.isValid() || row < 0 || row >= m_proxyToSource.size() || column < 0 ||
        column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex KeyFilterProxyModel::parent(const QModelIndex&) const
{
    return {};
}

QModelIndex KeyFilterProxyModel::sibling(int row, int column, const QModelIndex&) const
{
    return index(row, column);
}

int KeyFilterProxyModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_proxyToSource.size());
}

int KeyFilterProxyModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_keys ? 0 : m_keys->columnCount();
}

bool KeyFilterProxyModel::hasChildren(const QModelIndex& parent) const
{
    return rowCount(parent) > 0;
}

QVariant KeyFilterProxyModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (!m_keys)
        return {};
    if (orientation == Qt::Horizontal)
        return m_keys->headerData(section, orientation, role);
    if (section < 0 || section >= m_proxyToSource.size())
        return {};
    return m_keys->headerData(m_proxyToSource.at(section), orientation, role);
}

QModelIndex KeyFilterProxyModel::mapToSource(const QModelIndex& proxyIndex) const
{
    if (!m_keys || !proxyIndex.isValid() || proxyIndex.model() != this)
        return {};
    return m_keys->index(m_proxyToSource.at(proxyIndex.row()), proxyIndex.column());
}

QModelIndex KeyFilterProxyModel::mapFromSource(const QModelIndex& sourceIndex) const
{
    if (!sourceIndex.isValid() || sourceIndex.model() != m_keys ||
        sourceIndex.row() >= m_sourceToProxy.size())
        return {};
    const int row = m_sourceToProxy.at(sourceIndex.row());
    return row < 0 ? QModelIndex() : createIndex(row, sourceIndex.column());
}
