#include "SettingsPage.h"

#include "ApiKeyFormat.h"
#include "ErrorText.h"
#include "KeyStore.h"
#include "PageHeading.h"
#include "StoreError.h"
#include "UiSettings.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {
constexpr int MaxLifecycleDays = 3650;
constexpr int LifecycleSaveDelayMs = 500;

QLabel* errorLabel(const QString& objectName, QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, QColor(0xc6, 0x28, 0x28));
    label->setPalette(palette);
    label->hide();
    return label;
}

QLabel* hintLabel(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

void showError(QLabel* label, const QString& text)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
}
} // namespace

SettingsPage::SettingsPage(KeyStore& store, UiSettings& settings, QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_settings(settings)
{
    setObjectName(u"settingsPage"_s);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 16, 20, 12);
    layout->setSpacing(16);

    layout->addWidget(new PageHeading(u"Settings"_s, {}, this));
    layout->addWidget(buildClipboardGroup());
    layout->addWidget(buildPrefixGroup());
    layout->addWidget(buildLifecycleGroup());
    layout->addStretch();

    loadWorkspaceSettings();
}

QWidget* SettingsPage::buildClipboardGroup()
{
    auto* group = new QGroupBox(u"Clipboard (this computer)"_s, this);
    group->setMaximumWidth(720);
    auto* form = new QFormLayout(group);
    form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    m_clipboardSpin = new QSpinBox(group);
    m_clipboardSpin->setObjectName(u"clipboardClearSpin"_s);
    m_clipboardSpin->setRange(0, UiSettings::MaxClipboardClearSeconds);
    m_clipboardSpin->setSuffix(u" s"_s);
    m_clipboardSpin->setSpecialValueText(u"Never"_s);
    m_clipboardSpin->setValue(m_settings.clipboardClearSeconds());
    m_clipboardSpin->setMinimumWidth(m_clipboardSpin->fontMetrics().horizontalAdvance(u"3600 s"_s) +
                                     60);
    connect(m_clipboardSpin, &QSpinBox::valueChanged, &m_settings,
            &UiSettings::setClipboardClearSeconds);
    form->addRow(u"Clear a copied key after"_s, m_clipboardSpin);
    form->addRow(hintLabel(u"The clipboard is cleared only if it still holds the key. "
                           "0 keeps it until something else is copied."_s,
                           group));
    return group;
}

QWidget* SettingsPage::buildPrefixGroup()
{
    auto* group = new QGroupBox(u"Key prefixes (this workspace)"_s, this);
    group->setMaximumWidth(720);
    auto* form = new QFormLayout(group);
    form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);

    auto prefixField = [group](const QString& objectName) {
        auto* edit = new QLineEdit(group);
        edit->setMinimumWidth(240);
        edit->setObjectName(objectName);
        edit->setMaxLength(ApiKeyFormat::MaxPrefixLength);
        edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        edit->setEnabled(false);
        return edit;
    };
    m_standardPrefixEdit = prefixField(u"standardPrefixEdit"_s);
    m_subscriptionPrefixEdit = prefixField(u"subscriptionPrefixEdit"_s);
    m_standardPrefixError = errorLabel(u"standardPrefixError"_s, group);
    m_subscriptionPrefixError = errorLabel(u"subscriptionPrefixError"_s, group);
    connect(m_standardPrefixEdit, &QLineEdit::textEdited, this, &SettingsPage::validatePrefixes);
    connect(m_subscriptionPrefixEdit, &QLineEdit::textEdited, this,
            &SettingsPage::validatePrefixes);

    form->addRow(u"Standard keys"_s, m_standardPrefixEdit);
    form->addRow(QString(), m_standardPrefixError);
    form->addRow(u"Subscription keys"_s, m_subscriptionPrefixEdit);
    form->addRow(QString(), m_subscriptionPrefixError);
    form->addRow(hintLabel(u"Lower-case letters and digits in groups ending with a dash, "
                           "e.g. sk- or sk-aisa-. New keys use them; existing keys keep "
                           "theirs."_s,
                           group));

    m_savePrefixesButton = new QPushButton(u"Save prefixes"_s, group);
    m_savePrefixesButton->setObjectName(u"savePrefixesButton"_s);
    m_savePrefixesButton->setEnabled(false);
    connect(m_savePrefixesButton, &QPushButton::clicked, this, &SettingsPage::savePrefixes);
    m_prefixStatus = new QLabel(group);
    m_prefixStatus->setObjectName(u"prefixStatus"_s);
    m_prefixStatus->setWordWrap(true);
    auto* row = new QHBoxLayout;
    row->addWidget(m_savePrefixesButton);
    row->addWidget(m_prefixStatus, 1);
    form->addRow(row);
    return group;
}

void SettingsPage::loadWorkspaceSettings()
{
    setPrefixStatus(u"Loading…"_s, false);
    m_store.workspaceSettings()
        .then(this,
              [this](const WorkspaceSettings& workspace) {
                  m_workspace = workspace;
                  {
                      const QSignalBlocker expiryBlocker(m_expiryWarningSpin);
                      const QSignalBlocker rotationBlocker(m_rotationPeriodSpin);
                      m_expiryWarningSpin->setValue(workspace.expiryWarningDays);
                      m_rotationPeriodSpin->setValue(workspace.rotationPeriodDays);
                  }
                  m_expiryWarningSpin->setEnabled(true);
                  m_rotationPeriodSpin->setEnabled(true);
                  m_standardPrefixEdit->setText(workspace.standardPrefix);
                  m_subscriptionPrefixEdit->setText(workspace.subscriptionPrefix);
                  m_standardPrefixEdit->setEnabled(true);
                  m_subscriptionPrefixEdit->setEnabled(true);
                  m_prefixesLoaded = true;
                  setPrefixStatus(QString(), false);
                  validatePrefixes();
              })
        .onFailed(this, [this](const std::exception& error) {
            setPrefixStatus(
                u"Could not load the workspace settings: %1"_s.arg(ErrorText::describe(error)),
                true);
        });
}

void SettingsPage::validatePrefixes()
{
    QString standardError;
    QString subscriptionError;
    const bool standardOk =
        ApiKeyFormat::isValidPrefix(m_standardPrefixEdit->text(), &standardError);
    bool subscriptionOk =
        ApiKeyFormat::isValidPrefix(m_subscriptionPrefixEdit->text(), &subscriptionError);
    if (subscriptionOk && standardOk &&
        m_subscriptionPrefixEdit->text() == m_standardPrefixEdit->text()) {
        subscriptionOk = false;
        subscriptionError = u"must differ from the standard prefix, so the two kinds of key "
                            "can be told apart"_s;
    }
    showError(m_standardPrefixError, standardOk ? QString() : standardError);
    showError(m_subscriptionPrefixError, subscriptionOk ? QString() : subscriptionError);
    m_prefixesValid = m_prefixesLoaded && standardOk && subscriptionOk;
    m_savePrefixesButton->setEnabled(m_prefixesValid && !m_saving);
}

void SettingsPage::savePrefixes()
{
    WorkspaceSettings workspace = m_workspace;
    workspace.standardPrefix = m_standardPrefixEdit->text();
    workspace.subscriptionPrefix = m_subscriptionPrefixEdit->text();
    m_saving = true;
    m_savePrefixesButton->setEnabled(false);
    setPrefixStatus(u"Saving…"_s, false);
    m_store.updateWorkspaceSettings(workspace)
        .then(this,
              [this](const WorkspaceSettings& saved) {
                  m_workspace = saved;
                  m_standardPrefixEdit->setText(saved.standardPrefix);
                  m_subscriptionPrefixEdit->setText(saved.subscriptionPrefix);
                  setPrefixStatus(u"Saved. New keys start with %1 or %2."_s.arg(
                                      saved.standardPrefix, saved.subscriptionPrefix),
                                  false);
              })
        .onFailed(this,
                  [this](const std::exception& error) {
                      const auto* storeError = dynamic_cast<const StoreError*>(&error);
                      QStringList unplaced;
                      for (const FieldError& field :
                           storeError ? storeError->fieldErrors() : FieldErrors()) {
                          if (field.field == u"standard_prefix")
                              showError(m_standardPrefixError, field.message);
                          else if (field.field == u"subscription_prefix")
                              showError(m_subscriptionPrefixError, field.message);
                          else
                              unplaced << ErrorText::describe(field);
                      }
                      if (!storeError || storeError->fieldErrors().isEmpty())
                          unplaced << ErrorText::describe(error);
                      setPrefixStatus(unplaced.isEmpty() ? u"Not saved: see the marked fields."_s
                                                         : u"Not saved: "_s + unplaced.join(u' '),
                                      true);
                  })
        .then(this, [this] {
            m_saving = false;
            m_savePrefixesButton->setEnabled(m_prefixesValid);
        });
}

void SettingsPage::setPrefixStatus(const QString& text, bool error)
{
    QPalette palette = m_prefixStatus->palette();
    palette.setColor(QPalette::WindowText, error ? QColor(0xc6, 0x28, 0x28)
                                                 : this->palette().color(QPalette::WindowText));
    m_prefixStatus->setPalette(palette);
    m_prefixStatus->setText(text);
}

QWidget* SettingsPage::buildLifecycleGroup()
{
    auto* group = new QGroupBox(u"Expiry and rotation (this workspace)"_s, this);
    group->setObjectName(u"lifecycleGroup"_s);
    group->setMaximumWidth(720);
    auto* form = new QFormLayout(group);
    form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    auto daysSpin = [group](const QString& objectName) {
        auto* spin = new QSpinBox(group);
        spin->setObjectName(objectName);
        spin->setRange(1, MaxLifecycleDays);
        spin->setSuffix(u" days"_s);
        spin->setMinimumWidth(spin->fontMetrics().horizontalAdvance(u"3650 days"_s) + 60);
        spin->setEnabled(false);
        return spin;
    };
    m_expiryWarningSpin = daysSpin(u"expiryWarningSpin"_s);
    m_expiryWarningSpin->setToolTip(
        u"Keys expiring within this many days are flagged on the API Keys page"_s);
    m_rotationPeriodSpin = daysSpin(u"rotationPeriodSpin"_s);
    m_rotationPeriodSpin->setToolTip(
        u"Keys older than this are flagged as due for rotation on the API Keys page"_s);
    form->addRow(u"Warn before expiry (days)"_s, m_expiryWarningSpin);
    form->addRow(u"Rotation period (days)"_s, m_rotationPeriodSpin);
    form->addRow(hintLabel(u"Flags on the API Keys page. Alerts and notifications have their "
                           "own rules on the Alerts page. Rotating every 90 days is the usual "
                           "advice."_s,
                           group));
    m_lifecycleStatus = new QLabel(group);
    m_lifecycleStatus->setObjectName(u"lifecycleStatus"_s);
    m_lifecycleStatus->setWordWrap(true);
    form->addRow(m_lifecycleStatus);

    // Saved shortly after the last change, so stepping through values writes once.
    m_lifecycleSaveTimer.setSingleShot(true);
    m_lifecycleSaveTimer.setInterval(LifecycleSaveDelayMs);
    connect(&m_lifecycleSaveTimer, &QTimer::timeout, this, &SettingsPage::saveLifecycle);
    for (QSpinBox* spin : {m_expiryWarningSpin, m_rotationPeriodSpin})
        connect(spin, &QSpinBox::valueChanged, this, [this] { m_lifecycleSaveTimer.start(); });
    return group;
}

void SettingsPage::saveLifecycle()
{
    WorkspaceSettings workspace = m_workspace;
    workspace.expiryWarningDays = m_expiryWarningSpin->value();
    workspace.rotationPeriodDays = m_rotationPeriodSpin->value();
    if (workspace == m_workspace)
        return;
    setLifecycleStatus(u"Saving…"_s, false);
    m_store.updateWorkspaceSettings(workspace)
        .then(this,
              [this](const WorkspaceSettings& saved) {
                  m_workspace = saved;
                  setLifecycleStatus(u"Saved."_s, false);
              })
        .onFailed(this, [this](const std::exception& error) {
            setLifecycleStatus(u"Not saved: %1"_s.arg(ErrorText::describe(error)), true);
        });
}

void SettingsPage::setLifecycleStatus(const QString& text, bool error)
{
    QPalette palette = m_lifecycleStatus->palette();
    palette.setColor(QPalette::WindowText, error ? QColor(0xc6, 0x28, 0x28)
                                                 : this->palette().color(QPalette::WindowText));
    m_lifecycleStatus->setPalette(palette);
    m_lifecycleStatus->setText(text);
}
