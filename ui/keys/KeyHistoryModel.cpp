#include "KeyHistoryModel.h"

#include "KeyTableModel.h"

#include <algorithm>

using namespace Qt::StringLiterals;

KeyHistoryModel::KeyHistoryModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void KeyHistoryModel::setEvents(const QList<KeyEvent>& events)
{
    beginResetModel();
    m_events = events;
    std::reverse(m_events.begin(), m_events.end());
    endResetModel();
}

QString KeyHistoryModel::eventText(KeyEvent::Kind kind)
{
    switch (kind) {
    case KeyEvent::Kind::Created:
        return u"Created"_s;
    case KeyEvent::Kind::Updated:
        return u"Edited"_s;
    case KeyEvent::Kind::Rotated:
        return u"Rotated"_s;
    case KeyEvent::Kind::QuotaReset:
        return u"Quota reset"_s;
    case KeyEvent::Kind::Disabled:
        return u"Disabled"_s;
    case KeyEvent::Kind::Enabled:
        return u"Enabled"_s;
    case KeyEvent::Kind::Revoked:
        return u"Revoked"_s;
    }
    return {};
}

int KeyHistoryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int KeyHistoryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant KeyHistoryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const KeyEvent& event = m_events.at(index.row());
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (Column(index.column())) {
        case Time:
            return KeyTableModel::formatLocalTime(event.atMs);
        case Event:
            return eventText(event.kind);
        case Detail:
            return event.detail;
        case ColumnCount:
            break;
        }
    }
    return {};
}

QVariant KeyHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Time:
        return u"Time"_s;
    case Event:
        return u"Event"_s;
    case Detail:
        return u"Detail"_s;
    case ColumnCount:
        break;
    }
    return {};
}
