#pragma once

#include "ChartScale.h"
#include "UsageSeries.h"

#include <QChartView>
#include <functional>

class QAreaSeries;
class QCategoryAxis;
class QGraphicsLineItem;
class QGraphicsRectItem;
class QGraphicsSimpleTextItem;
class QLineSeries;

// A usage figure over time as stacked areas (successes under errors, prompt under completion):
// a local-time axis from the first bucket to the last, labelled on whole buckets, a value axis with
// round steps and units, and the exact figures of a bucket in a tooltip when the pointer is over
// it.
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
    // Requests over time, successes under errors: the Usage page's chart and a key page's.
    static UsageTimeChart* requests(QWidget* parent = nullptr);

    // completeBeforeMs: usage before this moment is all in (usually now); a bucket that ends
    // after it is still filling, and is marked and said to be partial instead of looking like a
    // drop.
    void setPoints(const QList<UsageSeries::Point>& points, UsageSeries::BucketSize size,
                   qint64 completeBeforeMs);
    const QList<UsageSeries::Point>& points() const { return m_points; }
    // The exact text the tooltip shows for a bucket.
    QString toolTipFor(int bucket) const;
    bool isPartial(int bucket) const;
    // The bucket under the pointer, anywhere over the plot; -1 when the pointer is elsewhere.
    int hoveredBucket() const { return m_hovered; }

protected:
    void resizeEvent(QResizeEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void updateTimeAxis();
    void updateValueAxis(double maxValue);
    void hover(const QPoint& viewPos);
    void unhover();
    // The crosshair and the partial bucket's band, where the plot area now is.
    void placeMarks();
    int bucketAt(double x) const;

    ChartScale::Unit m_unit;
    QList<Layer> m_layers;
    ToolTipText m_toolTip;
    QList<QAreaSeries*> m_areas;
    QCategoryAxis* m_timeAxis = nullptr;
    QCategoryAxis* m_valueAxis = nullptr;
    QList<UsageSeries::Point> m_points;
    QList<qint64> m_xs;
    UsageSeries::BucketSize m_size = UsageSeries::BucketSize::Day;
    qint64 m_completeBeforeMs = 0;
    int m_hovered = -1;
    QGraphicsLineItem* m_crosshair = nullptr;
    QGraphicsRectItem* m_partialBand = nullptr;
    QGraphicsSimpleTextItem* m_partialLabel = nullptr;
    int m_lastPlotWidth = 0;
};
