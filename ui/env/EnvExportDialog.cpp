#include "EnvExportDialog.h"

#include "ClipboardGuard.h"
#include "EnvFile.h"
#include "EnvVarName.h"
#include "SecretVault.h"

#include <QCheckBox>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {
enum Column
{
    KeyColumn,
    HintColumn,
    VariableColumn
};

constexpr int FileReloadDelayMs = 200;

QString secretProblem(const std::exception& error)
{
    const auto* vaultError = dynamic_cast<const SecretVault::Error*>(&error);
    if (vaultError && vaultError->code() == SecretVault::Error::Code::NotFound) {
        return u"its secret is not in this computer's keychain (the key was created elsewhere "
               u"or without saving it, or the keychain was reset); keys are shown only once: "
               u"rotate the key to get a new secret"_s;
    }
    return vaultError ? vaultError->message() : QString::fromUtf8(error.what());
}

QString bulleted(const QStringList& lines)
{
    QString text;
    for (const QString& line : lines)
        text += u"\n• "_s + line;
    return text;
}
} // namespace

EnvExportDialog::EnvExportDialog(const QList<ApiKeyRecord>& records, SecretVault& vault,
                                 ClipboardGuard& clipboard, const QString& workspacePrefix,
                                 const QString& defaultBaseUrl, QWidget* parent)
    : QDialog(parent)
    , m_vault(vault)
    , m_clipboard(clipboard)
    , m_plan(records, workspacePrefix)
{
    setObjectName(u"envExportDialog"_s);
    setWindowTitle(records.size() == 1 ? u"Export key to .env"_s
                                       : u"Export %1 keys to .env"_s.arg(records.size()));
    buildUi(defaultBaseUrl);

    m_fileTimer.setSingleShot(true);
    m_fileTimer.setInterval(FileReloadDelayMs);
    connect(&m_fileTimer, &QTimer::timeout, this, &EnvExportDialog::loadExistingFile);

    loadExistingFile();
    resize(720, sizeHint().height());
}

void EnvExportDialog::buildUi(const QString& defaultBaseUrl)
{
    auto* intro = new QLabel(
        u"Writes the keys' secrets from this computer's keychain into a .env file that sh and "
        u"dotenv loaders read. The file is replaced atomically and readable by you only (mode "
        u"0600); its other lines are kept."_s,
        this);
    intro->setWordWrap(true);

    m_table = new QTableWidget(int(m_plan.entries().size()), 3, this);
    m_table->setObjectName(u"varNameTable"_s);
    m_table->setHorizontalHeaderLabels({u"Key"_s, u"Key shown as"_s, u"Variable"_s});
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::AllEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(VariableColumn, QHeaderView::Stretch);
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    for (int row = 0; row < m_plan.entries().size(); ++row) {
        const EnvExportPlan::Entry& entry = m_plan.entries().at(row);
        auto* key = new QTableWidgetItem(entry.label);
        auto* hint = new QTableWidgetItem(entry.hint);
        hint->setFont(mono);
        for (QTableWidgetItem* item : {key, hint})
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        auto* variable = new QTableWidgetItem(entry.variable);
        variable->setFont(mono);
        m_table->setItem(row, KeyColumn, key);
        m_table->setItem(row, HintColumn, hint);
        m_table->setItem(row, VariableColumn, variable);
    }
    m_table->setMaximumHeight(m_table->verticalHeader()->defaultSectionSize() *
                                  int(std::min<qsizetype>(m_plan.entries().size(), 6)) +
                              m_table->horizontalHeader()->sizeHint().height() + 6);
    if (m_table->rowCount() > 0)
        m_table->setCurrentCell(0, VariableColumn);

    m_pathEdit = new QLineEdit(this);
    m_pathEdit->setObjectName(u"pathEdit"_s);
    m_pathEdit->setPlaceholderText(u"/path/to/project/.env"_s);
    auto* browse = new QPushButton(u"Browse…"_s, this);
    browse->setObjectName(u"browseButton"_s);
    browse->setAutoDefault(false);
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_pathEdit, 1);
    pathRow->addWidget(browse);

    m_baseUrlCheck = new QCheckBox(u"Also write the API base URL as"_s, this);
    m_baseUrlCheck->setObjectName(u"baseUrlCheck"_s);
    m_baseUrlCheck->setChecked(!defaultBaseUrl.isEmpty());
    m_baseUrlVarEdit = new QLineEdit(m_plan.defaultBaseUrlVariable(), this);
    m_baseUrlVarEdit->setObjectName(u"baseUrlVarEdit"_s);
    m_baseUrlVarEdit->setFont(mono);
    m_baseUrlEdit = new QLineEdit(defaultBaseUrl, this);
    m_baseUrlEdit->setObjectName(u"baseUrlEdit"_s);
    m_baseUrlEdit->setPlaceholderText(u"https://api.example.com/v1"_s);
    auto* baseUrlRow = new QHBoxLayout;
    baseUrlRow->addWidget(m_baseUrlCheck);
    baseUrlRow->addWidget(m_baseUrlVarEdit);
    auto* form = new QFormLayout;
    form->addRow(u"File:"_s, pathRow);
    form->addRow(baseUrlRow);
    form->addRow(u"Base URL:"_s, m_baseUrlEdit);

    m_preview = new QPlainTextEdit(this);
    m_preview->setObjectName(u"previewEdit"_s);
    m_preview->setReadOnly(true);
    m_preview->setFont(mono);
    m_preview->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_preview->setMaximumHeight(m_preview->fontMetrics().lineSpacing() * 7 + 12);
    m_previewNote = new QLabel(this);
    m_previewNote->setObjectName(u"previewNote"_s);
    m_previewNote->setWordWrap(true);
    m_previewNote->setForegroundRole(QPalette::PlaceholderText);

    m_validationLabel = new QLabel(this);
    m_validationLabel->setObjectName(u"validationLabel"_s);
    m_validationLabel->setWordWrap(true);
    m_validationLabel->setTextFormat(Qt::PlainText);
    m_validationLabel->setStyleSheet(u"color: #b3261e;"_s);
    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(u"statusLabel"_s);
    m_statusLabel->setWordWrap(true);
    m_statusLabel->setTextFormat(Qt::PlainText);
    m_statusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_copyExportButton = new QPushButton(u"Copy as export VAR=…"_s, this);
    m_copyExportButton->setObjectName(u"copyExportButton"_s);
    m_copyExportButton->setToolTip(
        u"Copy export NAME='…' lines with the secrets, for a terminal; the clipboard is "
        u"cleared later"_s);
    m_copyExportButton->setAutoDefault(false);
    m_copySampleButton = new QPushButton(u"Copy code sample ▾"_s, this);
    m_copySampleButton->setObjectName(u"copySampleButton"_s);
    m_copySampleButton->setToolTip(
        u"Code that reads the selected key's variable; it contains no secret"_s);
    m_copySampleButton->setAutoDefault(false);
    auto* sampleMenu = new QMenu(m_copySampleButton);
    sampleMenu->setObjectName(u"sampleMenu"_s);
    for (const CodeSample::Language language : CodeSample::languages()) {
        QAction* action = sampleMenu->addAction(CodeSample::languageName(language));
        action->setObjectName(u"sample"_s + CodeSample::languageName(language));
        connect(action, &QAction::triggered, this, [this, language] { copySample(language); });
    }
    m_copySampleButton->setMenu(sampleMenu);

    auto* buttons = new QDialogButtonBox(this);
    buttons->addButton(m_copyExportButton, QDialogButtonBox::ActionRole);
    buttons->addButton(m_copySampleButton, QDialogButtonBox::ActionRole);
    m_exportButton = buttons->addButton(u"Export"_s, QDialogButtonBox::ApplyRole);
    m_exportButton->setObjectName(u"exportButton"_s);
    m_exportButton->setDefault(true);
    QPushButton* close = buttons->addButton(QDialogButtonBox::Close);
    close->setObjectName(u"closeButton"_s);
    close->setAutoDefault(false);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_table);
    layout->addLayout(form);
    layout->addWidget(new QLabel(u"Lines to write (secrets shown as hints):"_s, this));
    layout->addWidget(m_preview);
    layout->addWidget(m_previewNote);
    layout->addWidget(m_validationLabel);
    layout->addWidget(m_statusLabel);
    layout->addStretch(1);
    layout->addWidget(buttons);

    connect(m_table, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (item->column() == VariableColumn)
            refresh();
    });
    connect(m_table, &QTableWidget::currentCellChanged, this, &EnvExportDialog::refresh);
    connect(browse, &QPushButton::clicked, this, &EnvExportDialog::browse);
    connect(m_pathEdit, &QLineEdit::textChanged, this, [this] {
        refresh();
        m_fileTimer.start();
    });
    connect(m_baseUrlCheck, &QCheckBox::toggled, this, &EnvExportDialog::refresh);
    connect(m_baseUrlVarEdit, &QLineEdit::textChanged, this, &EnvExportDialog::refresh);
    connect(m_baseUrlEdit, &QLineEdit::textChanged, this, &EnvExportDialog::refresh);
    connect(m_exportButton, &QPushButton::clicked, this, &EnvExportDialog::startExport);
    connect(m_copyExportButton, &QPushButton::clicked, this, &EnvExportDialog::copyExportLines);
    connect(close, &QPushButton::clicked, this, &EnvExportDialog::reject);
}

void EnvExportDialog::setPath(const QString& path)
{
    m_pathEdit->setText(path);
}

void EnvExportDialog::reject()
{
    ++m_generation;
    QDialog::reject();
}

void EnvExportDialog::browse()
{
    const QString current = m_pathEdit->text();
    const QString start = current.isEmpty() ? QDir::homePath() + u"/.env"_s : current;
    // Not confirming overwrite: the file is merged into, not replaced.
    const QString chosen = QFileDialog::getSaveFileName(
        this, u"Export to .env file"_s, start, u".env files (*.env .env*);;All files (*)"_s,
        nullptr, QFileDialog::DontConfirmOverwrite);
    if (!chosen.isEmpty())
        m_pathEdit->setText(QDir::toNativeSeparators(chosen));
}

void EnvExportDialog::syncPlan()
{
    for (int row = 0; row < m_table->rowCount(); ++row)
        m_plan.setVariable(row, m_table->item(row, VariableColumn)->text());
    const QString path = m_pathEdit->text();
    m_plan.setPath(path.isEmpty() ? QString() : QDir::fromNativeSeparators(path));
    if (m_baseUrlCheck->isChecked())
        m_plan.setBaseUrl(m_baseUrlVarEdit->text(), m_baseUrlEdit->text().trimmed());
    else
        m_plan.setBaseUrl({}, {});
}

FieldErrors EnvExportDialog::errors() const
{
    FieldErrors all = m_plan.validate();
    if (m_baseUrlCheck->isChecked() && m_baseUrlVarEdit->text().isEmpty())
        all << FieldError{u"base URL variable"_s, u"is empty; name it or untick the box"_s};
    if (!m_existing && !m_existingError.isEmpty())
        all << FieldError{u"file"_s, m_existingError};
    return all;
}

QString EnvExportDialog::fieldLabel(const QString& field) const
{
    for (const EnvExportPlan::Entry& entry : m_plan.entries()) {
        if (field == EnvExportPlan::keyField(entry.label))
            return u"Variable of “%1”"_s.arg(entry.label);
    }
    if (field == u"file")
        return u"File"_s;
    if (field == u"base URL")
        return u"Base URL"_s;
    if (field == u"base URL variable")
        return u"Base URL variable"_s;
    if (field == u"keys")
        return u"Keys"_s;
    return field;
}

void EnvExportDialog::refresh()
{
    syncPlan();
    const FieldErrors all = errors();
    QStringList lines;
    bool namesValid = true;
    for (const FieldError& e : all) {
        lines << fieldLabel(e.field) + u": "_s + e.message;
        namesValid = namesValid && e.field == u"file";
    }
    m_validationLabel->setText(lines.join(u'\n'));
    m_validationLabel->setVisible(!lines.isEmpty());

    const QSignalBlocker blocker(m_table);
    for (int row = 0; row < m_table->rowCount(); ++row) {
        QTableWidgetItem* item = m_table->item(row, VariableColumn);
        const QString field = EnvExportPlan::keyField(m_plan.entries().at(row).label);
        QString problem;
        for (const FieldError& e : all) {
            if (e.field == field)
                problem = e.message;
        }
        item->setToolTip(problem);
        item->setForeground(problem.isEmpty() ? palette().text() : QBrush(QColor(0xb3261e)));
    }

    m_baseUrlVarEdit->setEnabled(m_baseUrlCheck->isChecked());
    m_exportButton->setEnabled(!m_busy && all.isEmpty());
    m_copyExportButton->setEnabled(!m_busy && namesValid);
    m_copySampleButton->setEnabled(!sampleVariable().isEmpty() &&
                                   CodeSample::isValidBaseUrl(m_baseUrlEdit->text().trimmed()));
    updatePreview();
}

void EnvExportDialog::loadExistingFile()
{
    m_existingError.clear();
    const QString path = m_plan.path();
    if (QDir::isAbsolutePath(path) && !QFileInfo(path).isDir())
        m_existing = EnvFile::load(path, &m_existingError);
    else
        m_existing = EnvFile();
    refresh();
}

void EnvExportDialog::updatePreview()
{
    const QList<EnvFile::Variable> masked = m_plan.maskedVariables();
    QStringList lines;
    for (const EnvFile::Variable& v : masked)
        lines << EnvFile::assignment(v);
    m_preview->setPlainText(lines.join(u'\n'));

    if (!m_existing || m_plan.path().isEmpty() || !QFileInfo::exists(m_plan.path())) {
        m_previewNote->setText(m_plan.path().isEmpty() ? QString()
                                                       : u"A new file will be created."_s);
        return;
    }
    QStringList replaced;
    QStringList added;
    for (const EnvFile::Variable& v : masked) {
        const QList<int> at = m_existing->linesAssigning(v.name);
        if (at.isEmpty()) {
            added << v.name;
            continue;
        }
        QStringList numbers;
        for (int line : at)
            numbers << QString::number(line);
        replaced << u"%1 (line %2)"_s.arg(v.name, numbers.join(u", "));
    }
    QStringList note{u"The file exists; its other lines are kept."_s};
    if (!replaced.isEmpty())
        note << u"Replaced in place: %1."_s.arg(replaced.join(u", "));
    if (!added.isEmpty())
        note << u"Added at the end: %1."_s.arg(added.join(u", "));
    m_previewNote->setText(note.join(u' '));
}

void EnvExportDialog::setBusy(bool busy, const QString& message)
{
    m_busy = busy;
    m_table->setEnabled(!busy);
    m_pathEdit->setReadOnly(busy);
    if (busy)
        setStatus(message, Tone::Plain);
    refresh();
}

void EnvExportDialog::setStatus(const QString& text, Tone tone)
{
    m_statusLabel->setText(text);
    m_statusLabel->setStyleSheet(tone == Tone::Success ? u"color: #2e7d32;"_s
                                 : tone == Tone::Error ? u"color: #b3261e; font-weight: bold;"_s
                                                       : QString());
}

void EnvExportDialog::readSecrets(const QString& action, SecretsReady ready)
{
    setBusy(true, u"Reading %1 from the keychain…"_s.arg(
                      m_plan.entries().size() == 1 ? u"the secret"_s
                                                   : u"%1 secrets"_s.arg(m_plan.entries().size())));
    readNext(m_generation, 0, {}, {}, action, std::move(ready));
}

// One at a time: some keychains serialise jobs anyway, and an unlock prompt should appear once.
void EnvExportDialog::readNext(quint64 generation, qsizetype index, QHash<QString, QString> secrets,
                               QStringList problems, const QString& action, SecretsReady ready)
{
    if (generation != m_generation)
        return;
    const QList<EnvExportPlan::Entry>& entries = m_plan.entries();
    if (index == entries.size()) {
        if (!problems.isEmpty()) {
            setBusy(false);
            setStatus(u"%1: nothing was written. %2 cannot be exported:%3"_s.arg(
                          action, problems.size() == 1 ? u"This key"_s : u"These keys"_s,
                          bulleted(problems)),
                      Tone::Error);
            return;
        }
        ready(secrets);
        return;
    }
    const EnvExportPlan::Entry entry = entries.at(index);
    auto next = [this, generation, index, action, ready](QHash<QString, QString> s, QStringList p) {
        readNext(generation, index + 1, std::move(s), std::move(p), action, ready);
    };
    m_vault.readSecret(entry.vaultEntry, entry.digestHex)
        .then(this,
              [next, secrets, problems, id = entry.keyId](const QString& secret) mutable {
                  secrets.insert(id, secret);
                  next(std::move(secrets), std::move(problems));
              })
        .onFailed(this, [next, secrets, problems,
                         label = entry.label](const std::exception& error) mutable {
            problems << u"“%1”: %2"_s.arg(label, secretProblem(error));
            next(std::move(secrets), std::move(problems));
        });
}

void EnvExportDialog::startExport()
{
    refresh();
    if (m_busy || !errors().isEmpty())
        return;
    readSecrets(u"Export"_s, [this](const QHash<QString, QString>& secrets) { checkGit(secrets); });
}

void EnvExportDialog::checkGit(const QHash<QString, QString>& secrets)
{
    setStatus(u"Checking whether git would pick up the file…"_s, Tone::Plain);
    const quint64 generation = m_generation;
    m_git.inspectAsync(m_plan.path())
        .then(this, [this, generation, secrets](const GitIgnoreCheck::Result& result) {
            if (generation != m_generation)
                return;
            if (result.exposed())
                askAboutGit(result, secrets);
            else
                writeFile(secrets, {});
        });
}

void EnvExportDialog::askAboutGit(const GitIgnoreCheck::Result& result,
                                  const QHash<QString, QString>& secrets)
{
    const bool canAdd = !result.missingLines.isEmpty();
    QString text = GitIgnoreCheck::warning(QDir::toNativeSeparators(m_plan.path()), result);
    if (canAdd) {
        text += u"\n\nAdd these lines to %1?\n%2"_s.arg(
            QDir::toNativeSeparators(result.gitignorePath),
            u"    "_s + result.missingLines.join(u"\n    "_s));
    }
    auto* box = new QMessageBox(QMessageBox::Warning, u"Export to .env"_s, text,
                                canAdd ? QMessageBox::Yes | QMessageBox::No | QMessageBox::Cancel
                                       : QMessageBox::Ok | QMessageBox::Cancel,
                                this);
    box->setObjectName(u"gitIgnoreQuestion"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    if (canAdd) {
        box->button(QMessageBox::Yes)->setText(u"Add to .gitignore and export"_s);
        box->button(QMessageBox::No)->setText(u"Export without"_s);
        box->setDefaultButton(QMessageBox::Yes);
    } else {
        box->button(QMessageBox::Ok)->setText(u"Export anyway"_s);
        box->setDefaultButton(QMessageBox::Cancel);
    }
    box->setEscapeButton(QMessageBox::Cancel);
    const quint64 generation = m_generation;
    connect(box, &QMessageBox::finished, this, [this, box, result, secrets, generation] {
        if (generation != m_generation)
            return;
        const QMessageBox::StandardButton answer = box->standardButton(box->clickedButton());
        if (answer == QMessageBox::Cancel || answer == QMessageBox::NoButton) {
            setBusy(false);
            setStatus(u"Export cancelled; nothing was written."_s, Tone::Plain);
            return;
        }
        QString note;
        if (answer == QMessageBox::Yes) {
            QString error;
            note = m_git.addMissingLines(result, &error)
                       ? u" Added %1 to %2."_s.arg(result.missingLines.join(u", "),
                                                   result.gitignorePath)
                       : u" .gitignore was not changed: %1."_s.arg(error);
        } else {
            note = u" Warning: git does not ignore the file."_s;
        }
        writeFile(secrets, note);
    });
    box->open();
}

void EnvExportDialog::writeFile(const QHash<QString, QString>& secrets, const QString& gitNote)
{
    const QString path = m_plan.path();
    QString error;
    std::optional<EnvFile> file = EnvFile::load(path, &error);
    FieldErrors problems;
    if (file)
        problems = file->set(m_plan.variables(secrets));
    if (file && problems.isEmpty() && file->save(path, &error)) {
        const int count =
            int(m_plan.entries().size()) + (m_plan.baseUrlVariable().isEmpty() ? 0 : 1);
        m_existing = *file;
        setBusy(false);
        setStatus(u"Exported %1 %2 to %3 (mode 0600).%4"_s.arg(count).arg(
                      count == 1 ? u"variable"_s : u"variables"_s, QDir::toNativeSeparators(path),
                      gitNote),
                  Tone::Success);
        Q_EMIT exported(path, count);
        return;
    }
    for (const FieldError& e : std::as_const(problems))
        error += (error.isEmpty() ? QString() : u"; "_s) + e.toString();
    setBusy(false);
    setStatus(u"Export failed; the file was not changed: %1"_s.arg(error), Tone::Error);
}

void EnvExportDialog::copyExportLines()
{
    refresh();
    if (m_busy || !m_copyExportButton->isEnabled())
        return;
    readSecrets(u"Copy"_s, [this](const QHash<QString, QString>& secrets) {
        const QList<EnvFile::Variable> variables = m_plan.variables(secrets);
        setBusy(false);
        const FieldErrors problems = EnvFile::validate(variables);
        if (!problems.isEmpty()) {
            setStatus(u"Nothing was copied: %1"_s.arg(problems.first().toString()), Tone::Error);
            return;
        }
        QStringList lines;
        for (const EnvFile::Variable& v : variables)
            lines << EnvFile::exportLine(v);
        m_clipboard.copySecret(lines.join(u'\n') + u'\n');
        const int delay = m_clipboard.clearDelaySeconds();
        setStatus(delay > 0
                      ? u"Copied %1 export lines; the clipboard clears in %2 s."_s.arg(lines.size())
                            .arg(delay)
                      : u"Copied %1 export lines."_s.arg(lines.size()),
                  Tone::Success);
    });
}

QString EnvExportDialog::sampleVariable() const
{
    const int row = m_table->currentRow() >= 0 ? m_table->currentRow() : 0;
    if (row >= m_plan.entries().size())
        return {};
    const QString name = m_plan.entries().at(row).variable;
    return EnvVarName::isValid(name) ? name : QString();
}

void EnvExportDialog::copySample(CodeSample::Language language)
{
    const QString variable = sampleVariable();
    const QString url = m_baseUrlEdit->text().trimmed();
    if (variable.isEmpty() || !CodeSample::isValidBaseUrl(url))
        return;
    const QString urlVariable =
        m_baseUrlCheck->isChecked() && EnvVarName::isValid(m_baseUrlVarEdit->text())
            ? m_baseUrlVarEdit->text()
            : QString();
    // No secret in it, so an ordinary copy that stays on the clipboard.
    QGuiApplication::clipboard()->setText(CodeSample::text(language, variable, url, urlVariable));
    setStatus(u"Copied the %1 sample for %2."_s.arg(CodeSample::languageName(language), variable),
              Tone::Plain);
}
