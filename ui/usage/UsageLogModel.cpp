#include "UsageLogModel.h"

#include "ErrorText.h"
#include "UsdAmount.h"
#include "UtcTime.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace {
// A live reload re-reads what is loaded, up to this: deep scrolling then pages in again.
constexpr int MaxReloadRows = 2000;

UsageStore::LogColumn storeColumn(int column)
{
    switch (UsageLogModel::Column(column)) {
    case UsageLogModel::Key:
        return UsageStore::LogColumn::Key;
    case UsageLogModel::Model:
        return UsageStore::LogColumn::Model;
    case UsageLogModel::Endpoint:
        return UsageStore::LogColumn::Endpoint;
    case UsageLogModel::Status:
        return UsageStore::LogColumn::Status;
    case UsageLogModel::PromptTokens:
        return UsageStore::LogColumn::PromptTokens;
    case UsageLogModel::CompletionTokens:
        return UsageStore::LogColumn::CompletionTokens;
    case UsageLogModel::Cost:
        return UsageStore::LogColumn::Cost;
    case UsageLogModel::Latency:
        return UsageStore::LogColumn::Latency;
    default:
        return UsageStore::LogColumn::Time;
    }
}

// Numbers line up on their last digit.
Qt::Alignment alignment(int column)
{
    switch (UsageLogModel::Column(column)) {
    case UsageLogModel::Status:
    case UsageLogModel::PromptTokens:
    case UsageLogModel::CompletionTokens:
    case UsageLogModel::Cost:
    case UsageLogModel::Latency:
        return Qt::AlignRight | Qt::AlignVCenter;
    default:
        return Qt::AlignLeft | Qt::AlignVCenter;
    }
}
} // namespace

UsageLogModel::UsageLogModel(UsageStore& store, QObject* parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{}

bool UsageLogModel::isSortable(int column)
{
    return column >= Time && column <= Latency;
}

void UsageLogModel::setQuery(const UsageQuery& query)
{
    m_query = query;
    m_hasQuery = true;
    ++m_generation;
    beginResetModel();
    m_events.clear();
    m_atEnd = false;
    setLoading(false);
    endResetModel();
    // Through fetchMore(): a view may already have asked for the first page while the reset
    // was announced, and one page must not be requested twice.
    fetchMore({});
}

void UsageLogModel::reload()
{
    if (!m_hasQuery)
        return;
    ++m_generation;
    const int rows = qBound(PageSize, int(m_events.size()), MaxReloadRows);
    setLoading(false);
    requestRows({}, rows, true);
}

void UsageLogModel::setKeyLabels(const QHash<QString, QString>& labels)
{
    if (labels == m_keyLabels)
        return;
    m_keyLabels = labels;
    if (!m_events.isEmpty())
        Q_EMIT dataChanged(index(0, Key), index(rowCount() - 1, Key));
}

void UsageLogModel::setLoading(bool loading)
{
    if (loading == m_loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged(loading);
}

void UsageLogModel::requestRows(const QString& cursor, int limit, bool replace)
{
    setLoading(true);
    const quint64 generation = m_generation;
    m_store.usageLogs(m_query, storeColumn(m_sortColumn), m_sortOrder, cursor, limit)
        .then(this,
              [this, generation, replace](const UsageStore::LogPage& page) {
                  // A store that answers at once runs this inside fetchMore(), which a view
                  // calls while it handles rowsInserted: insert from the event loop instead.
                  QMetaObject::invokeMethod(
                      this,
                      [this, generation, replace, page] { applyRows(generation, replace, page); },
                      Qt::QueuedConnection);
              })
        .onFailed(this, [this, generation](const std::exception& error) {
            if (generation != m_generation)
                return;
            setLoading(false);
            // Stop paging: a failing store would otherwise be asked again on every scroll.
            m_atEnd = true;
            Q_EMIT loadFailed(ErrorText::describe(error));
        });
}

void UsageLogModel::applyRows(quint64 generation, bool replace, const UsageStore::LogPage& page)
{
    if (generation != m_generation)
        return;
    const QList<UsageEvent>& rows = page.events;
    m_nextCursor = page.nextCursor;
    m_atEnd = m_nextCursor.isEmpty();
    // Still "loading" while the change is announced: whoever reacts to it with fetchMore()
    // must not ask for the rows being inserted a second time.
    if (replace && rows != m_events) {
        beginResetModel();
        m_events = rows;
        endResetModel();
    } else if (!replace && !rows.isEmpty()) {
        beginInsertRows({}, int(m_events.size()), int(m_events.size() + rows.size()) - 1);
        m_events.append(rows);
        endInsertRows();
    }
    setLoading(false);
}

int UsageLogModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int UsageLogModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool UsageLogModel::canFetchMore(const QModelIndex& parent) const
{
    return !parent.isValid() && m_hasQuery && !m_atEnd && !m_loading;
}

void UsageLogModel::fetchMore(const QModelIndex& parent)
{
    if (!canFetchMore(parent))
        return;
    requestRows(m_nextCursor, PageSize, false);
}

void UsageLogModel::sort(int column, Qt::SortOrder order)
{
    if (!isSortable(column) || (column == m_sortColumn && order == m_sortOrder))
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    if (m_hasQuery)
        setQuery(m_query);
}

QVariant UsageLogModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const UsageEvent& event = m_events.at(index.row());
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayText(event, column);
    case RawValueRole:
        return rawValue(event, column);
    case Qt::ToolTipRole:
        if (column == Time)
            return UtcTime::toRfc3339(event.timeMs);
        if (column == Key)
            return event.key;
        if (column == Status && event.isError())
            return event.status >= 500 ? u"Server error"_s : u"Client error"_s;
        return {};
    case Qt::ForegroundRole:
        if (column == Status && event.isError())
            return QBrush(event.status >= 500 ? QColor(0xb7, 0x1c, 0x1c)
                                              : QColor(0xc1, 0x5a, 0x00));
        return {};
    case Qt::TextAlignmentRole:
        return QVariant(alignment(column));
    default:
        return {};
    }
}

QVariant UsageLogModel::displayText(const UsageEvent& event, int column) const
{
    const QLocale locale;
    switch (Column(column)) {
    case Time:
        return QDateTime::fromMSecsSinceEpoch(event.timeMs, Qt::LocalTime)
            .toString(u"yyyy-MM-dd HH:mm:ss"_s);
    case Key:
        return keyText(event.key);
    case Model:
        return event.model;
    case Endpoint:
        return event.endpoint;
    case Status:
        return QString::number(event.status);
    case PromptTokens:
        return locale.toString(event.promptTokens);
    case CompletionTokens:
        return locale.toString(event.completionTokens);
    case Cost:
        return UsdAmount::display(event.costMicros.value_or(0));
    case Latency:
        return u"%1 ms"_s.arg(locale.toString(event.latencyMs));
    case ClientIp:
        return event.clientIp;
    case RequestId:
        return event.requestId;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant UsageLogModel::rawValue(const UsageEvent& event, int column) const
{
    switch (Column(column)) {
    case Time:
        return event.timeMs;
    case Key:
        return event.key;
    case Model:
        return event.model;
    case Endpoint:
        return event.endpoint;
    case Status:
        return event.status;
    case PromptTokens:
        return event.promptTokens;
    case CompletionTokens:
        return event.completionTokens;
    case Cost:
        return event.costMicros.value_or(0);
    case Latency:
        return event.latencyMs;
    case ClientIp:
        return event.clientIp;
    case RequestId:
        return event.requestId;
    case ColumnCount:
        break;
    }
    return {};
}

QString UsageLogModel::keyText(const QString& id) const
{
    // A deleted key keeps its usage; its id is all that is left to show.
    return m_keyLabels.value(id, id);
}

QVariant UsageLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole)
        return QVariant(alignment(section));
    if (role == Qt::ToolTipRole && !isSortable(section))
        return u"Not sortable"_s;
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Time:
        return u"Time"_s;
    case Key:
        return u"Key"_s;
    case Model:
        return u"Model"_s;
    case Endpoint:
        return u"Endpoint"_s;
    case Status:
        return u"Status"_s;
    case PromptTokens:
        return u"Prompt"_s;
    case CompletionTokens:
        return u"Completion"_s;
    case Cost:
        return u"Cost"_s;
    case Latency:
        return u"Latency"_s;
    case ClientIp:
        return u"Client IP"_s;
    case RequestId:
        return u"Request ID"_s;
    case ColumnCount:
        break;
    }
    return {};
}
