#include "SecretPanel.h"

#include "ClipboardGuard.h"
#include "ErrorText.h"
#include "SecretVault.h"

#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

SecretPanel::SecretPanel(const QString& secret, ClipboardGuard& clipboard, QWidget* parent)
    : QWidget(parent)
    , m_clipboard(clipboard)
    , m_secret(secret)
{
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
    // redirected in eventFilter() and the context menu's plain Copy is not offered. Nothing in
    // the field can be selected either: on X11 a selection is the PRIMARY selection at once,
    // which has no password hint and is never cleared.
    m_secretField->setContextMenuPolicy(Qt::NoContextMenu);
    m_secretField->setDragEnabled(false);
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

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(8);
    layout->addLayout(secretRow);
    layout->addWidget(m_copyStatus);
    layout->addSpacing(4);
    layout->addWidget(m_keychainStatus);

    connect(m_copyButton, &QPushButton::clicked, this, &SecretPanel::copy);
    m_countdown.setInterval(250);
    connect(&m_countdown, &QTimer::timeout, this, &SecretPanel::showCountdown);
    connect(&m_clipboard, &ClipboardGuard::cleared, this, [this] {
        if (!m_copied)
            return;
        m_cleared = true;
        m_countdown.stop();
        m_copyStatus->setText(u"Copied — clipboard cleared"_s);
    });
    setKeychainState(KeychainState::Saving);
}

void SecretPanel::setKeychainState(KeychainState state, const QString& detail)
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

void SecretPanel::saveToKeychain(SecretVault& vault, const QString& keyId)
{
    setKeychainState(KeychainState::Saving);
    vault.storeSecret(keyId, m_secret)
        .then(this, [this] { setKeychainState(KeychainState::Saved); })
        .onFailed(this, [this](const std::exception& error) {
            setKeychainState(KeychainState::Failed, ErrorText::describe(error));
        });
}

bool SecretPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched != m_secretField)
        return QWidget::eventFilter(watched, event);
    switch (event->type()) {
    case QEvent::MouseButtonPress:
    case QEvent::MouseButtonDblClick:
    case QEvent::MouseMove:
    case QEvent::MouseButtonRelease:
        // Focus still moves here, so the keyboard reaches Ctrl+C; a click never selects.
        if (event->type() == QEvent::MouseButtonPress)
            m_secretField->setFocus(Qt::MouseFocusReason);
        return true;
    case QEvent::KeyPress: {
        const auto* key = static_cast<QKeyEvent*>(event);
        if (key->matches(QKeySequence::Copy)) {
            copy();
            return true;
        }
        // Shift+arrows, Ctrl+A and the like would select; plain movement and Shift+Tab (focus
        // back out of the field) stay.
        const bool focusKey = key->key() == Qt::Key_Tab || key->key() == Qt::Key_Backtab;
        if (key->matches(QKeySequence::SelectAll) ||
            (key->modifiers().testFlag(Qt::ShiftModifier) && !focusKey))
            return true;
        break;
    }
    default:
        break;
    }
    return QWidget::eventFilter(watched, event);
}

void SecretPanel::copy()
{
    m_clipboard.copySecret(m_secret);
    m_copied = true;
    m_cleared = false;
    showCountdown();
    if (m_clipboard.isClearPending())
        m_countdown.start();
}

void SecretPanel::showCountdown()
{
    if (m_clipboard.isClearPending()) {
        m_copyStatus->setText(
            u"Copied — clipboard clears in %1 s"_s.arg(m_clipboard.secondsUntilClear()));
        return;
    }
    m_countdown.stop();
    // Not cleared (clearing is off, or something else was copied since): nothing to count.
    if (!m_cleared)
        m_copyStatus->setText(u"Copied"_s);
}
