#include "KeyEditorDialog.h"

#include "KeySpecForm.h"

#include <QDialogButtonBox>
#include <QKeyEvent>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

KeyEditorDialog::KeyEditorDialog(Mode mode, const Clock& clock, QWidget* parent)
    : QDialog(parent)
    , m_mode(mode)
{
    setObjectName(u"keyEditorDialog"_s);
    setWindowTitle(mode == Mode::Create ? u"Generate New Key"_s : u"Edit Key"_s);

    m_form = new KeySpecForm(clock, this);
    if (mode == Mode::Create)
        m_form->askForTierAndEnvironment();
    // The form is taller than a 768-pixel screen once errors show: let it scroll.
    m_scroll = new QScrollArea(this);
    m_scroll->setObjectName(u"keyEditorScroll"_s);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scroll->setWidget(m_form);

    auto* buttons = new QDialogButtonBox(this);
    buttons->addButton(QDialogButtonBox::Cancel);
    m_acceptButton = buttons->addButton(mode == Mode::Create ? u"Create"_s : u"Save"_s,
                                        QDialogButtonBox::AcceptRole);
    m_acceptButton->setObjectName(mode == Mode::Create ? u"createButton"_s : u"saveButton"_s);
    m_acceptButton->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_scroll, 1);
    layout->addWidget(buttons);

    connect(m_form, &KeySpecForm::errorsChanged, this, &KeyEditorDialog::updateAcceptButton);
    updateAcceptButton();
    m_baseline = m_form->spec();

    // Tall enough to show the whole form where the screen allows, scrolling on small screens.
    setMinimumSize(560, 600);
    int height = m_form->sizeHint().height() + buttons->sizeHint().height() + layout->spacing() +
                 layout->contentsMargins().top() + layout->contentsMargins().bottom();
    if (const QScreen* display = screen())
        height = qMin(height, display->availableGeometry().height() - 80);
    resize(640, qMax(minimumHeight(), height));
}

void KeyEditorDialog::setSpec(const KeySpec& spec)
{
    // The first spec an Edit dialog gets is the stored key; later ones are the user's retries.
    if (m_mode == Mode::Edit && !m_storedSet) {
        m_form->setStoredSpec(spec);
        m_storedSet = true;
        m_form->setSpec(spec);
        m_baseline = m_form->spec();
    }
    m_form->setSpec(spec);
    if (m_mode == Mode::Edit) {
        setWindowTitle(u"Edit Key — %1"_s.arg(spec.label));
        showFirstError();
    }
    updateAcceptButton();
}

void KeyEditorDialog::showFirstError()
{
    m_form->showAllErrors();
    QWidget* input = m_form->firstErrorInput();
    if (!input)
        return;
    // With room above it for the field's title and below for its message.
    m_scroll->ensureWidgetVisible(input, 0, 60);
    input->setFocus(Qt::OtherFocusReason);
}

void KeyEditorDialog::keyPressEvent(QKeyEvent* event)
{
    // Enter on a form that cannot be submitted yet says why, where the problem is.
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (enter && !m_acceptButton->isEnabled()) {
        showFirstError();
        event->accept();
        return;
    }
    QDialog::keyPressEvent(event);
}

KeySpec KeyEditorDialog::spec() const
{
    return m_form->spec();
}

void KeyEditorDialog::updateAcceptButton()
{
    const FieldErrors errors = m_form->errors();
    m_acceptButton->setEnabled(errors.isEmpty());
    // A disabled button still shows its tooltip: it says what blocks it, even for a field
    // whose error is not on screen yet (the empty label of a fresh form).
    m_acceptButton->setToolTip(errors.isEmpty() ? QString()
                                                : KeySpecForm::errorText(errors.constFirst()));
}

bool KeyEditorDialog::isModified() const
{
    return m_form->spec() != m_baseline;
}

void KeyEditorDialog::reject()
{
    if (isModified()) {
        QMessageBox box(QMessageBox::Question,
                        m_mode == Mode::Create ? u"Discard this key?"_s
                                               : u"Discard your changes?"_s,
                        m_mode == Mode::Create
                            ? u"The key has not been created. Close and lose what you entered?"_s
                            : u"The key has not been saved. Close and lose your changes?"_s,
                        QMessageBox::Yes | QMessageBox::No, this);
        box.setObjectName(u"discardChangesBox"_s);
        box.button(QMessageBox::Yes)->setText(u"Discard"_s);
        box.button(QMessageBox::No)->setText(u"Keep editing"_s);
        box.setDefaultButton(QMessageBox::No);
        if (box.exec() != QMessageBox::Yes)
            return;
    }
    QDialog::reject();
}
