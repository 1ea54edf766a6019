#include "ShowOnceDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

ShowOnceDialog::ShowOnceDialog(const CreatedKey& created, ClipboardGuard& clipboard,
                               QWidget* parent)
    : QDialog(parent)
{
    setObjectName(u"showOnceDialog"_s);
    setWindowTitle(u"Save your new API key"_s);

    // Fixed colours on both text and background, so the banner also reads in dark themes.
    auto* banner = new QFrame(this);
    banner->setObjectName(u"warningBanner"_s);
    banner->setStyleSheet(u"#warningBanner { background: #fff4e0; border: 1px solid #e8a33d;"
                          u" border-radius: 4px; } #warningBanner QLabel { color: #4a3100; }"_s);
    auto* warningIcon = new QLabel(banner);
    const int iconSize = style()->pixelMetric(QStyle::PM_MessageBoxIconSize, nullptr, this);
    warningIcon->setPixmap(
        style()->standardIcon(QStyle::SP_MessageBoxWarning, nullptr, this).pixmap(iconSize));
    warningIcon->setAlignment(Qt::AlignTop);
    auto* warning = new QLabel(
        u"<b>This key will not be shown again.</b><br>Copy it now and store it somewhere safe."_s,
        banner);
    warning->setObjectName(u"warningLabel"_s);
    warning->setWordWrap(true);
    auto* warningRow = new QHBoxLayout(banner);
    warningRow->setContentsMargins(12, 10, 12, 10);
    warningRow->setSpacing(12);
    warningRow->addWidget(warningIcon);
    warningRow->addWidget(warning, 1);

    const KeySpec& spec = created.record.spec;
    auto* keyName = new QLabel(this);
    keyName->setObjectName(u"keyNameLabel"_s);
    keyName->setTextFormat(Qt::RichText);
    keyName->setText(u"New key <b>%1</b> · %2"_s.arg(spec.label.toHtmlEscaped(),
                                                     spec.environment.toHtmlEscaped()));

    m_panel = new SecretPanel(created.secret, clipboard, this);

    auto* separator = new QFrame(this);
    separator->setFrameShape(QFrame::HLine);
    separator->setFrameShadow(QFrame::Sunken);

    m_storedCheck = new QCheckBox(u"I have stored this key"_s, this);
    m_storedCheck->setObjectName(u"storedCheck"_s);

    auto* buttons = new QDialogButtonBox(this);
    m_doneButton = buttons->addButton(u"Done"_s, QDialogButtonBox::AcceptRole);
    m_doneButton->setObjectName(u"doneButton"_s);
    m_doneButton->setEnabled(false);
    m_doneButton->setDefault(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 20, 20, 16);
    layout->setSpacing(8);
    layout->addWidget(banner);
    layout->addSpacing(10);
    layout->addWidget(keyName);
    layout->addWidget(m_panel);
    layout->addSpacing(10);
    layout->addStretch(1);
    layout->addWidget(separator);
    layout->addWidget(m_storedCheck);
    layout->addWidget(buttons);

    connect(m_storedCheck, &QCheckBox::toggled, m_doneButton, &QPushButton::setEnabled);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);

    setMinimumSize(580, 320);
}

void ShowOnceDialog::setKeychainState(KeychainState state, const QString& detail)
{
    m_panel->setKeychainState(state, detail);
}

void ShowOnceDialog::saveToKeychain(SecretVault& vault, const QString& keyId)
{
    m_panel->saveToKeychain(vault, keyId);
}

void ShowOnceDialog::reject()
{
    // Closing before the user confirms would lose the only sight of the secret.
    if (m_storedCheck->isChecked())
        QDialog::reject();
}
