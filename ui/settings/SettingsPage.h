#pragma once

#include "WorkspaceSettings.h"

#include <QTimer>
#include <QWidget>

class KeyStore;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class UiSettings;

// Preferences of this computer (clipboard) and of the workspace in the store (key prefixes,
// expiry warning and rotation period).
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
    QWidget* buildLifecycleGroup();
    void saveLifecycle();
    void setLifecycleStatus(const QString& text, bool error);
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
    QSpinBox* m_expiryWarningSpin = nullptr;
    QSpinBox* m_rotationPeriodSpin = nullptr;
    QLabel* m_lifecycleStatus = nullptr;
    QTimer m_lifecycleSaveTimer;
    // As last loaded or saved: each group saves its own fields over it, never the defaults.
    WorkspaceSettings m_workspace;
    bool m_prefixesLoaded = false;
    bool m_prefixesValid = false;
    bool m_saving = false;
};
