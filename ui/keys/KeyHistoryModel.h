#pragma once

#include "KeyEvent.h"

#include <QAbstractTableModel>

// A key's history on its key page: what happened and when, newest first.
class KeyHistoryModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyHistoryModel)

public:
    enum Column
    {
        Time,
        Event,
        Detail,
        ColumnCount
    };
    Q_ENUM(Column)

    explicit KeyHistoryModel(QObject* parent = nullptr);

    // Events as a store lists them (oldest first).
    void setEvents(const QList<KeyEvent>& events);
    // "Created", "Quota reset", ...
    static QString eventText(KeyEvent::Kind kind);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<KeyEvent> m_events;
};
