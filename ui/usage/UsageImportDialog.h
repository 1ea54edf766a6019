#pragma once

#include "UsageImport.h"

#include <QDialog>
#include <QElapsedTimer>
#include <QFutureWatcher>
#include <exception>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class UsageStore;

// Imports a usage log file (JSON Lines or CSV) into the store and shows what happened: how
// many events went in, how many were already there, and every bad line by number and field.
// All or nothing unless the user ticks "Skip bad lines". While a store that reads the file itself
// imports it, the dialog shows how far it is, how many lines it has read and how fast, and
// offers Cancel, which stores nothing.
class UsageImportDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsageImportDialog)

public:
    explicit UsageImportDialog(UsageStore& store, QWidget* parent = nullptr);

    void setPath(const QString& path);
    void startImport();
    bool isImporting() const { return m_importing; }
    QString reportText() const;
    // Escape during an import that can stop stops it rather than leaving it to run unseen.
    void reject() override;

Q_SIGNALS:
    void importFinished(bool committed);

private:
    void browse();
    void setImporting(bool importing);
    void showReport(const UsageImportReport& report);
    void showFailure(const std::exception& error);
    void importDone();
    void showProgress();
    void updateButtons();

    UsageStore& m_store;
    QLineEdit* m_pathEdit = nullptr;
    QComboBox* m_formatCombo = nullptr;
    QCheckBox* m_skipBadLines = nullptr;
    QProgressBar* m_busy = nullptr;
    QLabel* m_progressLabel = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QFutureWatcher<UsageImportReport> m_watcher;
    QElapsedTimer m_sinceStart;
    QString m_importedPath;
    QLabel* m_summary = nullptr;
    QPlainTextEdit* m_report = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QPushButton* m_importButton = nullptr;
    bool m_importing = false;
};
