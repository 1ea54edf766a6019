#pragma once

#include "ChartScale.h"
#include "UsageTotals.h"

#include <QChartView>

class QBarCategoryAxis;
class QBarSet;
class QGraphicsSimpleTextItem;
class QCategoryAxis;
class QHorizontalBarSeries;

// Cost split by key or by model: one horizontal bar per group, the biggest on top, its amount
// at its end and the full figures in a tooltip.
class UsageBreakdownChart final : public QChartView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsageBreakdownChart)

public:
    struct Bar
    {
        QString label;
        UsageTotals totals;
        // "Other": how many groups it folds together; 0 for a plain group.
        int folded = 0;
    };

    // noun: "key" / "model", for "Other (12 keys)".
    UsageBreakdownChart(const QString& noun, const QColor& color, QWidget* parent = nullptr);

    // Biggest first.
    void setBars(const QList<Bar>& bars);
    const QList<Bar>& bars() const { return m_bars; }
    // "No cost in this range" over the plot while there are no bars.
    bool showsEmptyState() const;
    QString toolTipFor(int bar) const;

private:
    void showToolTip(bool hovering, int index);
    void placeValueLabels();

    QString m_noun;
    QHorizontalBarSeries* m_series = nullptr;
    QBarSet* m_set = nullptr;
    QBarCategoryAxis* m_labelAxis = nullptr;
    QCategoryAxis* m_valueAxis = nullptr;
    QList<Bar> m_bars;
    // Exact amounts at the bar ends: Qt Charts' own bar labels cannot format money.
    QList<QGraphicsSimpleTextItem*> m_valueLabels;
    QGraphicsSimpleTextItem* m_emptyText = nullptr;
    qint64 m_totalMicros = 0;
};
