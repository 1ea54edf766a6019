#pragma once

#include <QMargins>

class QChart;
class QChartView;

// The look every Usage chart shares: white like the card around it, no frame, no animation.
class ChartStyle final
{
public:
    // A new chart styled for `view` (not yet set on it); the caller adds series and axes.
    static QChart* cardChart(QChartView& view, const QMargins& margins);
};
