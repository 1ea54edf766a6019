#include "UsageLogView.h"

#include <QAbstractScrollArea>
#include <QCoreApplication>
#include <QScrollBar>
#include <QWheelEvent>

UsageLogView::UsageLogView(QWidget* parent)
    : QTableView(parent)
{}

void UsageLogView::wheelEvent(QWheelEvent* event)
{
    const QScrollBar* bar = verticalScrollBar();
    const int delta = event->angleDelta().y();
    const bool atTop = bar->value() == bar->minimum();
    // At the bottom, rows still to fetch are more log, not the end of it.
    const bool atBottom =
        bar->value() == bar->maximum() && !(model() && model()->canFetchMore(rootIndex()));
    if (!hasFocus() || delta == 0 || (delta > 0 && atTop) || (delta < 0 && atBottom)) {
        // Handed to the page's own scroll bar: Qt does not pass a wheel event on to the
        // parents when it did not come from the window system.
        for (QWidget* parent = parentWidget(); parent; parent = parent->parentWidget()) {
            if (auto* area = qobject_cast<QAbstractScrollArea*>(parent)) {
                QCoreApplication::sendEvent(area->verticalScrollBar(), event);
                return;
            }
        }
        event->ignore();
        return;
    }
    QTableView::wheelEvent(event);
}

QModelIndex UsageLogView::moveCursor(CursorAction cursorAction, Qt::KeyboardModifiers modifiers)
{
    const QModelIndex moved = QTableView::moveCursor(cursorAction, modifiers);
    const bool rowJump = (cursorAction == MoveHome || cursorAction == MoveEnd) &&
                         modifiers.testFlag(Qt::ControlModifier);
    if (!rowJump || !moved.isValid() || !currentIndex().isValid())
        return moved;
    return model()->index(moved.row(), currentIndex().column(), rootIndex());
}
