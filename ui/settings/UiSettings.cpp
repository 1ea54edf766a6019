#include "UiSettings.h"

#include <QSettings>

using namespace Qt::StringLiterals;

namespace {
const QString ClipboardClearKey = u"clipboard/clearSeconds"_s;
const QString WindowGeometryKey = u"window/geometry"_s;
const QString LastPageKey = u"window/lastPage"_s;
const QString KeysTableStateKey = u"keys/tableState"_s;
} // namespace

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

QByteArray UiSettings::windowGeometry() const
{
    return m_settings.value(WindowGeometryKey).toByteArray();
}

void UiSettings::setWindowGeometry(const QByteArray& geometry)
{
    m_settings.setValue(WindowGeometryKey, geometry);
}

QString UiSettings::lastPage() const
{
    return m_settings.value(LastPageKey).toString();
}

void UiSettings::setLastPage(const QString& pageName)
{
    m_settings.setValue(LastPageKey, pageName);
}

QByteArray UiSettings::keysTableState() const
{
    return m_settings.value(KeysTableStateKey).toByteArray();
}

void UiSettings::setKeysTableState(const QByteArray& state)
{
    m_settings.setValue(KeysTableStateKey, state);
}
