#include "TypeableDateTimeEdit.h"

#include <QKeyEvent>
#include <QLineEdit>

TypeableDateTimeEdit::TypeableDateTimeEdit(QWidget* parent)
    : QDateTimeEdit(parent)
{}

void TypeableDateTimeEdit::keyPressEvent(QKeyEvent* event)
{
    const QString text = event->text();
    const bool plain = !(event->modifiers() & ~(Qt::ShiftModifier | Qt::KeypadModifier));
    const QChar typed = plain && text.size() == 1 ? text.at(0) : QChar();
    const bool digit = typed.isDigit();
    const bool separator = typed.isPrint() && !typed.isLetterOrNumber();
    if (separator && m_movedOn) {
        // The move the separator asks for has been made already.
        m_movedOn = false;
        event->accept();
        return;
    }
    if (digit && lineEdit()->hasSelectedText() && lineEdit()->selectedText() == lineEdit()->text())
        setSelectedSection(sectionAt(0));
    const Section before = currentSection();
    QDateTimeEdit::keyPressEvent(event);
    m_movedOn = digit && currentSection() != before;
}

void TypeableDateTimeEdit::focusInEvent(QFocusEvent* event)
{
    m_movedOn = false;
    QDateTimeEdit::focusInEvent(event);
}
