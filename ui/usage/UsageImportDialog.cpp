#include "UsageImportDialog.h"

#include "ErrorText.h"
#include "StoreError.h"
#include "UsageStore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

UsageImportDialog::UsageImportDialog(UsageStore& store, QWidget* parent)
    : QDialog(parent)
    , m_store(store)
{
    setObjectName(u"usageImportDialog"_s);
    setWindowTitle(u"Import Usage Log"_s);
    setMinimumWidth(560);

    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(
        u"JSON Lines (one object per line) or CSV with a header row. Fields: time (RFC 3339), "
        "key (id or label), model, endpoint, status, prompt_tokens, completion_tokens, cost_usd, "
        "latency_ms, ip, request_id. Events whose request_id is already stored are skipped."_s,
        this);
    intro->setWordWrap(true);
    intro->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(intro);

    auto* form = new QFormLayout;
    auto* pathRow = new QHBoxLayout;
    m_pathEdit = new QLineEdit(this);
    m_pathEdit->setObjectName(u"importPathEdit"_s);
    m_pathEdit->setPlaceholderText(u"usage.jsonl"_s);
    auto* browseButton = new QPushButton(u"Browse…"_s, this);
    browseButton->setObjectName(u"browseButton"_s);
    pathRow->addWidget(m_pathEdit, 1);
    pathRow->addWidget(browseButton);
    form->addRow(u"File:"_s, pathRow);
    m_formatCombo = new QComboBox(this);
    m_formatCombo->setObjectName(u"importFormatCombo"_s);
    m_formatCombo->addItem(u"From the file name (.csv is CSV)"_s, -1);
    m_formatCombo->addItem(u"JSON Lines"_s, int(UsageCodec::Format::JsonLines));
    m_formatCombo->addItem(u"CSV"_s, int(UsageCodec::Format::Csv));
    form->addRow(u"Format:"_s, m_formatCombo);
    m_skipBadLines =
        new QCheckBox(u"Skip bad lines (import the good ones and list the bad ones)"_s, this);
    m_skipBadLines->setObjectName(u"skipBadLinesCheck"_s);
    m_skipBadLines->setToolTip(
        u"Without this, one bad line stops the import and nothing is stored"_s);
    form->addRow(QString(), m_skipBadLines);
    layout->addLayout(form);

    m_busy = new QProgressBar(this);
    m_busy->setObjectName(u"importProgressBar"_s);
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setMaximumHeight(8);
    m_busy->hide();
    layout->addWidget(m_busy);
    m_progressLabel = new QLabel(this);
    m_progressLabel->setObjectName(u"importProgressLabel"_s);
    m_progressLabel->setForegroundRole(QPalette::PlaceholderText);
    m_progressLabel->hide();
    layout->addWidget(m_progressLabel);

    m_summary = new QLabel(this);
    m_summary->setObjectName(u"importSummary"_s);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->hide();
    layout->addWidget(m_summary);
    m_report = new QPlainTextEdit(this);
    m_report->setObjectName(u"importReport"_s);
    m_report->setReadOnly(true);
    m_report->setMinimumHeight(150);
    m_report->hide();
    layout->addWidget(m_report, 1);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_importButton = m_buttons->addButton(u"Import"_s, QDialogButtonBox::AcceptRole);
    m_importButton->setObjectName(u"importRunButton"_s);
    m_importButton->setDefault(true);
    m_cancelButton = m_buttons->addButton(u"Cancel Import"_s, QDialogButtonBox::ActionRole);
    m_cancelButton->setObjectName(u"importCancelButton"_s);
    m_cancelButton->setToolTip(u"Stop the import; nothing of the file is stored"_s);
    m_cancelButton->hide();
    layout->addWidget(m_buttons);

    connect(browseButton, &QPushButton::clicked, this, &UsageImportDialog::browse);
    connect(m_pathEdit, &QLineEdit::textChanged, this, &UsageImportDialog::updateButtons);
    // Import does not close the dialog: the report is what the user came for.
    connect(m_importButton, &QPushButton::clicked, this, &UsageImportDialog::startImport);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_cancelButton, &QPushButton::clicked, this, [this] {
        m_watcher.cancel();
        m_cancelButton->setEnabled(false);
        m_progressLabel->setText(u"Cancelling…"_s);
    });
    // Only a store that reads the file itself reports progress, and only such a one can stop.
    connect(&m_watcher, &QFutureWatcherBase::progressRangeChanged, this, [this](int low, int high) {
        m_busy->setRange(low, high);
        m_cancelButton->setVisible(m_importing && high > low);
    });
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &UsageImportDialog::importDone);
    connect(&m_watcher, &QFutureWatcherBase::progressValueChanged, this,
            &UsageImportDialog::showProgress);
    connect(&m_watcher, &QFutureWatcherBase::progressTextChanged, this,
            &UsageImportDialog::showProgress);
    updateButtons();
}

void UsageImportDialog::setPath(const QString& path)
{
    m_pathEdit->setText(path);
}

QString UsageImportDialog::reportText() const
{
    QString text = m_summary->text();
    if (!m_report->toPlainText().isEmpty())
        text += u'\n' + m_report->toPlainText();
    return text;
}

void UsageImportDialog::reject()
{
    if (m_importing && m_cancelButton->isVisible()) {
        if (m_cancelButton->isEnabled())
            m_cancelButton->click();
        return;
    }
    QDialog::reject();
}

void UsageImportDialog::browse()
{
    const QString path = QFileDialog::getOpenFileName(
        this, u"Import Usage Log"_s, m_pathEdit->text(),
        u"Usage logs (*.jsonl *.ndjson *.json *.csv);;All files (*)"_s);
    if (!path.isEmpty())
        m_pathEdit->setText(path);
}

void UsageImportDialog::updateButtons()
{
    // A file just imported is not offered again: every event of it would be a duplicate, and
    // Import sits where Cancel Import was, under a pointer that came to cancel.
    const QString path = m_pathEdit->text().trimmed();
    m_importButton->setEnabled(!m_importing && !path.isEmpty() && path != m_importedPath);
}

void UsageImportDialog::setImporting(bool importing)
{
    m_importing = importing;
    m_busy->setVisible(importing);
    m_busy->setRange(0, 0);
    m_progressLabel->setVisible(importing);
    m_progressLabel->clear();
    m_cancelButton->setVisible(false);
    m_cancelButton->setEnabled(true);
    m_pathEdit->setEnabled(!importing);
    m_formatCombo->setEnabled(!importing);
    m_skipBadLines->setEnabled(!importing);
    m_buttons->button(QDialogButtonBox::Close)->setEnabled(!importing);
    updateButtons();
}

void UsageImportDialog::startImport()
{
    const QString path = m_pathEdit->text().trimmed();
    if (m_importing || path.isEmpty())
        return;
    UsageImportOptions options;
    options.skipBadLines = m_skipBadLines->isChecked();
    if (const int format = m_formatCombo->currentData().toInt(); format >= 0)
        options.format = UsageCodec::Format(format);
    m_summary->hide();
    m_report->clear();
    m_report->hide();
    setImporting(true);
    m_progressLabel->setText(u"Importing %1…"_s.arg(QFileInfo(path).fileName()));
    m_sinceStart.start();
    m_watcher.setFuture(m_store.importUsage(UsageSource::file(path), options));
}

void UsageImportDialog::importDone()
{
    setImporting(false);
    m_summary->show();
    const QFuture<UsageImportReport> import = m_watcher.future();
    try {
        // A cancelled import drops the failure it throws: cancelled, it says nothing more.
        if (import.resultCount() == 0) {
            QFuture<UsageImportReport>(import).waitForFinished();
            m_summary->setText(u"Nothing was imported. The import was cancelled."_s);
            Q_EMIT importFinished(false);
            return;
        }
        showReport(import.result());
    } catch (const std::exception& error) {
        showFailure(error);
    }
}

void UsageImportDialog::showProgress()
{
    if (!m_importing || !m_cancelButton->isEnabled())
        return;
    m_busy->setValue(m_watcher.progressValue());
    bool counted = false;
    const qint64 lines = m_watcher.progressText().toLongLong(&counted);
    if (!counted)
        return;
    const QLocale locale;
    QString text = u"%1 lines read"_s.arg(locale.toString(lines));
    // A rate over less than a second says little.
    if (const qint64 ms = m_sinceStart.elapsed(); ms >= 1000)
        text += u" · %1 lines a second"_s.arg(locale.toString(lines * 1000 / ms));
    m_progressLabel->setText(text);
}

void UsageImportDialog::showReport(const UsageImportReport& report)
{
    const QLocale locale;
    QStringList summary;
    if (report.committed) {
        summary << u"Imported %1 new events from %2 lines."_s.arg(
            locale.toString(report.imported), locale.toString(report.linesRead));
    } else {
        summary << u"Nothing was imported."_s;
    }
    if (report.duplicates > 0)
        summary << u"%1 events were already stored (same request_id) and were not counted again."_s
                       .arg(locale.toString(report.duplicates));
    if (report.skipped > 0)
        summary << u"%1 bad lines were left out:"_s.arg(locale.toString(report.skipped));
    else if (!report.committed && !report.errors.isEmpty())
        summary << u"Fix these lines, or tick “Skip bad lines” to import the others:"_s;
    m_summary->setText(summary.join(u' '));
    if (report.committed) {
        m_importedPath = m_pathEdit->text().trimmed();
        updateButtons();
    }

    QStringList lines;
    for (const UsageImportReport::LineError& error : report.errors) {
        // "line 11: is not valid JSON", not "line 11: line: is not valid JSON".
        const QString what =
            error.error.field == u"line"_s ? error.error.message : ErrorText::describe(error.error);
        lines << u"line %1: %2"_s.arg(error.line).arg(what);
    }
    const qint64 unlisted = report.skipped - report.errors.size();
    if (unlisted > 0)
        lines << u"… and %1 more"_s.arg(locale.toString(unlisted));
    m_report->setPlainText(lines.join(u'\n'));
    m_report->setVisible(!lines.isEmpty());
    Q_EMIT importFinished(report.committed);
}

void UsageImportDialog::showFailure(const std::exception& error)
{
    const auto* storeError = dynamic_cast<const StoreError*>(&error);
    const bool badLine = storeError && storeError->code() == StoreError::Code::Invalid;
    m_summary->setText(badLine ? u"Nothing was imported. Fix the line, or tick “Skip bad lines” to "
                                 "import the good lines."_s
                               : u"Nothing was imported."_s);
    m_report->setPlainText(ErrorText::describe(error));
    m_report->show();
    Q_EMIT importFinished(false);
}
