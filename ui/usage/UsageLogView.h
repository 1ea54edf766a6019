#pragma once

#include <QTableView>

// A usage log table (the Usage page's, a key page's). Where a page scrolls around it, the wheel
// scrolls the log only once it has been clicked into (and hands on to the page at either end),
// so scrolling the page never gets caught in it on the way down. Ctrl+Home and Ctrl+End go to the
// first and last row in the column they are in, not to the far right of the table.
class UsageLogView final : public QTableView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsageLogView)

public:
    explicit UsageLogView(QWidget* parent = nullptr);

protected:
    void wheelEvent(QWheelEvent* event) override;
    QModelIndex moveCursor(CursorAction cursorAction, Qt::KeyboardModifiers modifiers) override;
};
