#pragma once

#include "ChartScale.h"
#include "UsageSeries.h"

#include <QChartView>
#include <functional>

class QAreaSeries;
class QCategoryAxis;
class QDateTimeAxis;
class QLineSeries;

// A usage figure over time as stacked areas (successes under errors, prompt under completion):
// local-time axis with ticks on whole buckets, a value axis with round steps and units, and the
// exact figures of a bucket in a tooltip when the pointer is over it.
class UsageTimeChart final : public QChartView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsageTimeChart)

public:
    struct Layer
    {
        QString name;
        QColor color;
        std::function<double(const UsageTotals&)> value;
    };
    // The body of a bucket's tooltip; the chart puts the bucket's time above it.
    using ToolTipText = std::function<QString(const UsageTotals&)>;

    // unitName: what one unit on the value axis is, "requests", "tokens", "USD".
    UsageTimeChart(const QString& unitName, ChartScale::Unit unit, QList<Layer> layers,
                   ToolTipText toolTip, QWidget* parent = nullptr);

    void setPoints(const QList<UsageSeries::Point>& points, UsageSeries::BucketSize size);
    const QList<UsageSeries::Point>& points() const { return m_points; }
    // The exact text the tooltip shows for a bucket.
    QString toolTipFor(int bucket) const;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void updateTimeAxis();
    void updateValueAxis(double maxValue);
    void showToolTip(const QPointF& value, bool hovering);
    int bucketAt(double x) const;

    ChartScale::Unit m_unit;
    QList<Layer> m_layers;
    ToolTipText m_toolTip;
    QList<QAreaSeries*> m_areas;
    QDateTimeAxis* m_timeAxis = nullptr;
    QCategoryAxis* m_valueAxis = nullptr;
    QList<UsageSeries::Point> m_points;
    QList<qint64> m_xs;
    UsageSeries::BucketSize m_size = UsageSeries::BucketSize::Day;
    int m_lastPlotWidth = 0;
};
