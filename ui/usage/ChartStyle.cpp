#include "ChartStyle.h"

#include <QChart>
#include <QChartView>
#include <QGraphicsLayout>

QChart* ChartStyle::cardChart(QChartView& view, const QMargins& margins)
{
    view.setRenderHint(QPainter::Antialiasing);
    view.setMinimumHeight(260);
    auto* chart = new QChart;
    // White like the card around it; the view's own background would show grey through.
    chart->setBackgroundBrush(view.palette().base());
    chart->setBackgroundPen(Qt::NoPen);
    chart->setBackgroundRoundness(0);
    view.setBackgroundBrush(view.palette().base());
    view.setFrameShape(QFrame::NoFrame);
    chart->setMargins(margins);
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setAnimationOptions(QChart::NoAnimation);
    return chart;
}
