#include "UsageBreakdownChart.h"

#include "ChartStyle.h"
#include "UsdAmount.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QCategoryAxis>
#include <QGraphicsLayout>
#include <QGraphicsSimpleTextItem>
#include <QHorizontalBarSeries>
#include <QLocale>
#include <QToolTip>

using namespace Qt::StringLiterals;

namespace {
constexpr int MaxLabelChars = 22;
constexpr int MaxValueIntervals = 4;
const QColor GridColor(0xe4, 0xe7, 0xeb);
const QColor LabelColor(0x5f, 0x67, 0x70);

double usd(qint64 micros)
{
    return double(micros) / double(UsdAmount::MicrosPerUsd);
}
} // namespace

UsageBreakdownChart::UsageBreakdownChart(const QString& noun, const QColor& color, QWidget* parent)
    : QChartView(parent)
    , m_noun(noun)
    , m_series(new QHorizontalBarSeries)
    , m_set(new QBarSet(u"Cost"_s))
    , m_labelAxis(new QBarCategoryAxis)
    , m_valueAxis(new QCategoryAxis)
{
    auto* chart = ChartStyle::cardChart(*this, QMargins(2, 6, 20, 2));
    chart->legend()->setVisible(false);
    m_emptyText = new QGraphicsSimpleTextItem(u"No cost in this range"_s, chart);
    m_emptyText->setBrush(LabelColor);

    m_set->setColor(color);
    m_set->setBorderColor(color.darker(115));
    m_series->append(m_set);
    m_series->setBarWidth(0.7);
    chart->addSeries(m_series);

    for (QAbstractAxis* axis :
         {static_cast<QAbstractAxis*>(m_labelAxis), static_cast<QAbstractAxis*>(m_valueAxis)}) {
        QFont font = axis->labelsFont();
        font.setPointSizeF(font.pointSizeF() * 0.85);
        axis->setLabelsFont(font);
        axis->setLabelsColor(LabelColor);
        axis->setGridLineColor(GridColor);
        axis->setLinePenColor(GridColor);
    }
    m_labelAxis->setGridLineVisible(false);
    m_valueAxis->setLineVisible(false);
    m_valueAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    chart->addAxis(m_labelAxis, Qt::AlignLeft);
    chart->addAxis(m_valueAxis, Qt::AlignBottom);
    m_series->attachAxis(m_labelAxis);
    m_series->attachAxis(m_valueAxis);
    connect(m_series, &QHorizontalBarSeries::hovered, this,
            [this](bool hovering, int index, QBarSet*) { showToolTip(hovering, index); });
    connect(chart, &QChart::plotAreaChanged, this, &UsageBreakdownChart::placeValueLabels);
    setChart(chart);
    setBars({});
}

void UsageBreakdownChart::setBars(const QList<Bar>& bars)
{
    // The axis changes below emit plotAreaChanged synchronously, which places the value labels:
    // drop the old labels first so that none refers to a bar that is gone.
    qDeleteAll(m_valueLabels);
    m_valueLabels.clear();
    m_bars = bars;
    m_totalMicros = 0;
    qint64 maxMicros = 0;
    for (const Bar& bar : bars) {
        m_totalMicros += bar.totals.costMicros;
        maxMicros = qMax(maxMicros, bar.totals.costMicros);
    }

    // Horizontal bars are laid out bottom-up: append the smallest first so the biggest is on
    // top. Category names must be unique, and long labels would squeeze the bars.
    QStringList categories;
    QList<qreal> values;
    for (qsizetype i = bars.size() - 1; i >= 0; --i) {
        QString label = bars[i].label;
        if (label.size() > MaxLabelChars)
            label = label.left(MaxLabelChars - 1) + u'…';
        while (categories.contains(label))
            label += u' ';
        categories << label;
        values << usd(bars[i].totals.costMicros);
    }
    m_labelAxis->clear();
    m_labelAxis->append(categories.isEmpty() ? QStringList{u" "_s} : categories);
    m_set->remove(0, m_set->count());
    m_set->append(values.isEmpty() ? QList<qreal>{0.0} : values);

    const ChartScale::Ticks ticks =
        ChartScale::niceTicks(usd(maxMicros), ChartScale::Unit::Usd, MaxValueIntervals);
    const QStringList old = m_valueAxis->categoriesLabels();
    for (const QString& label : old)
        m_valueAxis->remove(label);
    m_valueAxis->setStartValue(-ticks.step / 1000);
    for (int i = 0; i <= ticks.intervals; ++i)
        m_valueAxis->append(ChartScale::tickLabel(i * ticks.step, ticks, ChartScale::Unit::Usd),
                            i * ticks.step);
    m_valueAxis->setRange(0, ticks.max);
    m_emptyText->setVisible(bars.isEmpty());

    QFont font = m_labelAxis->labelsFont();
    for (const Bar& bar : bars) {
        // Sub-cent digits are noise at a bar's end; the tooltip has them.
        const qint64 micros = bar.totals.costMicros;
        const QString text = micros > 0 && micros < UsdAmount::MicrosPerUsd / 100
                                 ? u"< $0.01"_s
                                 : ChartScale::money(micros);
        auto* label = new QGraphicsSimpleTextItem(text, chart());
        label->setFont(font);
        m_valueLabels << label;
    }
    placeValueLabels();
}

void UsageBreakdownChart::placeValueLabels()
{
    const QRectF plot = chart()->plotArea();
    const QRectF emptyBox = m_emptyText->boundingRect();
    m_emptyText->setPos(plot.center() - emptyBox.center());
    Q_ASSERT(m_valueLabels.size() <= m_bars.size());
    for (qsizetype i = 0; i < m_valueLabels.size(); ++i) {
        QGraphicsSimpleTextItem* label = m_valueLabels[i];
        // Bars are categories bottom-up: bar i sits at category size - 1 - i.
        const qreal category = qreal(m_valueLabels.size() - 1 - i);
        const QPointF end =
            chart()->mapToPosition(QPointF(usd(m_bars[i].totals.costMicros), category), m_series);
        const QRectF box = label->boundingRect();
        qreal x = end.x() + 6;
        // No room after the bar: inside its end, in white.
        const bool inside = x + box.width() > plot.right() + 16;
        if (inside)
            x = end.x() - 6 - box.width();
        label->setBrush(inside ? QColor(Qt::white) : LabelColor.darker(140));
        label->setPos(x, end.y() - box.height() / 2);
    }
}

QString UsageBreakdownChart::toolTipFor(int bar) const
{
    if (bar < 0 || bar >= m_bars.size())
        return {};
    const Bar& entry = m_bars[bar];
    const QLocale locale;
    const double share =
        m_totalMicros > 0 ? 100.0 * double(entry.totals.costMicros) / double(m_totalMicros) : 0.0;
    QString title = entry.label.toHtmlEscaped();
    if (entry.folded > 0)
        title += u" (%1 %2s)"_s.arg(locale.toString(entry.folded), m_noun);
    return u"<p style=\"white-space:nowrap\"><b>%1</b><br>%2 · %3% of the cost<br>"
           "%4 requests · %5 tokens</p>"_s.arg(
               title, UsdAmount::display(entry.totals.costMicros), locale.toString(share, 'f', 1),
               locale.toString(entry.totals.requests), locale.toString(entry.totals.totalTokens()));
}

void UsageBreakdownChart::showToolTip(bool hovering, int index)
{
    if (!hovering) {
        QToolTip::hideText();
        return;
    }
    // Categories run bottom-up, bars top-down.
    QToolTip::showText(QCursor::pos(), toolTipFor(int(m_bars.size()) - 1 - index), this);
}

bool UsageBreakdownChart::showsEmptyState() const
{
    return m_emptyText->isVisible();
}
