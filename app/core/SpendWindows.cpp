#include "SpendWindows.h"

#include <QDateTime>
#include <QTimeZone>

SpendWindows SpendWindows::at(qint64 nowUtcMs)
{
    const QTimeZone utc = QTimeZone::utc();
    const QDate today = QDateTime::fromMSecsSinceEpoch(nowUtcMs, utc).date();
    const QDate monday = today.addDays(1 - today.dayOfWeek());
    const QDate firstOfMonth(today.year(), today.month(), 1);
    const auto start = [&utc](QDate day) {
        return day.startOfDay(utc).toMSecsSinceEpoch();
    };
    return {start(today),        start(today.addDays(1)),
            start(monday),       start(monday.addDays(7)),
            start(firstOfMonth), start(firstOfMonth.addMonths(1))};
}

qint64 SpendWindows::endOf(Window window) const
{
    switch (window) {
    case Window::Day:
        return dayToMs;
    case Window::Week:
        return weekToMs;
    case Window::Month:
        return monthToMs;
    }
    return dayToMs;
}

const char* SpendWindows::name(Window window)
{
    switch (window) {
    case Window::Day:
        return "day";
    case Window::Week:
        return "week";
    case Window::Month:
        return "month";
    }
    return "day";
}
