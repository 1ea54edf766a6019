#include "ShowOnceDialog.h"

#include "ClipboardGuard.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFontDatabase>
#include <QFrame>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

ShowOnceDialog::ShowOnceDialog(const CreatedKey& created, ClipboardGuard& clipboard,
                               QWidget* parent)
    : QDialog(parent)
    , m_clipboard(clipboard)
    , m_secret(created.secret)
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

    m_secretField = new QLineEdit(m_secret, this);
    m_secretField->setObjectName(u"secretField"_s);
    m_secretField->setReadOnly(true);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setPointSizeF(mono.pointSizeF() * 1.1);
    m_secretField->setFont(mono);
    m_secretField->setTextMargins(4, 4, 4, 4);
    m_secretField->setMinimumWidth(m_secretField->fontMetrics().horizontalAdvance(m_secret) + 24);
    m_secretField->setCursorPosition(0);
    // Every copy goes through the guard (password-manager hint, timed clear): Ctrl+C is
    // redirected in eventFilter() and the context menu's plain Copy is not offered.
    m_secretField->setContextMenuPolicy(Qt::NoContextMenu);
    m_secretField->installEventFilter(this);

    m_copyButton = new QPushButton(u"Copy"_s, this);
    m_copyButton->setObjectName(u"copyButton"_s);
    m_copyButton->setAutoDefault(false);
    // As tall as the enlarged secret field beside it.
    m_copyButton->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred);
    auto* secretRow = new QHBoxLayout;
    secretRow->addWidget(m_secretField, 1);
    secretRow->addWidget(m_copyButton);

    m_copyStatus = new QLabel(this);
    m_copyStatus->setObjectName(u"copyStatus"_s);
    m_copyStatus->setForegroundRole(QPalette::PlaceholderText);

    m_keychainStatus = new QLabel(this);
    m_keychainStatus->setObjectName(u"keychainStatus"_s);
    m_keychainStatus->setWordWrap(true);
    m_keychainStatus->setTextFormat(Qt::PlainText);

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
    layout->addLayout(secretRow);
    layout->addWidget(m_copyStatus);
    layout->addSpacing(4);
    layout->addWidget(m_keychainStatus);
    layout->addSpacing(10);
    layout->addStretch(1);
    layout->addWidget(separator);
    layout->addWidget(m_storedCheck);
    layout->addWidget(buttons);

    connect(m_copyButton, &QPushButton::clicked, this, &ShowOnceDialog::copy);
    connect(&m_clipboard, &ClipboardGuard::cleared, this, [this] {
        if (m_copied)
            m_copyStatus->setText(u"Copied — clipboard cleared"_s);
    });
    connect(m_storedCheck, &QCheckBox::toggled, m_doneButton, &QPushButton::setEnabled);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);

    setKeychainState(KeychainState::Saving);
    setMinimumSize(580, 320);
}

void ShowOnceDialog::setKeychainState(KeychainState state, const QString& detail)
{
    QString text;
    QString color;
    bool warn = false;
    switch (state) {
    case KeychainState::Saving:
        text = u"Saving to the system keychain…"_s;
        break;
    case KeychainState::Saved:
        text =
            u"Saved in the system keychain: you can copy it again later from the API Keys page."_s;
        color = u"#2e7d32"_s;
        break;
    case KeychainState::Failed:
        text = u"Not saved in the keychain: %1"_s.arg(
            detail.isEmpty() ? u"copy the key now, it cannot be shown again."_s : detail);
        warn = true;
        color = u"#b35c00"_s;
        break;
    case KeychainState::Skipped:
        text = detail.isEmpty()
                   ? u"Not saved in the keychain: this dialog is the only place the key appears."_s
                   : detail;
        break;
    }
    m_keychainStatus->setText(text);
    m_keychainStatus->setProperty("warning", warn);
    m_keychainStatus->setStyleSheet(
        color.isEmpty()
            ? QString()
            : u"color: %1;%2"_s.arg(color, warn ? u" font-weight: bold;"_s : QString()));
}

void ShowOnceDialog::reject()
{
    // Closing before the user confirms would lose the only sight of the secret.
    if (m_storedCheck->isChecked())
        QDialog::reject();
}

bool ShowOnceDialog::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_secretField && event->type() == QEvent::FocusIn) {
        // Deferred: the mouse press that gave focus would otherwise reset the selection.
        QTimer::singleShot(0, m_secretField, &QLineEdit::selectAll);
    }
    if (watched == m_secretField && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->matches(QKeySequence::Copy)) {
        copy();
        return true;
    }
    return QDialog::eventFilter(watched, event);
}

void ShowOnceDialog::copy()
{
    m_clipboard.copySecret(m_secret);
    m_copied = true;
    const int delay = m_clipboard.clearDelaySeconds();
    m_copyStatus->setText(delay > 0 ? u"Copied — clipboard clears in %1 s"_s.arg(delay)
                                    : u"Copied"_s);
}
