#pragma once

#include <QWidget>

class KeyStore;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class UiSettings;

// Preferences of this computer (clipboard) and of the workspace in the store (key prefixes).
class SettingsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsPage)

public:
    SettingsPage(KeyStore& store, UiSettings& settings, QWidget* parent = nullptr);

    void loadWorkspaceSettings();

private:
    QWidget* buildClipboardGroup();
    QWidget* buildPrefixGroup();
    void validatePrefixes();
    void savePrefixes();
    void setPrefixStatus(const QString& text, bool error);

    KeyStore& m_store;
    UiSettings& m_settings;

    QSpinBox* m_clipboardSpin = nullptr;
    QLineEdit* m_standardPrefixEdit = nullptr;
    QLineEdit* m_subscriptionPrefixEdit = nullptr;
    QLabel* m_standardPrefixError = nullptr;
    QLabel* m_subscriptionPrefixError = nullptr;
    QLabel* m_prefixStatus = nullptr;
    QPushButton* m_savePrefixesButton = nullptr;
    bool m_prefixesLoaded = false;
    bool m_prefixesValid = false;
    bool m_saving = false;
};
