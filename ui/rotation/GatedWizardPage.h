#pragma once

#include <QWizardPage>

// A wizard page whose Next/Finish waits for its owner to say the step is done.
class GatedWizardPage final : public QWizardPage
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GatedWizardPage)

public:
    explicit GatedWizardPage(QWidget* parent = nullptr);

    void setComplete(bool complete);
    bool isComplete() const override;

private:
    bool m_complete = false;
};
