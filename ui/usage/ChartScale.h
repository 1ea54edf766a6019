#pragma once

#include <QString>

// Round value-axis ranges and short labels for the usage charts and cards: "0, 250k, 500k"
// reads at a glance where "0, 248913, 497826" does not.
class ChartScale final
{
public:
    enum class Unit
    {
        Count,
        Usd
    };

    struct Ticks
    {
        double max = 1;
        double step = 1;
        int intervals = 1;
    };

    // 0..max in steps of 1, 2, 2.5 or 5 × 10^k, at most maxIntervals of them. An empty range
    // still gets a scale (0..5 requests, 0..$1), so an empty chart looks like a chart.
    static Ticks niceTicks(double maxValue, Unit unit, int maxIntervals = 5);
    // A tick label: "750", "1,500", "25k", "1.5M", "$0.25", "$1.2k". One suffix per axis (from
    // its maximum) and as many decimals as the step needs.
    static QString tickLabel(double value, const Ticks& ticks, Unit unit);
    // Money on a card or a bar: to the cent ("$1234.57"); amounts under a cent keep their
    // digits, or $0.004 would read $0.00.
    static QString money(qint64 micros);
};
