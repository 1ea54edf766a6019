#include "ChartScale.h"

#include "UsdAmount.h"

#include <QLocale>
#include <cmath>

using namespace Qt::StringLiterals;

namespace {
struct Magnitude
{
    double divisor = 1;
    QString suffix;
};

// Suffixes only from 10,000 up: "1,500" is clearer than "1.5k" on an axis.
Magnitude magnitudeFor(double value)
{
    if (value >= 1e9)
        return {1e9, u"B"_s};
    if (value >= 1e6)
        return {1e6, u"M"_s};
    if (value >= 1e4)
        return {1e3, u"k"_s};
    return {};
}

int decimalsFor(double step)
{
    if (step <= 0)
        return 0;
    int decimals = 0;
    // A tolerance, as 0.1 is not exact in binary.
    while (decimals < 6 && std::abs(step * std::pow(10.0, decimals) -
                                    std::round(step * std::pow(10.0, decimals))) > 1e-6)
        ++decimals;
    return decimals;
}
} // namespace

ChartScale::Ticks ChartScale::niceTicks(double maxValue, Unit unit, int maxIntervals)
{
    maxIntervals = qMax(2, maxIntervals);
    if (!(maxValue > 0))
        maxValue = unit == Unit::Usd ? 1.0 : 5.0;
    const double rough = maxValue / maxIntervals;
    const double power = std::pow(10.0, std::floor(std::log10(rough)));
    double step = 10 * power;
    for (double mantissa : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        // Counts are whole: no "2.5 requests" tick.
        if (unit == Unit::Count && mantissa * power != std::round(mantissa * power))
            continue;
        if (mantissa * power >= rough * (1 - 1e-9)) {
            step = mantissa * power;
            break;
        }
    }
    if (unit == Unit::Count)
        step = qMax(1.0, step);
    const int intervals = qMax(1, int(std::ceil(maxValue / step - 1e-9)));
    return {intervals * step, step, intervals};
}

QString ChartScale::tickLabel(double value, const Ticks& ticks, Unit unit)
{
    if (value == 0)
        return unit == Unit::Usd ? u"$0"_s : u"0"_s;
    const Magnitude magnitude = magnitudeFor(ticks.max);
    int decimals = decimalsFor(ticks.step / magnitude.divisor);
    // Cents come in pairs: "$0.50", not "$0.5".
    if (unit == Unit::Usd && magnitude.suffix.isEmpty() && decimals == 1)
        decimals = 2;
    const QString text =
        QLocale().toString(value / magnitude.divisor, 'f', decimals) + magnitude.suffix;
    return unit == Unit::Usd ? u"$"_s + text : text;
}

QString ChartScale::money(qint64 micros)
{
    constexpr qint64 Cent = UsdAmount::MicrosPerUsd / 100;
    if (micros < Cent)
        return UsdAmount::display(micros);
    return UsdAmount::display((micros + Cent / 2) / Cent * Cent);
}
