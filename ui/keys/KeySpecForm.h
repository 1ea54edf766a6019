#pragma once

#include "FieldError.h"
#include "KeySpec.h"

#include <QHash>
#include <QSet>
#include <QWidget>
#include <optional>

class Clock;
class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QGridLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QToolButton;

// Every field of a key, validated live with KeyValidator: a bad field is marked and explained
// next to it. Used by Generate New Key and Edit. Child objectNames (stable, for tests):
// labelEdit, environmentCombo, typeCombo, billingDaySpin, permRead/permWrite/permAdmin/
// permWebhook (checkboxes), expiryNeverCheck, expiryEdit, quotaUnlimitedCheck, quotaEdit,
// spendCapDayEdit, spendCapWeekEdit, spendCapMonthEdit, tierCombo, rpmEdit, tpmEdit,
// modelsEdit, ipsEdit, ownerEdit, noteEdit, and one QLabel "<field>Error" per validator field name.
class KeySpecForm final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeySpecForm)

public:
    explicit KeySpecForm(const Clock& clock, QWidget* parent = nullptr);

    void setSpec(const KeySpec& spec);
    // Generate New Key: no tier and no environment until the user picks them, so no key gets
    // the Free tier's 5 requests a minute, or lands in dev, by default.
    void askForTierAndEnvironment();
    // Edit: the key as stored, so an expiry the user leaves alone is not judged again.
    void setStoredSpec(const KeySpec& stored) { m_stored = stored; }
    // The spec as typed; meaningful when errors() is empty.
    KeySpec spec() const;
    FieldErrors errors() const;
    bool isValid() const { return errors().isEmpty(); }

    // Errors normally appear only on fields the user changed; Edit shows them all at once,
    // since a stored key may no longer pass (e.g. its expiry has passed).
    void showAllErrors();
    // The input of the topmost invalid field, or null when every field is valid.
    QWidget* firstErrorInput() const;
    // "IP allowlist: ..." — the field's on-screen name and the problem.
    static QString errorText(const FieldError& error);

    // Limits and Access fold into their heading and a one-line summary, so the form fits the
    // screen; each starts folded when it holds nothing but defaults (Limits only once a tier is
    // chosen), and a section whose field shows an error unfolds. title: "Limits", "Access".
    bool isSectionCollapsed(const QString& title) const;
    void setSectionCollapsed(const QString& title, bool collapsed);

Q_SIGNALS:
    void validityChanged(bool valid);
    // After every change of any field, valid or not.
    void errorsChanged();

private:
    struct Parsed
    {
        KeySpec spec;
        FieldErrors errors;
    };

    void buildKeySection();
    void buildExpirySection();
    void buildLimitsSection();
    void buildAccessSection();
    void buildOwnerSection();
    void addSection(const QString& title, bool collapsible = false);
    void foldSectionsAtDefaults();
    QString sectionSummary(const QString& title) const;
    void addRow(const QString& title, QWidget* field, QWidget* firstInput);
    // The input (or a row of inputs), its hint and its error label, stacked as one form field.
    QWidget* fieldBox(const QString& field, QWidget* input, const QString& hint = {});
    QWidget* fieldBox(const QString& field, QLayout* inputs, const QString& hint = {});
    void markInvalid(QWidget* input, bool invalid);
    // The message on its field's line(s), cut to fit them when it is longer.
    static void showInSlot(QLabel* error, const QString& text, int width);
    QWidget* outlined(QWidget* input);
    void touch(const QString& field);
    void refresh();
    void updateTierHints();
    Parsed parse() const;

    const Clock& m_clock;
    std::optional<KeySpec> m_stored;
    QGridLayout* m_grid = nullptr;
    QLineEdit* m_labelEdit = nullptr;
    QComboBox* m_environmentCombo = nullptr;
    QComboBox* m_typeCombo = nullptr;
    QSpinBox* m_billingDaySpin = nullptr;
    QCheckBox* m_permRead = nullptr;
    QCheckBox* m_permWrite = nullptr;
    QCheckBox* m_permAdmin = nullptr;
    QCheckBox* m_permWebhook = nullptr;
    QCheckBox* m_expiryNeverCheck = nullptr;
    QDateTimeEdit* m_expiryEdit = nullptr;
    QCheckBox* m_quotaUnlimitedCheck = nullptr;
    QLineEdit* m_quotaEdit = nullptr;
    QLineEdit* m_spendCapDayEdit = nullptr;
    QLineEdit* m_spendCapWeekEdit = nullptr;
    QLineEdit* m_spendCapMonthEdit = nullptr;
    QComboBox* m_tierCombo = nullptr;
    QLineEdit* m_rpmEdit = nullptr;
    QLineEdit* m_tpmEdit = nullptr;
    QPlainTextEdit* m_modelsEdit = nullptr;
    QPlainTextEdit* m_ipsEdit = nullptr;
    QLineEdit* m_ownerEdit = nullptr;
    QPlainTextEdit* m_noteEdit = nullptr;

    struct Section
    {
        QToolButton* toggle = nullptr;
        QLabel* summary = nullptr;
        // Every row's title and field, hidden while folded.
        QList<QWidget*> widgets;
        bool collapsed = false;
    };
    QHash<QString, Section> m_sections;
    QString m_currentSection;
    QHash<QString, QString> m_sectionOfField;
    QHash<QString, QLabel*> m_errorLabels;
    // One per field, empty where the field needs no hint: the line its error appears on.
    QHash<QString, QLabel*> m_hintLabels;
    // Fields from the top of the form down.
    QStringList m_fieldOrder;
    QHash<QString, QList<QWidget*>> m_inputs;
    QSet<QString> m_touched;
    bool m_filling = false;
    bool m_valid = false;
};
