#pragma once

#include <QtGlobal>

// The UTC windows a key's spend caps count in: the day, the ISO week (from Monday 00:00) and the
// month that hold an instant, each as [from, to).
struct SpendWindows
{
    enum class Window
    {
        Day,
        Week,
        Month
    };

    qint64 dayFromMs = 0;
    qint64 dayToMs = 0;
    qint64 weekFromMs = 0;
    qint64 weekToMs = 0;
    qint64 monthFromMs = 0;
    qint64 monthToMs = 0;

    static SpendWindows at(qint64 nowUtcMs);
    // When the window holding the instant ends: its cap allows spending again.
    qint64 endOf(Window window) const;
    // "day", "week", "month".
    static const char* name(Window window);
};
