#include "UiSettings.h"

#include <QSettings>

using namespace Qt::StringLiterals;

namespace {
const QString ClipboardClearKey = u"clipboard/clearSeconds"_s;
}

UiSettings::UiSettings(QSettings& settings, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
{}

int UiSettings::clipboardClearSeconds() const
{
    bool ok = false;
    const int seconds =
        m_settings.value(ClipboardClearKey, DefaultClipboardClearSeconds).toInt(&ok);
    // A hand-edited or corrupt value must not leave secrets on the clipboard forever.
    if (!ok || seconds < 0 || seconds > MaxClipboardClearSeconds)
        return DefaultClipboardClearSeconds;
    return seconds;
}

void UiSettings::setClipboardClearSeconds(int seconds)
{
    seconds = qBound(0, seconds, MaxClipboardClearSeconds);
    if (seconds == clipboardClearSeconds() && m_settings.contains(ClipboardClearKey))
        return;
    m_settings.setValue(ClipboardClearKey, seconds);
    Q_EMIT clipboardClearSecondsChanged(seconds);
}
