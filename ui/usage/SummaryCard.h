#pragma once

#include <QFrame>

class QLabel;

// One figure of the Usage page: a caption, a big value and how it moved against the previous
// range ("▲ 12% vs previous 30 days"), coloured by whether that move is good news.
class SummaryCard final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SummaryCard)

public:
    enum class Trend
    {
        Neutral,
        Good,
        Bad
    };

    explicit SummaryCard(const QString& caption, QWidget* parent = nullptr);

    void setValue(const QString& text, const QString& toolTip = {});
    void setDelta(const QString& text, Trend trend);
    QString valueText() const;
    QString deltaText() const;
    Trend trend() const { return m_trend; }

private:
    QLabel* m_value = nullptr;
    QLabel* m_delta = nullptr;
    Trend m_trend = Trend::Neutral;
};
