#pragma once

#include "KeySpec.h"

#include <QDialog>

class Clock;
class KeySpecForm;
class QPushButton;
class QScrollArea;

// Generate New Key (Mode::Create, button "createButton") and Edit (Mode::Edit, button
// "saveButton"). The accept button stays disabled while any field is invalid; Enter then shows
// every error and scrolls the first into view.
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
    // What the user changed since the dialog opened (on the stored key when editing).
    bool isModified() const;

public Q_SLOTS:
    // Escape, Cancel or the window's close: asks first when something would be lost.
    void reject() override;

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    void updateAcceptButton();
    // Every error shown, and the topmost invalid field scrolled into view and focused.
    void showFirstError();

    Mode m_mode;
    bool m_storedSet = false;
    // The spec the dialog opened with: the form's defaults, or the stored key.
    KeySpec m_baseline;
    KeySpecForm* m_form = nullptr;
    QScrollArea* m_scroll = nullptr;
    QPushButton* m_acceptButton = nullptr;
};
