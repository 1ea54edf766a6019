#include "ClipboardGuard.h"

#include <QClipboard>
#include <QCoreApplication>
#include <QMimeData>

using namespace Qt::StringLiterals;

namespace {
constexpr int DefaultClearDelaySeconds = 30;
}

ClipboardGuard::ClipboardGuard(QClipboard* clipboard, QObject* parent)
    : QObject(parent)
    , m_clipboard(clipboard)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(DefaultClearDelaySeconds * 1000);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (clearIfOurs())
            Q_EMIT cleared();
    });
    connect(qApp, &QCoreApplication::aboutToQuit, this, &ClipboardGuard::clearIfOurs);
}

ClipboardGuard::~ClipboardGuard()
{
    clearIfOurs();
}

bool ClipboardGuard::clearIfOurs()
{
    m_timer.stop();
    // Someone copied something else meanwhile: that is theirs, leave it.
    const bool stillOurs = !m_secret.isEmpty() && m_clipboard->text() == m_secret;
    if (stillOurs)
        m_clipboard->clear();
    m_secret.clear();
    return stillOurs;
}

void ClipboardGuard::setClearDelaySeconds(int seconds)
{
    m_timer.setInterval(qMax(0, seconds) * 1000);
}

int ClipboardGuard::clearDelaySeconds() const
{
    return m_timer.interval() / 1000;
}

void ClipboardGuard::copySecret(const QString& secret)
{
    auto* mime = new QMimeData;
    mime->setText(secret);
    // KDE Klipper and other clipboard managers skip entries carrying this hint.
    mime->setData(u"x-kde-passwordManagerHint"_s, QByteArrayLiteral("secret"));
    m_clipboard->setMimeData(mime);

    if (m_timer.interval() > 0) {
        m_secret = secret;
        m_timer.start();
    } else {
        m_timer.stop();
        m_secret.clear();
    }
}

bool ClipboardGuard::isClearPending() const
{
    return m_timer.isActive();
}

int ClipboardGuard::secondsUntilClear() const
{
    // To the nearest second (a coarse timer may report a little over its interval), and never
    // 0 while the clear is still to come.
    return m_timer.isActive() ? qMax(1, (m_timer.remainingTime() + 500) / 1000) : 0;
}
