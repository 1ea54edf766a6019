#pragma once

#include <QDateTimeEdit>

// A QDateTimeEdit that takes a date and time typed in full, as an admin types it from a ticket
// ("2031-07-04 18:45", or "2031-7-4 8:05"). The plain one drops such input: typed over a
// selection of the whole text its year is lost, and after a section fills up and moves on by
// itself, the separator typed next skips the following section as well.
class TypeableDateTimeEdit final : public QDateTimeEdit
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TypeableDateTimeEdit)

public:
    explicit TypeableDateTimeEdit(QWidget* parent = nullptr);

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void focusInEvent(QFocusEvent* event) override;

private:
    // The last key filled a section and moved on to the next one by itself.
    bool m_movedOn = false;
};
