#include "UsageTimeChart.h"

#include "ChartStyle.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QDateTime>
#include <QGraphicsLayout>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QMouseEvent>
#include <QToolTip>
#include <algorithm>
#include <array>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 DayMs = 24 * UsageSeries::HourMs;
// Label widths: "HH:mm" / "MMM d" need about this much room to stay apart.
constexpr int MinTickSpacingPx = 72;
constexpr int MaxValueIntervals = 5;
// Past this many day buckets the axis says the year too.
constexpr int LongRangeDays = 180;

const QColor GridColor(0xe4, 0xe7, 0xeb);
const QColor SuccessColor(0x3b, 0x7d, 0xd8);
const QColor ErrorColor(0xe0, 0x52, 0x52);
const QColor LabelColor(0x5f, 0x67, 0x70);

// Ticks every k buckets: whole hours of the day, whole days, whole weeks.
constexpr std::array<int, 12> NiceHourSteps{1, 2, 3, 4, 6, 8, 12, 24, 48, 72, 96, 168};
constexpr std::array<int, 13> NiceDaySteps{1, 2, 3, 5, 7, 10, 14, 15, 30, 60, 90, 180, 365};

void styleAxis(QAbstractAxis* axis)
{
    QFont font = axis->labelsFont();
    font.setPointSizeF(font.pointSizeF() * 0.85);
    axis->setLabelsFont(font);
    axis->setLabelsColor(LabelColor);
    axis->setGridLineColor(GridColor);
    axis->setLinePenColor(GridColor);
    axis->setShadesVisible(false);
    QFont titleFont = font;
    titleFont.setBold(false);
    axis->setTitleFont(titleFont);
    axis->setTitleBrush(LabelColor);
}
} // namespace

UsageTimeChart::UsageTimeChart(const QString& unitName, ChartScale::Unit unit, QList<Layer> layers,
                               ToolTipText toolTip, QWidget* parent)
    : QChartView(parent)
    , m_unit(unit)
    , m_layers(std::move(layers))
    , m_toolTip(std::move(toolTip))
    , m_timeAxis(new QCategoryAxis)
    , m_valueAxis(new QCategoryAxis)
{
    auto* chart = ChartStyle::cardChart(*this, QMargins(2, 10, 20, 2));
    chart->legend()->setAlignment(Qt::AlignTop);
    chart->legend()->setVisible(m_layers.size() > 1);
    QFont legendFont = chart->legend()->font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.9);
    chart->legend()->setFont(legendFont);
    chart->legend()->setLabelColor(LabelColor);

    styleAxis(m_timeAxis);
    styleAxis(m_valueAxis);
    m_timeAxis->setGridLineVisible(false);
    m_timeAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_valueAxis->setLineVisible(false);
    m_valueAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_valueAxis->setTitleText(unitName);
    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    chart->addAxis(m_valueAxis, Qt::AlignLeft);

    for (const Layer& layer : std::as_const(m_layers)) {
        auto* area = new QAreaSeries(new QLineSeries(chart), new QLineSeries(chart));
        area->setName(layer.name);
        QColor fill = layer.color;
        fill.setAlpha(150);
        area->setBrush(fill);
        QPen pen(layer.color.darker(115));
        pen.setWidthF(1.5);
        area->setPen(pen);
        chart->addSeries(area);
        area->attachAxis(m_timeAxis);
        area->attachAxis(m_valueAxis);
        m_areas << area;
    }
    setChart(chart);
    updateValueAxis(0);

    // The exact figures wherever the pointer is over the plot, not only over a series' edge.
    setMouseTracking(true);
    viewport()->setMouseTracking(true);
    m_crosshair = new QGraphicsLineItem(chart);
    m_crosshair->setPen(QPen(LabelColor, 1, Qt::DashLine));
    m_crosshair->setZValue(20);
    m_crosshair->hide();
    m_partialBand = new QGraphicsRectItem(chart);
    m_partialBand->setPen(Qt::NoPen);
    m_partialBand->setBrush(QColor(0x5f, 0x67, 0x70, 28));
    m_partialBand->setZValue(-1);
    m_partialBand->hide();
    m_partialLabel = new QGraphicsSimpleTextItem(u"so far"_s, chart);
    QFont labelFont = m_partialLabel->font();
    labelFont.setPointSizeF(labelFont.pointSizeF() * 0.8);
    labelFont.setItalic(true);
    m_partialLabel->setFont(labelFont);
    m_partialLabel->setBrush(LabelColor);
    m_partialLabel->setZValue(20);
    m_partialLabel->hide();
    connect(chart, &QChart::plotAreaChanged, this, &UsageTimeChart::placeMarks);
}

UsageTimeChart* UsageTimeChart::requests(QWidget* parent)
{
    const QLocale locale;
    return new UsageTimeChart(
        u"requests"_s, ChartScale::Unit::Count,
        {{u"Successful"_s, SuccessColor,
          [](const UsageTotals& t) {
              return double(t.requests - t.errors);
          }},
         {u"Errors"_s, ErrorColor,
          [](const UsageTotals& t) {
              return double(t.errors);
          }}},
        [locale](const UsageTotals& t) {
            return u"%1 requests<br>%2 successful · %3 errors (%4%)"_s.arg(
                locale.toString(t.requests), locale.toString(t.requests - t.errors),
                locale.toString(t.errors), locale.toString(100 * t.errorRate(), 'f', 1));
        },
        parent);
}

void UsageTimeChart::setPoints(const QList<UsageSeries::Point>& points,
                               UsageSeries::BucketSize size, qint64 completeBeforeMs)
{
    m_points = points;
    m_size = size;
    m_completeBeforeMs = completeBeforeMs;
    m_hovered = -1;
    m_xs.clear();
    m_xs.reserve(points.size());
    for (int i = 0; i < points.size(); ++i) {
        // A day is drawn at its middle, so the "MMM d" tick under it never shows the day
        // before, whatever a daylight-saving change does to the length of the days around it.
        const qint64 start = points[i].startMs;
        if (size == UsageSeries::BucketSize::Hour)
            m_xs << start;
        else
            m_xs << start + (i + 1 < points.size() ? (points[i + 1].startMs - start) : DayMs) / 2;
    }

    QList<double> stacked(points.size(), 0.0);
    for (int layer = 0; layer < m_layers.size(); ++layer) {
        QList<QPointF> lower;
        QList<QPointF> upper;
        lower.reserve(points.size());
        upper.reserve(points.size());
        for (int i = 0; i < points.size(); ++i) {
            lower << QPointF(double(m_xs[i]), stacked[i]);
            stacked[i] += m_layers[layer].value(points[i].totals);
            upper << QPointF(double(m_xs[i]), stacked[i]);
        }
        m_areas[layer]->lowerSeries()->replace(lower);
        m_areas[layer]->upperSeries()->replace(upper);
    }
    updateValueAxis(stacked.isEmpty() ? 0.0 : *std::max_element(stacked.cbegin(), stacked.cend()));
    updateTimeAxis();
    placeMarks();
}

bool UsageTimeChart::isPartial(int bucket) const
{
    if (bucket < 0 || bucket >= m_points.size())
        return false;
    const qint64 end =
        bucket + 1 < m_points.size()
            ? m_points[bucket + 1].startMs
            : m_points[bucket].startMs +
                  (m_size == UsageSeries::BucketSize::Hour ? UsageSeries::HourMs : DayMs);
    return end > m_completeBeforeMs && m_points[bucket].startMs < m_completeBeforeMs;
}

void UsageTimeChart::updateValueAxis(double maxValue)
{
    const ChartScale::Ticks ticks = ChartScale::niceTicks(maxValue, m_unit, MaxValueIntervals);
    const QStringList old = m_valueAxis->categoriesLabels();
    for (const QString& label : old)
        m_valueAxis->remove(label);
    // The zero line gets its label through a sliver of a category below it.
    m_valueAxis->setStartValue(-ticks.step / 1000);
    for (int i = 0; i <= ticks.intervals; ++i)
        m_valueAxis->append(ChartScale::tickLabel(i * ticks.step, ticks, m_unit), i * ticks.step);
    m_valueAxis->setRange(0, ticks.max);
}

void UsageTimeChart::updateTimeAxis()
{
    for (const QString& label : m_timeAxis->categoriesLabels())
        m_timeAxis->remove(label);
    if (m_xs.isEmpty())
        return;
    const bool hours = m_size == UsageSeries::BucketSize::Hour;
    const qint64 bucketMs = hours ? UsageSeries::HourMs : DayMs;
    const int span = int(m_xs.size()) - 1;
    // A label a category names must be unique: past half a year a day needs its year.
    const QString format = hours                  ? u"HH:mm<br>MMM d"_s
                           : span > LongRangeDays ? u"MMM d<br>yyyy"_s
                                                  : u"MMM d"_s;
    const auto labelAt = [&](qint64 x) {
        return QDateTime::fromMSecsSinceEpoch(x).toString(format);
    };
    // Labels sit on the buckets they name; the slack below the first lets it have one.
    m_timeAxis->setStartValue(double(m_xs.constFirst() - 1));
    if (span == 0) {
        m_timeAxis->append(labelAt(m_xs.constFirst()), double(m_xs.constFirst()));
        m_timeAxis->setRange(double(m_xs.constFirst() - bucketMs / 2),
                             double(m_xs.constFirst() + bucketMs / 2));
        return;
    }
    // Every k buckets from the first, k a round number of hours or days, as many labels as fit;
    // the axis itself ends on the last bucket, where the range ends, whatever k is.
    const int plotWidth =
        int(chart()->plotArea().width()) > 0 ? int(chart()->plotArea().width()) : width() - 80;
    const int maxIntervals = qBound(2, plotWidth / MinTickSpacingPx, 12);
    const auto fits = [&](int step) {
        return (span + step - 1) / step <= maxIntervals;
    };
    const auto steps = hours ? QList<int>(NiceHourSteps.cbegin(), NiceHourSteps.cend())
                             : QList<int>(NiceDaySteps.cbegin(), NiceDaySteps.cend());
    const auto nice = std::find_if(steps.cbegin(), steps.cend(), fits);
    const int step = nice != steps.cend() ? *nice : (span + maxIntervals - 1) / maxIntervals;
    for (int i = 0; i <= span; i += step)
        m_timeAxis->append(labelAt(m_xs[i]), double(m_xs[i]));
    m_timeAxis->setRange(double(m_xs.constFirst()), double(m_xs.constLast()));
}

void UsageTimeChart::resizeEvent(QResizeEvent* event)
{
    QChartView::resizeEvent(event);
    const int plotWidth = int(chart()->plotArea().width());
    if (plotWidth / MinTickSpacingPx != m_lastPlotWidth / MinTickSpacingPx) {
        m_lastPlotWidth = plotWidth;
        updateTimeAxis();
    }
}

int UsageTimeChart::bucketAt(double x) const
{
    if (m_xs.isEmpty())
        return -1;
    const auto it = std::lower_bound(m_xs.cbegin(), m_xs.cend(), qint64(x));
    if (it == m_xs.cend())
        return int(m_xs.size()) - 1;
    const int index = int(std::distance(m_xs.cbegin(), it));
    if (index > 0 && x - double(m_xs[index - 1]) < double(*it) - x)
        return index - 1;
    return index;
}

QString UsageTimeChart::toolTipFor(int bucket) const
{
    if (bucket < 0 || bucket >= m_points.size())
        return {};
    const QDateTime start = QDateTime::fromMSecsSinceEpoch(m_points[bucket].startMs);
    const bool hours = m_size == UsageSeries::BucketSize::Hour;
    const QString when = hours ? start.toString(u"ddd, MMM d, HH:mm"_s) + u"–"_s +
                                     start.addSecs(3600).toString(u"HH:mm"_s)
                               : start.toString(u"ddd, MMM d, yyyy"_s);
    const QString partial =
        isPartial(bucket)
            ? u"<br><i>So far: this %1 is not over yet</i>"_s.arg(hours ? u"hour"_s : u"day"_s)
            : QString();
    return u"<p style=\"white-space:nowrap\"><b>%1</b><br>%2%3</p>"_s.arg(
        when, m_toolTip(m_points[bucket].totals), partial);
}

void UsageTimeChart::mouseMoveEvent(QMouseEvent* event)
{
    QChartView::mouseMoveEvent(event);
    hover(event->position().toPoint());
}

void UsageTimeChart::leaveEvent(QEvent* event)
{
    QChartView::leaveEvent(event);
    unhover();
}

void UsageTimeChart::hover(const QPoint& viewPos)
{
    const QPointF inChart = chart()->mapFromScene(mapToScene(viewPos));
    if (m_areas.isEmpty() || m_points.isEmpty() || !chart()->plotArea().contains(inChart)) {
        unhover();
        return;
    }
    const int bucket = bucketAt(chart()->mapToValue(inChart, m_areas.constFirst()).x());
    if (bucket != m_hovered) {
        m_hovered = bucket;
        placeMarks();
    }
    QToolTip::showText(mapToGlobal(viewPos), toolTipFor(bucket), this);
}

void UsageTimeChart::unhover()
{
    if (m_hovered < 0)
        return;
    m_hovered = -1;
    m_crosshair->hide();
    QToolTip::hideText();
}

void UsageTimeChart::placeMarks()
{
    const QRectF plot = chart()->plotArea();
    const auto xOf = [this](int bucket) {
        return chart()->mapToPosition(QPointF(double(m_xs[bucket]), 0), m_areas.constFirst()).x();
    };
    if (m_hovered >= 0 && m_hovered < m_xs.size() && !m_areas.isEmpty()) {
        const qreal x = xOf(m_hovered);
        m_crosshair->setLine(x, plot.top(), x, plot.bottom());
        m_crosshair->show();
    } else {
        m_crosshair->hide();
    }
    const int last = int(m_xs.size()) - 1;
    if (last >= 0 && !m_areas.isEmpty() && isPartial(last)) {
        // Half a bucket either side of the point the partial bucket is drawn at.
        const qreal x = xOf(last);
        const qreal half = last > 0 ? (x - xOf(last - 1)) / 2 : plot.width() / 4;
        const QRectF band = QRectF(x - half, plot.top(), 2 * half, plot.height()).intersected(plot);
        m_partialBand->setRect(band);
        m_partialBand->show();
        const QRectF text = m_partialLabel->boundingRect();
        m_partialLabel->setPos(
            qMin(band.center().x() - text.width() / 2, plot.right() - text.width()),
            plot.top() + 2);
        m_partialLabel->show();
    } else {
        m_partialBand->hide();
        m_partialLabel->hide();
    }
}
