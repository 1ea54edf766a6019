#pragma once

#include "KeySpec.h"

#include <QDialog>

class Clock;
class KeySpecForm;
class QPushButton;

// Generate New Key (Mode::Create, button "createButton") and Edit (Mode::Edit, button
// "saveButton"). The accept button stays disabled while any field is invalid.
class KeyEditorDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyEditorDialog)

public:
    enum class Mode
    {
        Create,
        Edit
    };

    KeyEditorDialog(Mode mode, const Clock& clock, QWidget* parent = nullptr);

    void setSpec(const KeySpec& spec);
    KeySpec spec() const;
    KeySpecForm* form() const { return m_form; }
    QPushButton* acceptButton() const { return m_acceptButton; }

private:
    void updateAcceptButton();

    Mode m_mode;
    bool m_storedSet = false;
    KeySpecForm* m_form = nullptr;
    QPushButton* m_acceptButton = nullptr;
};
