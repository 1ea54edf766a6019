#pragma once

#include <QByteArray>
#include <QObject>

class QSettings;

// Desktop-only preferences, kept in the platform's QSettings (not in the key store).
class UiSettings final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UiSettings)

public:
    static constexpr int DefaultClipboardClearSeconds = 30;
    static constexpr int MaxClipboardClearSeconds = 3600;

    explicit UiSettings(QSettings& settings, QObject* parent = nullptr);

    // 0: never clear the clipboard after copying a key.
    int clipboardClearSeconds() const;
    void setClipboardClearSeconds(int seconds);

    // The main window's geometry (QWidget::saveGeometry()) and the objectName of the page it
    // showed when it closed; empty when never saved.
    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& geometry);
    QString lastPage() const;
    void setLastPage(const QString& pageName);
    // The keys table's columns: which are shown, their order, widths and sort
    // (QHeaderView::saveState()); empty when never saved.
    QByteArray keysTableState() const;
    void setKeysTableState(const QByteArray& state);

Q_SIGNALS:
    void clipboardClearSecondsChanged(int seconds);

private:
    QSettings& m_settings;
};
