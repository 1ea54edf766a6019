#include "SummaryCard.h"

#include <QLabel>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

SummaryCard::SummaryCard(const QString& caption, QWidget* parent)
    : QFrame(parent)
{
    setFrameShape(QFrame::StyledPanel);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setStyleSheet(u"SummaryCard { background: palette(base); border: 1px solid palette(midlight);"
                  " border-radius: 6px; }"_s);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->setSpacing(2);

    auto* captionLabel = new QLabel(caption, this);
    captionLabel->setObjectName(u"caption"_s);
    captionLabel->setForegroundRole(QPalette::PlaceholderText);
    QFont captionFont = captionLabel->font();
    captionFont.setWeight(QFont::DemiBold);
    captionLabel->setFont(captionFont);

    m_value = new QLabel(u"—"_s, this);
    m_value->setObjectName(u"value"_s);
    m_value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont valueFont = m_value->font();
    valueFont.setPointSizeF(valueFont.pointSizeF() * 2.0);
    valueFont.setWeight(QFont::DemiBold);
    m_value->setFont(valueFont);

    m_delta = new QLabel(this);
    m_delta->setObjectName(u"delta"_s);
    // Reserve the line even while empty, so the cards do not jump when deltas arrive.
    m_delta->setMinimumHeight(m_delta->fontMetrics().height());

    layout->addWidget(captionLabel);
    layout->addWidget(m_value);
    layout->addWidget(m_delta);
}

void SummaryCard::setValue(const QString& text, const QString& toolTip)
{
    m_value->setText(text);
    m_value->setToolTip(toolTip);
}

void SummaryCard::setDelta(const QString& text, Trend trend)
{
    m_trend = trend;
    m_delta->setText(text);
    switch (trend) {
    case Trend::Good:
        m_delta->setStyleSheet(u"color: #1a7f37;"_s);
        break;
    case Trend::Bad:
        m_delta->setStyleSheet(u"color: #c62828;"_s);
        break;
    case Trend::Neutral:
        m_delta->setStyleSheet(QString());
        m_delta->setForegroundRole(QPalette::PlaceholderText);
        break;
    }
}

QString SummaryCard::valueText() const
{
    return m_value->text();
}

QString SummaryCard::deltaText() const
{
    return m_delta->text();
}
