#include "UsageLogView.h"

#include <QAbstractScrollArea>
#include <QCoreApplication>
#include <QHeaderView>
#include <QScrollBar>
#include <QWheelEvent>

UsageLogView::UsageLogView(QWidget* parent)
    : QTableView(parent)
{
    // Read-only rows of one height: a page of the log lays out without measuring each row.
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setAlternatingRowColors(true);
    setShowGrid(false);
    setWordWrap(false);
    verticalHeader()->hide();
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
}

void UsageLogView::wheelEvent(QWheelEvent* event)
{
    QAbstractScrollArea* page = nullptr;
    for (QWidget* parent = parentWidget(); parent && !page; parent = parent->parentWidget())
        page = qobject_cast<QAbstractScrollArea*>(parent);
    if (!page) {
        QTableView::wheelEvent(event);
        return;
    }
    const QScrollBar* bar = verticalScrollBar();
    const int delta = event->angleDelta().y();
    const bool atTop = bar->value() == bar->minimum();
    // At the bottom, rows still to fetch are more log, not the end of it.
    const bool atBottom =
        bar->value() == bar->maximum() && !(model() && model()->canFetchMore(rootIndex()));
    if (!hasFocus() || delta == 0 || (delta > 0 && atTop) || (delta < 0 && atBottom)) {
        // Handed to the page's own scroll bar: Qt does not pass a wheel event on to the
        // parents when it did not come from the window system.
        QCoreApplication::sendEvent(page->verticalScrollBar(), event);
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
