#include "ExportEnvCommand.h"

#include "CliErrors.h"
#include "Clock.h"
#include "EnvExportPlan.h"
#include "EnvFile.h"
#include "FutureCallbacks.h"
#include "GitIgnoreCheck.h"
#include "KeyEnums.h"
#include "KeyPrinter.h"
#include "KeyStore.h"
#include "SecretVault.h"
#include "ServerProfile.h"
#include "StoreConnection.h"
#include "StoreError.h"
#include "StoreOpener.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace {
const QString CommandName = u"export-env"_s;

// Runs onValue with the result, or onError with what the future failed with, on context's
// thread.
QString quoted(const QString& text)
{
    return u'"' + KeyPrinter::printable(text) + u'"';
}

// Why a secret could not be read, in the user's terms.
QString secretProblem(const std::exception_ptr& error)
{
    if (CliErrors::isVaultNotFound(error)) {
        return u"its secret is not in this computer's keychain (the key was created with "
               u"--no-keychain, on another computer, or the keychain was reset); keys are "
               u"shown only once: rotate the key to get a new secret"_s;
    }
    return CliErrors::text(error);
}

// The plan's field names as this command's flags.
QString flagFor(const QString& field)
{
    if (field == u"file")
        return u"--out"_s;
    if (field == u"base URL")
        return u"--base-url"_s;
    if (field == u"base URL variable")
        return u"--base-url-var"_s;
    return field;
}
} // namespace

bool ExportEnvCommand::handles(const QStringList& arguments)
{
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& arg = arguments.at(i);
        if (arg == u"--store" || arg == u"--server")
            ++i;
        else if (!arg.startsWith(u'-') || arg == u"-" || arg == u"--")
            return arg == CommandName;
    }
    return false;
}

QString ExportEnvCommand::help()
{
    return uR"(Usage: keydeckctl [--store PATH | --server URL] export-env --out PATH --key ID|LABEL[=VAR] [--key ...]
                  [--base-url URL [--base-url-var NAME]] [--add-gitignore | --force-gitignore-ok]
                  [--json]

Writes the keys' secrets, read from this computer's keychain, into a .env file that sh can
source and dotenv loaders read, e.g. AISA_API_KEY='sk-aisa-...'. The file is replaced
atomically and made readable by its owner only (mode 0600); its other lines, comments and
order are kept, and a variable already there is replaced where it stands.

  --out PATH             the .env file; its folder must exist
  --key ID|LABEL[=VAR]   a key and, after the last "=", its variable name (letters, digits
                         and _, not starting with a digit). Default: <BRAND>_API_KEY for one
                         key, <BRAND>_<LABEL>_API_KEY for several, BRAND from the workspace
                         prefix (sk-aisa- gives AISA). Repeat for several keys.
  --base-url URL         also write the API's base URL (http or https)
  --base-url-var NAME    its variable (default <BRAND>_BASE_URL)
  --add-gitignore        when git would not ignore the file, add .env, .env.local and *.env
                         (or the file's own path) to the work tree's .gitignore
  --force-gitignore-ok   skip the git check and its warning
  --json                 print the result as JSON

Nothing is written unless every key is found and every secret could be read; a key whose
secret is not in the keychain is named. The secrets are never printed.

Exit codes: 0 written; 1 a secret could not be read, or the file could not be written;
2 usage or validation error; 3 no such key; 4 a key is revoked.
)"_s;
}

ExportEnvCommand::ExportEnvCommand(QStringList arguments, StoreOpener& stores, const Clock& clock,
                                   QTextStream& out, QTextStream& err, QObject* parent)
    : QObject(parent)
    , m_arguments(std::move(arguments))
    , m_stores(stores)
    , m_storePath(stores.defaultLocation())
    , m_clock(clock)
    , m_out(out)
    , m_err(err)
{}

ExportEnvCommand::~ExportEnvCommand() = default;

bool ExportEnvCommand::parse()
{
    static const QStringList valued = {u"--store"_s, u"--server"_s,   u"--out"_s,
                                       u"--key"_s,   u"--base-url"_s, u"--base-url-var"_s};
    static const QStringList switches = {u"--add-gitignore"_s, u"--force-gitignore-ok"_s,
                                         u"--json"_s, u"--help"_s};
    QHash<QString, QString> values;
    bool commandSeen = false;
    for (qsizetype i = 0; i < m_arguments.size(); ++i) {
        const QString& arg = m_arguments.at(i);
        if (!arg.startsWith(u'-') || arg == u"-") {
            if (arg == CommandName && !commandSeen) {
                commandSeen = true;
                continue;
            }
            fail(CliExitCode::Usage, arg, u"unexpected argument (keys are given with --key)"_s);
            return false;
        }
        const qsizetype eq = arg.indexOf(u'=');
        const QString name = arg == u"-h" ? u"--help"_s : eq < 0 ? arg : arg.left(eq);
        if (switches.contains(name)) {
            if (eq >= 0) {
                fail(CliExitCode::Usage, name, u"takes no value"_s);
                return false;
            }
            m_addGitignore = m_addGitignore || name == u"--add-gitignore";
            m_skipGitCheck = m_skipGitCheck || name == u"--force-gitignore-ok";
            m_json = m_json || name == u"--json";
            m_help = m_help || name == u"--help";
            continue;
        }
        if (!valued.contains(name)) {
            fail(CliExitCode::Usage, name, u"unknown option; see keydeckctl export-env --help"_s);
            return false;
        }
        QString value;
        if (eq >= 0) {
            value = arg.mid(eq + 1);
        } else if (i + 1 < m_arguments.size() && !m_arguments.at(i + 1).startsWith(u"--")) {
            value = m_arguments.at(++i);
        } else {
            fail(CliExitCode::Usage, name, u"needs a value"_s);
            return false;
        }
        if (name == u"--key") {
            const qsizetype split = value.lastIndexOf(u'=');
            KeyRequest request{split < 0 ? value : value.left(split), std::nullopt};
            if (split >= 0)
                request.variable = value.mid(split + 1);
            if (request.target.isEmpty()) {
                fail(CliExitCode::Usage, u"--key"_s, u"needs a key's id or label"_s);
                return false;
            }
            m_requests << request;
            continue;
        }
        if (values.contains(name)) {
            fail(CliExitCode::Usage, name, u"given more than once"_s);
            return false;
        }
        values.insert(name, value);
    }
    if (m_help)
        return true;

    if (values.contains(u"--store"_s) && values.contains(u"--server"_s)) {
        fail(CliExitCode::Usage, u"--server"_s,
             u"names a server store: give --store or --server, not both"_s);
        return false;
    }
    if (values.contains(u"--store"_s))
        m_storePath = values.value(u"--store"_s);
    if (values.contains(u"--server"_s)) {
        QString error;
        const std::optional<QUrl> server =
            ServerProfile::parseUrl(values.value(u"--server"_s), &error);
        if (!server) {
            fail(CliExitCode::Usage, u"--server"_s, error);
            return false;
        }
        m_storePath = server->toString();
    }
    if (!values.contains(u"--out"_s) || values.value(u"--out"_s).isEmpty()) {
        fail(CliExitCode::Usage, u"--out"_s, u"is required: the .env file to write"_s);
        return false;
    }
    m_outPath = QFileInfo(values.value(u"--out"_s)).absoluteFilePath();
    if (m_requests.isEmpty()) {
        fail(CliExitCode::Usage, u"--key"_s, u"is required: give at least one key"_s);
        return false;
    }
    if (values.contains(u"--base-url"_s))
        m_baseUrl = values.value(u"--base-url"_s);
    if (values.contains(u"--base-url-var"_s)) {
        if (!m_baseUrl) {
            fail(CliExitCode::Usage, u"--base-url-var"_s, u"needs --base-url"_s);
            return false;
        }
        m_baseUrlVariable = values.value(u"--base-url-var"_s);
    }
    if (m_addGitignore && m_skipGitCheck) {
        fail(CliExitCode::Usage, u"--add-gitignore"_s,
             u"cannot be combined with --force-gitignore-ok, which skips the git check"_s);
        return false;
    }
    return true;
}

void ExportEnvCommand::start()
{
    if (!parse())
        return;
    if (m_help) {
        m_out << help();
        finish(CliExitCode::Ok);
        return;
    }
    if (!m_stores.exists(m_storePath)) {
        fail(CliExitCode::Runtime, u"store"_s,
             u"there is no store at %1 yet (keys create or the KeyDeck app creates it)"_s.arg(
                 m_storePath));
        return;
    }
    m_store = m_stores.connect(m_storePath);
    const auto onError = [this](const std::exception_ptr& error) {
        failWith(error);
    };
    FutureCallbacks::whenDone(
        m_store->open(), this,
        [this, onError] {
            FutureCallbacks::whenDone(
                m_store->keys().workspaceSettings(), this,
                [this](const WorkspaceSettings& settings) {
                    m_prefix = settings.standardPrefix;
                    findKey(0);
                },
                onError);
        },
        onError);
}

void ExportEnvCommand::findKey(qsizetype index)
{
    if (index == m_requests.size()) {
        plan();
        return;
    }
    const QString target = m_requests.at(index).target;
    FutureCallbacks::whenDone(
        m_store->keys().findKey(target), this,
        [this, index](const ApiKeyRecord& record) {
            m_records << record;
            findKey(index + 1);
        },
        [this, target](const std::exception_ptr& error) {
            if (CliErrors::isStoreNotFound(error)) {
                fail(CliExitCode::NotFound, u"--key "_s + quoted(target),
                     u"no key with this id or label (see keydeckctl keys list)"_s);
            } else {
                failWith(error);
            }
        });
}

void ExportEnvCommand::plan()
{
    m_plan = std::make_unique<EnvExportPlan>(m_records, m_prefix);
    for (qsizetype i = 0; i < m_requests.size(); ++i) {
        if (m_requests.at(i).variable)
            m_plan->setVariable(i, *m_requests.at(i).variable);
    }
    m_plan->setPath(m_outPath);
    if (m_baseUrl)
        m_plan->setBaseUrl(m_baseUrlVariable.value_or(m_plan->defaultBaseUrlVariable()),
                           *m_baseUrl);

    FieldErrors errors = m_plan->validate();
    for (FieldError& e : errors)
        e.field = flagFor(e.field);
    if (!errors.isEmpty()) {
        const bool revoked =
            std::any_of(m_records.cbegin(), m_records.cend(),
                        [](const ApiKeyRecord& r) { return r.status == KeyStatus::Revoked; });
        failFields(revoked ? CliExitCode::Refused : CliExitCode::Usage, errors);
        return;
    }
    // Exported all the same: a disabled key can be enabled, an expired one given a new expiry.
    const qint64 now = m_clock.nowUtcMs();
    for (const ApiKeyRecord& record : std::as_const(m_records)) {
        const KeyStatus status = record.effectiveStatus(now);
        if (status != KeyStatus::Active) {
            m_err << u"keydeckctl: warning: key %1 is %2: requests with it fail until that "
                     u"changes\n"_s.arg(quoted(record.spec.label), KeyEnums::statusName(status));
        }
    }
    m_vault = std::make_unique<SecretVault>();
    readSecret(0);
}

void ExportEnvCommand::readSecret(qsizetype index)
{
    const QList<EnvExportPlan::Entry>& entries = m_plan->entries();
    if (index == entries.size()) {
        if (!m_missing.isEmpty()) {
            m_secrets.clear();
            for (const QString& line : std::as_const(m_missing))
                m_err << u"keydeckctl: "_s << line << u'\n';
            fail(CliExitCode::Runtime, {},
                 u"nothing was written to %1: every key's secret must come from this "
                 u"computer's keychain"_s.arg(m_outPath));
            return;
        }
        checkGit();
        return;
    }
    const EnvExportPlan::Entry entry = entries.at(index);
    if (m_secrets.contains(entry.keyId)) {
        readSecret(index + 1);
        return;
    }
    FutureCallbacks::whenDone(
        m_vault->readSecret(entry.vaultEntry, entry.digestHex), this,
        [this, index, id = entry.keyId](const QString& secret) {
            m_secrets.insert(id, secret);
            readSecret(index + 1);
        },
        // Keep going: one run names every key that cannot be exported.
        [this, index, label = entry.label](const std::exception_ptr& error) {
            m_missing << u"key %1: %2"_s.arg(quoted(label),
                                             KeyPrinter::printable(secretProblem(error)));
            readSecret(index + 1);
        });
}

void ExportEnvCommand::checkGit()
{
    if (!m_skipGitCheck) {
        const GitIgnoreCheck git;
        GitIgnoreCheck::Result result = git.inspect(m_outPath);
        if (result.exposed() && m_addGitignore && !result.missingLines.isEmpty()) {
            QString error;
            if (git.addMissingLines(result, &error)) {
                m_gitignoreUpdated = true;
                m_err << u"keydeckctl: added %1 to %2\n"_s.arg(
                    KeyPrinter::printable(result.missingLines.join(u", ")),
                    KeyPrinter::printable(result.gitignorePath));
                result = git.inspect(m_outPath);
            } else {
                m_err << u"keydeckctl: warning: "_s << KeyPrinter::printable(error) << u'\n';
            }
        }
        m_gitExposed = result.exposed();
        if (m_gitExposed) {
            m_err << u"keydeckctl: warning: "_s
                  << KeyPrinter::printable(GitIgnoreCheck::warning(m_outPath, result)) << u'\n';
            if (!m_addGitignore && !result.missingLines.isEmpty()) {
                m_err << u"keydeckctl: add --add-gitignore to append %1 to %2\n"_s.arg(
                    KeyPrinter::printable(result.missingLines.join(u", ")),
                    KeyPrinter::printable(result.gitignorePath));
            }
        }
    }
    writeFile();
}

void ExportEnvCommand::writeFile()
{
    QString error;
    std::optional<EnvFile> file = EnvFile::load(m_outPath, &error);
    if (!file) {
        m_secrets.clear();
        fail(CliExitCode::Runtime, u"--out"_s, error);
        return;
    }
    const QList<EnvFile::Variable> variables = m_plan->variables(m_secrets);
    m_secrets.clear();
    QStringList replaced;
    for (const EnvFile::Variable& v : variables) {
        if (!file->linesAssigning(v.name).isEmpty())
            replaced << v.name;
    }
    const FieldErrors errors = file->set(variables);
    if (!errors.isEmpty()) {
        failFields(CliExitCode::Usage, errors);
        return;
    }
    if (!file->save(m_outPath, &error)) {
        fail(CliExitCode::Runtime, u"--out"_s, error);
        return;
    }
    printResult(replaced);
}

void ExportEnvCommand::printResult(const QStringList& replaced)
{
    struct Row
    {
        QString name;
        QString what;
        QString keyId;
        QString label;
    };
    QList<Row> rows;
    for (const EnvExportPlan::Entry& e : m_plan->entries()) {
        rows << Row{e.variable,
                    u"key %1 (%2)"_s.arg(quoted(e.label), KeyPrinter::printable(e.hint)), e.keyId,
                    e.label};
    }
    if (!m_plan->baseUrlVariable().isEmpty())
        rows << Row{m_plan->baseUrlVariable(), m_plan->baseUrl(), {}, {}};

    if (m_json) {
        QJsonArray variables;
        for (const Row& row : std::as_const(rows)) {
            QJsonObject v{{u"name"_s, row.name}, {u"replaced"_s, replaced.contains(row.name)}};
            if (row.keyId.isEmpty()) {
                v[u"base_url"_s] = row.what;
            } else {
                v[u"key_id"_s] = row.keyId;
                v[u"label"_s] = row.label;
            }
            variables.append(v);
        }
        m_out << KeyPrinter::jsonText(QJsonObject{
            {u"path"_s, m_outPath},
            {u"mode"_s, u"0600"_s},
            {u"variables"_s, variables},
            {u"git_exposed"_s, m_gitExposed},
            {u"gitignore_updated"_s, m_gitignoreUpdated},
        });
    } else {
        qsizetype width = 0;
        for (const Row& row : std::as_const(rows))
            width = std::max(width, row.name.size());
        m_out << u"Wrote %1 %2 to %3 (mode 0600):\n"_s.arg(rows.size())
                     .arg(rows.size() == 1 ? u"variable"_s : u"variables"_s,
                          KeyPrinter::printable(m_outPath));
        for (const Row& row : std::as_const(rows)) {
            m_out << u"  "_s << row.name.leftJustified(width) << u"  "_s << row.what
                  << (replaced.contains(row.name) ? u"  (replaced in place)"_s : QString())
                  << u'\n';
        }
    }
    finish(CliExitCode::Ok);
}

void ExportEnvCommand::fail(CliExitCode code, const QString& field, const QString& message)
{
    m_err << u"keydeckctl: "_s;
    if (!field.isEmpty())
        m_err << KeyPrinter::printable(field) << u": "_s;
    m_err << KeyPrinter::printable(message) << u'\n';
    finish(code);
}

void ExportEnvCommand::failFields(CliExitCode code, const FieldErrors& errors)
{
    for (const FieldError& e : errors)
        m_err << u"keydeckctl: "_s << KeyPrinter::printable(e.field) << u": "_s
              << KeyPrinter::printable(e.message) << u'\n';
    m_err << u"keydeckctl: nothing was written\n"_s;
    finish(code);
}

void ExportEnvCommand::failWith(const std::exception_ptr& error)
{
    try {
        std::rethrow_exception(error);
    } catch (const StoreError& e) {
        fail(CliExitCode::Runtime, u"store"_s, e.fullText());
    } catch (const SecretVault::Error& e) {
        fail(CliExitCode::Runtime, u"keychain"_s, e.message());
    } catch (const std::exception& e) {
        fail(CliExitCode::Runtime, {}, QString::fromUtf8(e.what()));
    } catch (...) {
        fail(CliExitCode::Runtime, {}, u"unknown error"_s);
    }
}

void ExportEnvCommand::finish(CliExitCode code)
{
    if (m_finished)
        return;
    m_finished = true;
    m_out.flush();
    if (m_out.status() != QTextStream::Ok && code == CliExitCode::Ok) {
        m_err << u"keydeckctl: could not write to standard output\n"_s;
        code = CliExitCode::Runtime;
    }
    m_err.flush();
    Q_EMIT finished(int(code));
}
