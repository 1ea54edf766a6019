#include "GatedWizardPage.h"

GatedWizardPage::GatedWizardPage(QWidget* parent)
    : QWizardPage(parent)
{}

void GatedWizardPage::setComplete(bool complete)
{
    if (complete == m_complete)
        return;
    m_complete = complete;
    Q_EMIT completeChanged();
}

bool GatedWizardPage::isComplete() const
{
    return m_complete;
}
