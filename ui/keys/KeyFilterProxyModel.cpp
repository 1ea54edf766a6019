#include "KeyFilterProxyModel.h"

#include "ApiKeyFormat.h"
#include "KeyTableModel.h"

KeyFilterProxyModel::KeyFilterProxyModel(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(KeyTableModel::RawValueRole);
}

void KeyFilterProxyModel::setSourceModel(QAbstractItemModel* model)
{
    m_keys = qobject_cast<KeyTableModel*>(model);
    QSortFilterProxyModel::setSourceModel(model);
}

void KeyFilterProxyModel::setSearchText(const QString& text)
{
    if (text == m_searchText)
        return;
    m_searchText = text;
    const QString trimmed = text.trimmed();
    m_digest =
        ApiKeyFormat::isWellFormed(trimmed) ? ApiKeyFormat::digestHex(trimmed) : QByteArray();
    m_needle = m_digest.isEmpty() ? trimmed.toCaseFolded() : QString();
    refilter();
}

void KeyFilterProxyModel::setEnvironmentFilter(const QString& environment)
{
    if (environment == m_environment)
        return;
    m_environment = environment;
    refilter();
}

void KeyFilterProxyModel::setStatusFilter(std::optional<KeyStatus> status)
{
    if (status == m_status)
        return;
    m_status = status;
    refilter();
}

void KeyFilterProxyModel::refilter()
{
    // invalidateFilter() removes the rows that no longer match one range at a time; a search
    // that keeps every fourth of 100k sorted rows makes that tens of thousands of removals
    // (seconds). Rebuilding the mapping costs one pass and one sort, and keeps persistent
    // indexes (the selection) valid.
    invalidate();
}

bool KeyFilterProxyModel::isFiltering() const
{
    return !m_needle.isEmpty() || !m_digest.isEmpty() || !m_environment.isEmpty() ||
           m_status.has_value();
}

bool KeyFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (!m_keys)
        return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
    const ApiKeyRecord& record = m_keys->record(sourceRow);
    if (!m_environment.isEmpty() && record.spec.environment != m_environment)
        return false;
    if (m_status && record.effectiveStatus(m_keys->nowUtcMs()) != *m_status)
        return false;
    if (!m_digest.isEmpty())
        return record.digestHex == m_digest;
    return m_needle.isEmpty() || m_keys->searchTextAt(sourceRow).contains(m_needle);
}

bool KeyFilterProxyModel::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    if (!m_keys)
        return QSortFilterProxyModel::lessThan(left, right);
    return m_keys->lessThan(left.row(), right.row(), left.column(), m_keys->nowUtcMs());
}
