#include "AlertTableModel.h"

#include "Clock.h"
#include "KeyTableModel.h"
#include "UtcTime.h"

#include <QColor>
#include <QFont>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 MinuteMs = 60'000;
constexpr qint64 HourMs = 60 * MinuteMs;
constexpr qint64 DayMs = 24 * HourMs;

int statusRank(const Alert& alert)
{
    if (!alert.isOpen())
        return 2;
    return alert.acknowledgedAtMs ? 1 : 0;
}

QString ago(qint64 ms)
{
    if (ms < MinuteMs)
        return u"just now"_s;
    if (ms < HourMs)
        return u"%1 min ago"_s.arg(ms / MinuteMs);
    if (ms < DayMs)
        return ms < 2 * HourMs ? u"1 hour ago"_s : u"%1 hours ago"_s.arg(ms / HourMs);
    return ms < 2 * DayMs ? u"1 day ago"_s : u"%1 days ago"_s.arg(ms / DayMs);
}
} // namespace

AlertTableModel::AlertTableModel(const Clock& clock, QObject* parent)
    : QAbstractTableModel(parent)
    , m_clock(clock)
{}

int AlertTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_alerts.size());
}

int AlertTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString AlertTableModel::statusText(const Alert& alert)
{
    switch (statusRank(alert)) {
    case 0:
        return u"Needs attention"_s;
    case 1:
        return u"Acknowledged"_s;
    default:
        return u"Cleared"_s;
    }
}

QString AlertTableModel::keyText(const Alert& alert) const
{
    const auto label = m_labels.constFind(alert.keyId);
    return label != m_labels.cend() ? *label : alert.keyId;
}

QString AlertTableModel::messageText(const Alert& alert) const
{
    // The Key column already names the key: "prod-web-app: quota remaining $1.20" reads as
    // "Quota remaining $1.20" beside it.
    const auto label = m_labels.constFind(alert.keyId);
    if (label == m_labels.cend() || !alert.message.startsWith(*label + u": "_s))
        return alert.message;
    QString text = alert.message.mid(label->size() + 2);
    if (!text.isEmpty())
        text[0] = text.at(0).toUpper();
    return text;
}

QVariant AlertTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Alert& alert = m_alerts.at(index.row());
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(column)) {
        case Severity:
            return Alert::severityText(alert.severity);
        case Raised:
            return KeyTableModel::formatLocalTime(alert.raisedAtMs);
        case Key:
            return keyText(alert);
        case Message:
            return messageText(alert);
        case Status:
            return statusText(alert);
        case ColumnCount:
            break;
        }
        return {};
    case RawValueRole:
        switch (Column(column)) {
        case Severity:
            return int(alert.severity);
        case Raised:
            return alert.raisedAtMs;
        case Key:
            return keyText(alert);
        case Message:
            return messageText(alert);
        case Status:
            return statusRank(alert);
        case ColumnCount:
            break;
        }
        return {};
    case AlertIdRole:
        return alert.id;
    case Qt::ToolTipRole:
        return toolTip(alert, column);
    case Qt::DecorationRole:
        if (column == Severity)
            return m_dots.of(alert.needsAttention() ? severityColor(alert.severity)
                                                    : SilencedColor);
        return {};
    case Qt::ForegroundRole:
        if (column == Status && alert.needsAttention())
            return QColor(0xc6, 0x28, 0x28);
        // Settled alerts fade so the ones needing a look stand out.
        if (!alert.needsAttention())
            return QColor(0x80, 0x80, 0x80);
        return {};
    case Qt::FontRole:
        if ((column == Status ||
             (column == Severity && alert.severity == Alert::Severity::Critical)) &&
            alert.needsAttention()) {
            QFont font;
            font.setWeight(QFont::DemiBold);
            return font;
        }
        return {};
    default:
        return {};
    }
}

QColor AlertTableModel::severityColor(Alert::Severity severity)
{
    switch (severity) {
    case Alert::Severity::Critical:
        return QColor(0xd3, 0x2f, 0x2f);
    case Alert::Severity::Warning:
        return QColor(0xef, 0x8f, 0x00);
    case Alert::Severity::Notice:
        return QColor(0x60, 0x7d, 0x8b);
    }
    return {};
}

QVariant AlertTableModel::toolTip(const Alert& alert, int column) const
{
    switch (Column(column)) {
    case Severity:
        switch (alert.severity) {
        case Alert::Severity::Critical:
            return u"The key's requests are refused, or will be within a day"_s;
        case Alert::Severity::Warning:
            return u"The key is close to a limit or its expiry, or a rotation is overdue"_s;
        case Alert::Severity::Notice:
            return u"Worth doing, not yet urgent"_s;
        }
        return {};
    case Raised:
        return u"%1 (%2)"_s.arg(UtcTime::toRfc3339(alert.raisedAtMs),
                                ago(qMax<qint64>(0, m_clock.nowUtcMs() - alert.raisedAtMs)));
    case Key:
        return m_labels.contains(alert.keyId) ? u"ID: %1"_s.arg(alert.keyId)
                                              : u"This key no longer exists"_s;
    case Message:
        return alert.message;
    case Status:
        if (alert.clearedAtMs)
            return u"The condition cleared at %1; it raises a new alert if it returns"_s.arg(
                KeyTableModel::formatLocalTime(*alert.clearedAtMs));
        if (alert.acknowledgedAtMs)
            return u"Acknowledged at %1; stays listed until the condition clears"_s.arg(
                KeyTableModel::formatLocalTime(*alert.acknowledgedAtMs));
        return u"Select it and click Acknowledge once you have seen it"_s;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant AlertTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 &&
        section < ColumnCount) {
        switch (Column(section)) {
        case Severity:
            return u"Severity"_s;
        case Raised:
            return u"Raised"_s;
        case Key:
            return u"Key"_s;
        case Message:
            return u"Alert"_s;
        case Status:
            return u"Status"_s;
        case ColumnCount:
            break;
        }
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

void AlertTableModel::setAlerts(QList<Alert> alerts)
{
    // A few dozen rows at most: a reset is cheap, and the page restores the selection by id.
    beginResetModel();
    m_alerts = std::move(alerts);
    endResetModel();
}

void AlertTableModel::setKeyLabels(QHash<QString, QString> labels)
{
    if (labels == m_labels)
        return;
    m_labels = std::move(labels);
    if (!m_alerts.isEmpty())
        Q_EMIT dataChanged(index(0, Key), index(rowCount() - 1, Message));
}

int AlertTableModel::attentionCount() const
{
    return int(std::count_if(m_alerts.cbegin(), m_alerts.cend(),
                             [](const Alert& alert) { return alert.needsAttention(); }));
}
