#include "PageHeading.h"

#include <QLabel>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

PageHeading::PageHeading(const QString& title, const QString& explanation, QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto* titleLabel = new QLabel(title, this);
    titleLabel->setObjectName(u"pageTitle"_s);
    QFont titleFont = titleLabel->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setWeight(QFont::DemiBold);
    titleLabel->setFont(titleFont);
    layout->addWidget(titleLabel);
    if (explanation.isEmpty())
        return;
    auto* explanationLabel = new QLabel(explanation, this);
    explanationLabel->setObjectName(u"pageExplanation"_s);
    explanationLabel->setWordWrap(true);
    explanationLabel->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(explanationLabel);
}
