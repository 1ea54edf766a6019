#pragma once

#include "Alert.h"
#include "DotIcons.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QHash>

class Clock;

// Raised alerts as table rows, newest first as the store lists them. Keys are shown by label;
// alerts of deleted keys keep their id.
class AlertTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertTableModel)

public:
    enum Column
    {
        Severity,
        Raised,
        Key,
        Message, // headed "Alert"
        Status,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role
    {
        // Sortable value: int for Severity (notice < warning < critical), qint64 UTC ms for
        // Raised, QString for Key and Alert, int for Status (needs attention < acknowledged <
        // cleared).
        RawValueRole = Qt::UserRole + 1,
        AlertIdRole,
    };

    explicit AlertTableModel(const Clock& clock, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void setAlerts(QList<Alert> alerts);
    // Label by key id.
    void setKeyLabels(QHash<QString, QString> labels);
    const Alert& alert(int row) const { return m_alerts.at(row); }
    int attentionCount() const;

    static QString statusText(const Alert& alert);
    // Red, amber and blue-grey, each readable as text on a light or a dark base.
    static QColor severityColor(Alert::Severity severity);
    // The severity of an alert acknowledged or cleared: nothing to look at.
    static inline const QColor SilencedColor{0x9e, 0x9e, 0x9e};

private:
    QString keyText(const Alert& alert) const;
    QString messageText(const Alert& alert) const;
    QVariant toolTip(const Alert& alert, int column) const;

    const Clock& m_clock;
    QList<Alert> m_alerts;
    QHash<QString, QString> m_labels;
    DotIcons m_dots;
};
