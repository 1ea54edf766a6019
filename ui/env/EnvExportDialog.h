#pragma once

#include "ApiKeyRecord.h"
#include "CodeSample.h"
#include "EnvExportPlan.h"
#include "GitIgnoreCheck.h"

#include <QDialog>
#include <QHash>
#include <QTimer>
#include <functional>

class ClipboardGuard;
class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;
class SecretVault;

// Export to .env: writes the selected keys' secrets, read from this computer's keychain, into a
// .env file (atomically, mode 0600), keeping the file's other lines. Variable names are edited
// in "varNameTable" (column Variable), the file in "pathEdit" (Browse... "browseButton"), the
// optional base URL with "baseUrlCheck", "baseUrlVarEdit" and "baseUrlEdit". "previewEdit" shows
// the lines to be written with display hints instead of secrets, "validationLabel" names every
// bad field and "exportButton" stays disabled until there is none. Export reads every secret
// first (a missing one is named in "statusLabel" and nothing is written), then asks
// ("gitIgnoreQuestion": Yes adds the lines, No writes anyway, Cancel stops) when git would not
// ignore the file. "copyExportButton" copies export NAME='secret' lines through the clipboard
// guard; "copySampleButton" opens a menu of code samples that read the variable.
class EnvExportDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EnvExportDialog)

public:
    // workspacePrefix gives the default names (sk-aisa- -> AISA_API_KEY); defaultBaseUrl may be
    // empty, which leaves the base URL unchecked.
    EnvExportDialog(const QList<ApiKeyRecord>& records, SecretVault& vault,
                    ClipboardGuard& clipboard, const QString& workspacePrefix,
                    const QString& defaultBaseUrl, QWidget* parent = nullptr);

    void setPath(const QString& path);
    void reject() override;

Q_SIGNALS:
    // After a successful write: for the main window's status bar.
    void exported(const QString& path, int variableCount);

private:
    enum class Tone
    {
        Plain,
        Success,
        Error
    };

    void buildUi(const QString& defaultBaseUrl);
    void browse();
    void syncPlan();
    void refresh();
    void loadExistingFile();
    void updatePreview();
    FieldErrors errors() const;
    QString fieldLabel(const QString& field) const;
    void setBusy(bool busy, const QString& message = {});
    void setStatus(const QString& text, Tone tone);

    using SecretsReady = std::function<void(const QHash<QString, QString>&)>;
    void readSecrets(const QString& action, SecretsReady ready);
    void readNext(quint64 generation, qsizetype index, QHash<QString, QString> secrets,
                  QStringList problems, const QString& action, SecretsReady ready);

    void startExport();
    void checkGit(const QHash<QString, QString>& secrets);
    void askAboutGit(const GitIgnoreCheck::Result& result, const QHash<QString, QString>& secrets);
    void writeFile(const QHash<QString, QString>& secrets, const QString& gitNote);
    void copyExportLines();
    void copySample(CodeSample::Language language);
    QString sampleVariable() const;

    SecretVault& m_vault;
    ClipboardGuard& m_clipboard;
    EnvExportPlan m_plan;
    GitIgnoreCheck m_git;

    QTableWidget* m_table = nullptr;
    QLineEdit* m_pathEdit = nullptr;
    QCheckBox* m_baseUrlCheck = nullptr;
    QLineEdit* m_baseUrlVarEdit = nullptr;
    QLineEdit* m_baseUrlEdit = nullptr;
    QPlainTextEdit* m_preview = nullptr;
    QLabel* m_previewNote = nullptr;
    QLabel* m_validationLabel = nullptr;
    QLabel* m_statusLabel = nullptr;
    QPushButton* m_exportButton = nullptr;
    QPushButton* m_copyExportButton = nullptr;
    QPushButton* m_copySampleButton = nullptr;

    QTimer m_fileTimer;
    std::optional<EnvFile> m_existing; // the target as it is now; nullopt: unreadable
    QString m_existingError;
    bool m_busy = false;
    // Bumped when the dialog is closed: answers to older requests are dropped.
    quint64 m_generation = 0;
};
