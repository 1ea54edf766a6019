#include "KeydeckCtl.h"

#include "AlertJson.h"
#include "AlertPrinter.h"
#include "CliErrors.h"
#include "CliHelp.h"
#include "Clock.h"
#include "ExportEnvCommand.h"
#include "FutureCallbacks.h"
#include "KeyJson.h"
#include "KeyPrinter.h"
#include "KeySpecFlags.h"
#include "KeyStore.h"
#include "LeakReport.h"
#include "LeakScan.h"
#include "LifecycleStore.h"
#include "SecretVault.h"
#include "ServerProfile.h"
#include "StoreConnection.h"
#include "StoreError.h"
#include "StoreOpener.h"
#include "UsageJson.h"
#include "UsagePrinter.h"
#include "UsageStore.h"
#include "WorkspaceJson.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTextStream>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace {
QString quoted(const QString& text)
{
    return u'"' + KeyPrinter::printable(text) + u'"';
}

// A label as one shell word, to paste into a suggested command.
QString shellWord(const QString& text)
{
    static const QRegularExpression plain(u"^[A-Za-z0-9._@%+=:,/-]+$"_s);
    const QString printable = KeyPrinter::printable(text);
    if (plain.match(printable).hasMatch() && !printable.startsWith(u'-'))
        return printable;
    QString escaped = printable;
    escaped.replace(u"'"_s, u"'\\''"_s);
    return (printable.startsWith(u'-') ? u"-- '"_s : u"'"_s) + escaped + u'\'';
}

// The spec members whose values differ, by their JSON names ("tier", "rpm").
QStringList changedMembers(const KeySpec& before, const KeySpec& after)
{
    const QJsonObject a = KeyJson::specToJson(before);
    const QJsonObject b = KeyJson::specToJson(after);
    QStringList changed;
    for (auto it = b.constBegin(); it != b.constEnd(); ++it) {
        if (a.value(it.key()) != it.value())
            changed << it.key();
    }
    return changed;
}
} // namespace

KeydeckCtl::KeydeckCtl(QStringList arguments, StoreOpener& stores, const Clock& clock,
                       QTextStream& out, QTextStream& err, QObject* parent)
    : QObject(parent)
    , m_arguments(std::move(arguments))
    , m_stores(stores)
    , m_clock(clock)
    , m_out(out)
    , m_err(err)
    , m_secretIndex(SecretIndex::defaultPath(SecretVault::DefaultService.toString()), clock)
{}

KeydeckCtl::~KeydeckCtl() = default;

void KeydeckCtl::makeVault()
{
    m_vault = std::make_unique<SecretVault>();
    m_vault->setIndex(&m_secretIndex);
}

template <typename T, typename OnValue, typename OnError>
void KeydeckCtl::await(QFuture<T> future, OnValue onValue, OnError onError)
{
    FutureCallbacks::whenDone(std::move(future), this, std::move(onValue), std::move(onError))
        .onCanceled(this,
                    [this] { fail(CliExitCode::Runtime, {}, u"the operation was cancelled"_s); });
}

template <typename T, typename OnValue> void KeydeckCtl::await(QFuture<T> future, OnValue onValue)
{
    await(std::move(future), std::move(onValue),
          [this](const std::exception_ptr& error) { failWith(error); });
}

void KeydeckCtl::start()
{
    // export-env repeats --key, which CliArguments refuses: it reads its own command line.
    if (ExportEnvCommand::handles(m_arguments)) {
        auto* command = new ExportEnvCommand(m_arguments, m_stores, m_clock, m_out, m_err, this);
        connect(command, &ExportEnvCommand::finished, this, [this](int code) {
            m_finished = true;
            Q_EMIT finished(code);
        });
        command->start();
        return;
    }
    FieldError usage;
    m_args = CliArguments::parse(m_arguments, &usage);
    if (!m_args) {
        fail(CliExitCode::Usage, usage.field, usage.message);
        return;
    }
    using C = CliArguments::Command;
    switch (m_args->command()) {
    case C::Help:
        m_out << CliHelp::text(m_args->helpTopic());
        finish(CliExitCode::Ok);
        return;
    case C::Version:
        m_out << u"keydeckctl "_s << QCoreApplication::applicationVersion() << u'\n';
        finish(CliExitCode::Ok);
        return;
    case C::KeysCreate:
        createKey();
        return;
    case C::KeysList:
        listKeys();
        return;
    case C::KeysShow:
        showKey();
        return;
    case C::KeysUpdate:
        updateKey();
        return;
    case C::KeysDisable:
        setStatus(KeyStatus::Disabled);
        return;
    case C::KeysEnable:
        setStatus(KeyStatus::Active);
        return;
    case C::KeysRevoke:
        setStatus(KeyStatus::Revoked);
        return;
    case C::KeysDelete:
        deleteKey();
        return;
    case C::KeysRotate:
        rotateKey();
        return;
    case C::WorkspaceShow:
        showWorkspace();
        return;
    case C::WorkspaceSet:
        setWorkspace();
        return;
    case C::UsageImport:
        importUsage();
        return;
    case C::UsageSummary:
        usageSummary();
        return;
    case C::UsageLogs:
        usageLogs();
        return;
    case C::AlertsList:
        listAlerts();
        return;
    case C::AlertsAck:
        acknowledgeAlert();
        return;
    case C::AlertsRules:
        listAlertRules();
        return;
    case C::Scan:
        scanForLeaks();
        return;
    }
}

void KeydeckCtl::createKey()
{
    KeySpec spec;
    const FieldErrors errors =
        KeySpecFlags::applyAndValidate(m_args->values(), spec, m_clock.nowUtcMs());
    if (!errors.isEmpty()) {
        failFields(errors, CliExitCode::Usage);
        return;
    }
    withStore(StoreAccess::CreateIfMissing, [this, spec] {
        withKeychain([this, spec](bool usable, const QString& reason) {
            saveCreated(m_store->keys().createPendingKey(spec), usable, reason);
        });
    });
}

void KeydeckCtl::rotateKey()
{
    withStore(StoreAccess::Existing, [this] {
        withTarget([this](const ApiKeyRecord& record) {
            withKeychain([this, record](bool usable, const QString& reason) {
                saveCreated(m_store->lifecycle().rotateKeyPending(record.id), usable, reason,
                            record);
            });
        });
    });
}

void KeydeckCtl::withKeychain(std::function<void(bool usable, const QString& reason)> next)
{
    if (m_args->has(u"--no-keychain"_s)) {
        next(false, {});
        return;
    }
    // Probe first: QtKeychain's own errors mislead; the probe says what is wrong.
    makeVault();
    await(
        m_vault->probe(),
        [next](const SecretVault::Probe& probe) { next(probe.available, probe.reason); },
        [next](const std::exception_ptr& error) { next(false, CliErrors::text(error)); });
}

void KeydeckCtl::saveCreated(QFuture<CreatedKey> creating, bool keychainUsable,
                             const QString& unavailableReason,
                             const std::optional<ApiKeyRecord>& replaced)
{
    await(std::move(creating), [this, keychainUsable, unavailableReason,
                                replaced](const CreatedKey& created) {
        if (m_args->has(u"--no-keychain"_s)) {
            printAndActivate(created, Keychain::Skipped, {}, replaced);
            return;
        }
        if (!keychainUsable) {
            printAndActivate(created, Keychain::NotSaved, unavailableReason, replaced);
            return;
        }
        // Whatever happens in the keychain, the secret is printed: it exists nowhere else.
        await(
            m_vault->storeSecret(created.record.vaultEntry, created.secret),
            [this, created, replaced] { printAndActivate(created, Keychain::Saved, {}, replaced); },
            [this, created, replaced](const std::exception_ptr& error) {
                printAndActivate(created, Keychain::NotSaved, CliErrors::text(error), replaced);
            });
    });
}

// The key becomes usable only once its secret is in the keychain or on standard output: a
// kill before that leaves a pending key, which the store removes.
void KeydeckCtl::printAndActivate(const CreatedKey& created, Keychain keychain,
                                  const QString& reason,
                                  const std::optional<ApiKeyRecord>& replaced)
{
    printCreated(created, keychain, reason, replaced);
    m_out.flush();
    m_err.flush();
    await(
        m_store->keys().activateKey(created.record.id),
        [this](const ApiKeyRecord&) { finish(CliExitCode::Ok); },
        [this, created, keychain](const std::exception_ptr& error) {
            const QString message =
                u"the key printed above could not be activated and cannot be used: %1"_s.arg(
                    CliErrors::text(error));
            if (keychain != Keychain::Saved) {
                fail(CliExitCode::Runtime, {}, message);
                return;
            }
            // A secret of a key that does not exist has no business in the keychain.
            await(
                m_vault->removeSecret(created.record.vaultEntry),
                [this, message] { fail(CliExitCode::Runtime, {}, message); },
                [this, message](const std::exception_ptr&) {
                    fail(CliExitCode::Runtime, {}, message);
                });
        });
}

void KeydeckCtl::printCreated(const CreatedKey& created, Keychain keychain, const QString& reason,
                              const std::optional<ApiKeyRecord>& replaced)
{
    const qint64 now = m_clock.nowUtcMs();
    if (keychain == Keychain::NotSaved) {
        m_err << u"keydeckctl: warning: the key was NOT saved in the OS keychain: "_s
              << KeyPrinter::printable(reason)
              << u"\nkeydeckctl: warning: store the key printed on "_s
              << u"standard output now; it will not be shown again.\n"_s;
    }
    if (m_args->json()) {
        QJsonObject object = KeyPrinter::json(created.record, now);
        object[u"secret"_s] = created.secret;
        if (replaced)
            object[u"rotated_from_label"_s] = replaced->spec.label;
        object[u"keychain"_s] = keychain == Keychain::Saved      ? u"saved"_s
                                : keychain == Keychain::NotSaved ? u"not_saved"_s
                                                                 : u"skipped"_s;
        if (keychain == Keychain::NotSaved)
            object[u"keychain_error"_s] = reason;
        m_out << KeyPrinter::jsonText(object);
    } else {
        const QString where =
            keychain == Keychain::Saved
                ? u"saved in the OS keychain (service \"%1\")"_s.arg(m_vault->service())
            : keychain == Keychain::NotSaved
                ? u"NOT saved (see the warning); store the key yourself now"_s
                : u"not saved (--no-keychain); store the key yourself now"_s;
        if (replaced) {
            m_out << u"Rotated key %1: created %2 with the same settings in %3.\n\n"_s.arg(
                quoted(replaced->spec.label), quoted(created.record.spec.label),
                m_store->keys().location());
        } else {
            m_out << u"Created key %1 in %2.\n\n"_s.arg(quoted(created.record.spec.label),
                                                        m_store->keys().location());
        }
        m_out << created.secret << u"\n\nThis key will not be shown again.\nKeychain: "_s << where
              << u"\n\n"_s;
        if (replaced) {
            m_out << u"Deploy it, then revoke the old key: keydeckctl keys revoke %1\n\n"_s.arg(
                shellWord(replaced->spec.label));
        }
        m_out << KeyPrinter::details(created.record, now,
                                     replaced ? Labels{{replaced->id, replaced->spec.label}}
                                              : Labels());
    }
}

void KeydeckCtl::listKeys()
{
    // Listing must not create a store as a side effect (think of a mistyped --store).
    if (!m_stores.exists(storePath())) {
        if (m_args->json())
            m_out << u"[]\n"_s;
        else
            m_out << u"No keys: there is no store at %1 yet.\n"_s.arg(storePath());
        finish(CliExitCode::Ok);
        return;
    }
    withStore(StoreAccess::Existing, [this] {
        await(m_store->keys().listKeys(), [this](const QList<ApiKeyRecord>& records) {
            const qint64 now = m_clock.nowUtcMs();
            if (m_args->json())
                m_out << KeyPrinter::jsonText(KeyPrinter::json(records, now));
            else if (records.isEmpty())
                m_out << u"No keys in %1.\n"_s.arg(m_store->keys().location());
            else
                m_out << KeyPrinter::table(records, now);
            finish(CliExitCode::Ok);
        });
    });
}

void KeydeckCtl::showKey()
{
    withStore(StoreAccess::Existing, [this] {
        withTarget([this](const ApiKeyRecord& record) {
            if (record.rotatedFromId.isEmpty() && record.rotatedToId.isEmpty()) {
                printRecord(record, {});
                finish(CliExitCode::Ok);
                return;
            }
            withLabels([this, record](const Labels& labels) {
                printRecord(record, {}, labels);
                finish(CliExitCode::Ok);
            });
        });
    });
}

void KeydeckCtl::updateKey()
{
    withStore(StoreAccess::Existing, [this] {
        withTarget([this](const ApiKeyRecord& record) {
            KeySpec spec = record.spec;
            const FieldErrors errors =
                KeySpecFlags::applyAndValidate(m_args->values(), spec, m_clock.nowUtcMs());
            if (!errors.isEmpty()) {
                failFields(errors, CliExitCode::Usage);
                return;
            }
            const QStringList changed = changedMembers(record.spec, spec);
            if (changed.isEmpty()) {
                printRecord(record, u"No changes: key %1 already has these values.\n\n"_s.arg(
                                        quoted(record.spec.label)));
                finish(CliExitCode::Ok);
                return;
            }
            await(m_store->keys().updateKey(record.id, spec),
                  [this, changed](const ApiKeyRecord& updated) {
                      printRecord(updated, u"Updated key %1: %2.\n\n"_s.arg(
                                               quoted(updated.spec.label), changed.join(u", ")));
                      finish(CliExitCode::Ok);
                  });
        });
    });
}

void KeydeckCtl::setStatus(KeyStatus status)
{
    withStore(StoreAccess::Existing, [this, status] {
        withTarget([this, status](const ApiKeyRecord& record) {
            if (record.status == KeyStatus::Revoked) {
                fail(CliExitCode::Refused, targetField(),
                     status == KeyStatus::Revoked
                         ? u"already revoked (revocation is final)"_s
                         : u"is revoked; revocation is final, only delete remains"_s);
                return;
            }
            if (record.status == status) {
                printRecord(record, u"Key %1 is already %2.\n\n"_s.arg(
                                        quoted(record.spec.label), KeyEnums::statusName(status)));
                finish(CliExitCode::Ok);
                return;
            }
            await(
                m_store->keys().setKeyStatus(record.id, status),
                [this, status](const ApiKeyRecord& updated) {
                    const QString label = quoted(updated.spec.label);
                    QString headline;
                    if (status == KeyStatus::Revoked) {
                        headline =
                            u"Revoked key %1: requests with it now fail with 401 revoked_api_key. "
                            u"This is final.\n\n"_s.arg(label);
                    } else if (status == KeyStatus::Disabled) {
                        headline = u"Disabled key %1: requests with it now fail with 401 "
                                   u"disabled_api_key until "
                                   u"it is enabled.\n\n"_s.arg(label);
                    } else if (updated.isExpired(m_clock.nowUtcMs())) {
                        headline =
                            u"Enabled key %1, but it has expired: give it a new expiry with "
                            u"keydeckctl keys update ID --expires TIME|never.\n\n"_s.arg(label);
                    } else {
                        headline = u"Enabled key %1.\n\n"_s.arg(label);
                    }
                    printRecord(updated, headline);
                    finish(CliExitCode::Ok);
                });
        });
    });
}

void KeydeckCtl::deleteKey()
{
    withStore(StoreAccess::Existing, [this] {
        withTarget([this](const ApiKeyRecord& record) {
            await(m_store->keys().deleteKey(record.id), [this, record] {
                if (!record.ownsVaultEntry) {
                    printDeleted(record, SecretRemoval::KeptForOriginal, {});
                    return;
                }
                makeVault();
                await(
                    m_vault->removeSecret(record.vaultEntry),
                    [this, record] { printDeleted(record, SecretRemoval::Removed, {}); },
                    [this, record](const std::exception_ptr& error) {
                        if (CliErrors::isVaultNotFound(error))
                            printDeleted(record, SecretRemoval::Removed, {});
                        else
                            printDeleted(record, SecretRemoval::Failed, CliErrors::text(error));
                    });
            });
        });
    });
}

void KeydeckCtl::printDeleted(const ApiKeyRecord& record, SecretRemoval removal,
                              const QString& keychainProblem)
{
    if (removal == SecretRemoval::Failed) {
        m_err
            << u"keydeckctl: warning: the key is deleted, but its secret may still be in the OS "_s
            << u"keychain: "_s << KeyPrinter::printable(keychainProblem) << u'\n';
    }
    if (m_args->json()) {
        m_out << KeyPrinter::jsonText(QJsonObject{
            {u"id"_s, record.id},
            {u"label"_s, record.spec.label},
            {u"deleted"_s, true},
            {u"keychain"_s, removal == SecretRemoval::Removed           ? u"removed"_s
                            : removal == SecretRemoval::KeptForOriginal ? u"kept_for_original"_s
                                                                        : u"not_removed"_s}});
    } else {
        m_out << u"Deleted key %1 (%2); %3.\n"_s.arg(
            quoted(record.spec.label), KeyPrinter::printable(record.id),
            removal == SecretRemoval::Removed ? u"no secret of it remains in the OS keychain"_s
            : removal == SecretRemoval::KeptForOriginal
                ? u"its secret stays in the OS keychain: this store is a copy of another store, "
                  u"which may still use the key"_s
                : u"its secret could NOT be removed from the OS keychain"_s);
    }
    finish(CliExitCode::Ok);
}

void KeydeckCtl::showWorkspace()
{
    withStore(StoreAccess::Existing, [this] {
        await(m_store->keys().workspaceSettings(), [this](const WorkspaceSettings& settings) {
            printWorkspace(settings, {});
            finish(CliExitCode::Ok);
        });
    });
}

void KeydeckCtl::setWorkspace()
{
    FieldErrors errors;
    for (const QString& flag : {u"--prefix"_s, u"--subscription-prefix"_s}) {
        QString error;
        if (m_args->has(flag) && !ApiKeyFormat::isValidPrefix(m_args->value(flag), &error))
            errors << FieldError{flag, error};
    }
    if (!errors.isEmpty()) {
        failFields(errors, CliExitCode::Usage);
        return;
    }
    withStore(StoreAccess::CreateIfMissing, [this] {
        await(m_store->keys().workspaceSettings(), [this](WorkspaceSettings settings) {
            if (m_args->has(u"--prefix"_s))
                settings.standardPrefix = m_args->value(u"--prefix"_s);
            if (m_args->has(u"--subscription-prefix"_s))
                settings.subscriptionPrefix = m_args->value(u"--subscription-prefix"_s);
            if (settings.standardPrefix == settings.subscriptionPrefix) {
                fail(CliExitCode::Usage,
                     m_args->has(u"--subscription-prefix"_s) ? u"--subscription-prefix"_s
                                                             : u"--prefix"_s,
                     u"must differ from the other prefix, so a key's type shows in the key"_s);
                return;
            }
            await(m_store->keys().updateWorkspaceSettings(settings),
                  [this](const WorkspaceSettings& saved) {
                      printWorkspace(saved,
                                     u"Workspace updated; new keys get these prefixes.\n\n"_s);
                      finish(CliExitCode::Ok);
                  });
        });
    });
}

bool KeydeckCtl::parseUsageFlags()
{
    FieldError error;
    m_usageFlags = UsageFlags::parse(*m_args, m_clock.nowUtcMs(), &error);
    if (!m_usageFlags)
        fail(CliExitCode::Usage, error.field, error.message);
    return m_usageFlags.has_value();
}

void KeydeckCtl::importUsage()
{
    if (!parseUsageFlags())
        return;
    const QFileInfo file(m_args->file());
    if (!file.isFile() || !file.isReadable()) {
        fail(CliExitCode::Usage, m_args->file(),
             file.exists() ? u"is not a readable file"_s : u"no such file"_s);
        return;
    }
    UsageImportOptions options;
    options.format = m_usageFlags->format();
    options.skipBadLines = m_args->has(u"--skip-bad-lines"_s);
    withStore(StoreAccess::Existing, [this, options, path = file.absoluteFilePath()] {
        await(
            m_store->usage().importUsage(UsageSource::file(path), options),
            [this](const UsageImportReport& report) { printImport(report); },
            [this](const std::exception_ptr& error) { failImport(error); });
    });
}

void KeydeckCtl::printImport(const UsageImportReport& report)
{
    const QString& file = m_args->file();
    if (m_args->json()) {
        m_out << KeyPrinter::jsonText(UsageJson::importReportToJson(report, file));
    } else {
        for (const UsageImportReport::LineError& e : report.errors)
            m_err << u"keydeckctl: "_s << KeyPrinter::printable(e.toString())
                  << u" (line skipped)\n"_s;
        if (report.skipped > report.errors.size()) {
            m_err << u"keydeckctl: %1 more bad lines skipped\n"_s.arg(report.skipped -
                                                                      report.errors.size());
        }
        m_out << UsagePrinter::importSummary(report, file);
    }
    finish(CliExitCode::Ok);
}

void KeydeckCtl::failImport(const std::exception_ptr& error)
{
    const std::optional<StoreError> e = CliErrors::storeError(error);
    if (!e || e->code() != StoreError::Code::Invalid) {
        failWith(error);
        return;
    }
    // The fields are "line N: field": printed as they are, not turned into flag names.
    if (e->fieldErrors().isEmpty())
        m_err << u"keydeckctl: "_s << KeyPrinter::printable(e->message()) << u'\n';
    for (const FieldError& f : e->fieldErrors())
        m_err << u"keydeckctl: "_s << KeyPrinter::printable(f.toString()) << u'\n';
    fail(CliExitCode::Usage, m_args->file(),
         u"nothing was imported; fix the line, or give --skip-bad-lines to import the other "
         u"lines"_s);
}

void KeydeckCtl::usageSummary()
{
    if (!parseUsageFlags())
        return;
    withStore(StoreAccess::Existing, [this] {
        withUsageQuery([this](const UsageQuery& query, const QString& scope) {
            using G = UsageFlags::Grouping;
            switch (m_usageFlags->grouping()) {
            case G::None:
                await(m_store->usage().usageTotals(query), [this, query,
                                                            scope](const UsageTotals& totals) {
                    if (m_args->json())
                        m_out << KeyPrinter::jsonText(
                            UsageJson::summaryToJson(totals, query.fromMs, query.toMs));
                    else
                        m_out << UsagePrinter::summary(totals, query.fromMs, query.toMs, scope);
                    finish(CliExitCode::Ok);
                });
                return;
            case G::Hour:
            case G::Day: {
                const auto size = m_usageFlags->grouping() == G::Hour
                                      ? UsageSeries::BucketSize::Hour
                                      : UsageSeries::BucketSize::Day;
                // Hours and days as the user's clock shows them (TZ).
                const QTimeZone zone = QTimeZone::systemTimeZone();
                await(m_store->usage().usageSeries(query, size, zone),
                      [this, scope, zone](const QList<UsageSeries::Point>& points) {
                          printGroups(UsagePrinter::timeRows(points, zone), scope, {});
                      });
                return;
            }
            case G::Key:
                withLabels([this, query, scope](const Labels& labels) {
                    await(m_store->usage().usageGroups(query, UsageStore::Grouping::Key),
                          [this, scope, labels](const QList<UsageGroupRow>& rows) {
                              printGroups(rows, scope, labels);
                          });
                });
                return;
            case G::Model:
                await(m_store->usage().usageGroups(query, UsageStore::Grouping::Model),
                      [this, scope](const QList<UsageGroupRow>& rows) {
                          printGroups(rows, scope, {});
                      });
                return;
            }
        });
    });
}

void KeydeckCtl::printGroups(const QList<UsageGroupRow>& rows, const QString& scope,
                             const Labels& labels)
{
    const qint64 from = m_usageFlags->fromMs();
    const qint64 to = m_usageFlags->toMs();
    const UsageFlags::Grouping grouping = m_usageFlags->grouping();
    if (m_args->json()) {
        UsageTotals totals;
        for (const UsageGroupRow& row : rows)
            totals.merge(row.totals);
        QJsonObject object = UsageJson::summaryToJson(totals, from, to);
        object[u"rows"_s] = UsageJson::groupsToJson(
            rows, grouping == UsageFlags::Grouping::Key ? &labels : nullptr);
        m_out << KeyPrinter::jsonText(object);
    } else {
        m_out << UsagePrinter::groupTable(rows, grouping, from, to, scope, labels);
    }
    finish(CliExitCode::Ok);
}

void KeydeckCtl::usageLogs()
{
    if (!parseUsageFlags())
        return;
    withStore(StoreAccess::Existing, [this] {
        withUsageQuery([this](const UsageQuery& query, const QString& scope) {
            withLabels([this, query, scope](const Labels& labels) {
                if (const auto format = m_usageFlags->format()) {
                    if (*format == UsageCodec::Format::Csv)
                        m_out << QString::fromUtf8(UsageCodec::csvHeaderLine());
                    exportLogs(query, labels, {}, 0);
                    return;
                }
                const int limit = m_usageFlags->limit().value_or(UsageFlags::DefaultLimit);
                await(
                    m_store->usage().usageLogs(query, UsageStore::LogColumn::Time,
                                               Qt::DescendingOrder, {}, limit),
                    [this, query, scope, labels, limit](const UsageStore::LogPage& page) {
                        const QList<UsageEvent>& events = page.events;
                        if (m_args->json()) {
                            m_out << KeyPrinter::jsonText(
                                UsageJson::eventsToJson(events, [&labels](const QString& id) {
                                    return UsagePrinter::keyText(id, labels);
                                }));
                        } else if (events.isEmpty()) {
                            m_out << u"No usage events from %1 to %2 (local time) for %3.\n"_s.arg(
                                KeyPrinter::localTime(query.fromMs),
                                KeyPrinter::localTime(query.toMs), KeyPrinter::printable(scope));
                        } else {
                            m_out << UsagePrinter::logTable(events, labels);
                            if (events.size() == limit)
                                m_out << u"\nThe newest %1 events; --limit shows up to %2, "
                                         u"--from/--to narrow the range.\n"_s.arg(
                                             KeyPrinter::count(limit),
                                             KeyPrinter::count(UsageFlags::MaxLimit));
                        }
                        finish(CliExitCode::Ok);
                    });
            });
        });
    });
}

void KeydeckCtl::exportLogs(const UsageQuery& query, const Labels& labels, const QString& cursor,
                            qint64 written)
{
    // Pages keep memory flat however many events the range holds; the store's cursor keeps an
    // import landing meanwhile from repeating or dropping rows.
    constexpr qint64 PageSize = 5000;
    const std::optional<int> limit = m_usageFlags->limit();
    const int page = int(limit ? qMin(PageSize, *limit - written) : PageSize);
    await(m_store->usage().usageLogs(query, UsageStore::LogColumn::Time, Qt::DescendingOrder,
                                     cursor, page),
          [this, query, labels, written, limit](const UsageStore::LogPage& logPage) {
              const UsageCodec::Format format = *m_usageFlags->format();
              for (const UsageEvent& e : logPage.events)
                  m_out << QString::fromUtf8(UsagePrinter::exportLine(e, format, labels));
              const qint64 next = written + logPage.events.size();
              if (logPage.nextCursor.isEmpty() || (limit && next >= *limit))
                  finish(CliExitCode::Ok);
              else
                  exportLogs(query, labels, logPage.nextCursor, next);
          });
}

void KeydeckCtl::withUsageQuery(
    std::function<void(const UsageQuery& query, const QString& scope)> next)
{
    UsageQuery query;
    query.fromMs = m_usageFlags->fromMs();
    query.toMs = m_usageFlags->toMs();
    if (!m_args->has(u"--key"_s)) {
        next(query, u"all keys"_s);
        return;
    }
    const QString key = m_args->value(u"--key"_s);
    await(
        m_store->keys().findKey(key),
        [query, next = std::move(next)](const ApiKeyRecord& record) mutable {
            query.keyIds = {record.id};
            next(query, u"key %1 (%2)"_s.arg(quoted(record.spec.label), record.id));
        },
        [this, key](const std::exception_ptr& error) {
            const std::optional<StoreError> e = CliErrors::storeError(error);
            if (e && e->code() == StoreError::Code::NotFound)
                fail(CliExitCode::NotFound, u"--key"_s,
                     u"no key with id or label %1 (see keydeckctl keys list)"_s.arg(quoted(key)));
            else
                failWith(error);
        });
}

void KeydeckCtl::withLabels(std::function<void(const Labels& labels)> next)
{
    await(m_store->keys().listKeys(), [next = std::move(next)](const QList<ApiKeyRecord>& records) {
        Labels labels;
        for (const ApiKeyRecord& r : records)
            labels.insert(r.id, r.spec.label);
        next(labels);
    });
}

void KeydeckCtl::listAlerts()
{
    // Like keys list: no store is created as a side effect.
    if (!m_stores.exists(storePath())) {
        if (m_args->json())
            m_out << u"[]\n"_s;
        else
            m_out << u"No alerts: there is no store at %1 yet.\n"_s.arg(storePath());
        finish(CliExitCode::Ok);
        return;
    }
    const bool all = m_args->has(u"--all"_s);
    // The store evaluates its rules as it lists the alerts: they are those that hold now.
    withStore(StoreAccess::Existing, [this, all] {
        await(m_store->lifecycle().alerts(all), [this, all](const QList<Alert>& alerts) {
            withLabels([this, all, alerts](const Labels& labels) {
                if (m_args->json()) {
                    m_out << KeyPrinter::jsonText(AlertJson::alertsToJson(alerts, labels));
                } else if (alerts.isEmpty()) {
                    m_out << (all ? u"No alerts.\n"_s : u"No open alerts.\n"_s);
                } else {
                    m_out << AlertPrinter::table(alerts, labels);
                }
                finish(CliExitCode::Ok);
            });
        });
    });
}

void KeydeckCtl::acknowledgeAlert()
{
    const qint64 id = m_args->target().toLongLong();
    withStore(StoreAccess::Existing, [this, id] {
        await(
            m_store->lifecycle().acknowledgeAlert(id),
            [this](const Alert& alert) {
                withLabels([this, alert](const Labels& labels) {
                    if (m_args->json()) {
                        m_out << KeyPrinter::jsonText(AlertJson::alertToJson(alert, labels));
                    } else {
                        m_out << u"Acknowledged alert %1: %2\nIt stays listed until its condition "
                                 u"clears.\n"_s.arg(alert.id)
                                     .arg(KeyPrinter::printable(alert.message));
                    }
                    finish(CliExitCode::Ok);
                });
            },
            [this, id](const std::exception_ptr& error) {
                const auto storeError = CliErrors::storeError(error);
                if (storeError && storeError->code() == StoreError::Code::NotFound)
                    fail(CliExitCode::NotFound, u"alert %1"_s.arg(id),
                         u"not found (see keydeckctl alerts list --all)"_s);
                else
                    failWith(error);
            });
    });
}

void KeydeckCtl::listAlertRules()
{
    withStore(StoreAccess::Existing, [this] {
        await(m_store->lifecycle().alertRules(), [this](const QList<AlertRule>& rules) {
            withLabels([this, rules](const Labels& labels) {
                if (m_args->json())
                    m_out << KeyPrinter::jsonText(AlertJson::rulesToJson(rules));
                else if (rules.isEmpty())
                    m_out << u"No alert rules.\n"_s;
                else
                    m_out << AlertPrinter::rulesTable(rules, labels);
                finish(CliExitCode::Ok);
            });
        });
    });
}

QString KeydeckCtl::storePath() const
{
    if (m_args->has(u"--server"_s))
        return ServerProfile::parseUrl(m_args->value(u"--server"_s))->toString();
    return m_args->has(u"--store"_s) ? m_args->value(u"--store"_s) : m_stores.defaultLocation();
}

void KeydeckCtl::scanForLeaks()
{
    withStore(StoreAccess::Existing, [this] {
        const LeakScan::Result found =
            LeakScan().scan(m_args->paths(), !m_args->has(u"--no-history"_s));
        matchLeaks(found, LeakReport::digestsOf(found), 0, {});
    });
}

void KeydeckCtl::matchLeaks(const LeakScan::Result& found, const QList<QByteArray>& digests,
                            qsizetype next, QHash<QByteArray, ApiKeyRecord> keys)
{
    if (next == digests.size()) {
        const LeakReport report(found, std::move(keys), m_clock.nowUtcMs());
        if (m_args->json())
            m_out << KeyPrinter::jsonText(report.json());
        else
            m_out << report.text();
        finish(report.anyStillWorks() ? CliExitCode::Leaked : CliExitCode::Ok);
        return;
    }
    const QByteArray digest = digests.at(next);
    await(
        m_store->keys().findKeyByDigest(digest),
        [this, found, digests, next, keys, digest](const ApiKeyRecord& record) mutable {
            keys.insert(digest, record);
            matchLeaks(found, digests, next + 1, std::move(keys));
        },
        [this, found, digests, next, keys](const std::exception_ptr& error) {
            // Not a key of this store (another store's, or a deleted one's): reported by hint.
            if (CliErrors::isStoreNotFound(error))
                matchLeaks(found, digests, next + 1, keys);
            else
                failWith(error);
        });
}

void KeydeckCtl::withStore(StoreAccess access, std::function<void()> next)
{
    const QString path = storePath();
    if (access == StoreAccess::Existing && !m_stores.exists(path)) {
        fail(
            CliExitCode::Runtime, u"store"_s,
            u"there is no store at %1 yet (keys create or the KeyDeck app creates it)"_s.arg(path));
        return;
    }
    m_store = m_stores.connect(path);
    await(m_store->open(), std::move(next));
}

void KeydeckCtl::withTarget(std::function<void(const ApiKeyRecord&)> next)
{
    const QString target = m_args->target();
    if (!ApiKeyFormat::isWellFormed(target)) {
        await(m_store->keys().findKey(target), std::move(next));
        return;
    }
    // A pasted secret names its key by digest, as the app's search does; it is never sent on.
    await(m_store->keys().findKeyByDigest(ApiKeyFormat::digestHex(target)), std::move(next),
          [this](const std::exception_ptr& error) {
              try {
                  std::rethrow_exception(error);
              } catch (const StoreError& storeError) {
                  if (storeError.code() != StoreError::Code::NotFound)
                      return failWith(error);
                  fail(CliExitCode::NotFound, targetField(),
                       u"no key in this store has this secret (it may be from another store, or "
                       "deleted)"_s);
              } catch (...) {
                  failWith(error);
              }
          });
}

void KeydeckCtl::printRecord(const ApiKeyRecord& record, const QString& headline,
                             const Labels& labels)
{
    const qint64 now = m_clock.nowUtcMs();
    const SecretIndex::Presence secret =
        m_secretIndex.presence(record.vaultEntry, record.createdAtMs);
    if (m_args->json()) {
        QJsonObject object = KeyPrinter::json(record, now);
        object[u"secret_on_this_computer"_s] = KeyPrinter::secretJson(secret);
        m_out << KeyPrinter::jsonText(object);
    } else {
        m_out << headline << KeyPrinter::details(record, now, labels, secret);
    }
}

void KeydeckCtl::printWorkspace(const WorkspaceSettings& settings, const QString& headline)
{
    if (m_args->json())
        m_out << KeyPrinter::jsonText(WorkspaceJson::toJson(settings));
    else
        m_out << headline << KeyPrinter::workspace(settings);
}

QString KeydeckCtl::targetField() const
{
    return u"key "_s + quoted(m_args->target());
}

void KeydeckCtl::fail(CliExitCode code, const QString& field, const QString& message)
{
    m_err << u"keydeckctl: "_s;
    if (!field.isEmpty())
        m_err << KeyPrinter::printable(field) << u": "_s;
    m_err << KeyPrinter::printable(message) << u'\n';
    finish(code);
}

void KeydeckCtl::failFields(const FieldErrors& errors, CliExitCode code)
{
    for (const FieldError& e : errors)
        m_err << u"keydeckctl: "_s << KeyPrinter::printable(e.field) << u": "_s
              << KeyPrinter::printable(e.message) << u'\n';
    finish(code);
}

void KeydeckCtl::failStore(const StoreError& error)
{
    const FieldErrors fields = KeySpecFlags::withFlagNames(error.fieldErrors());
    switch (error.code()) {
    case StoreError::Code::NotFound:
        if (m_args && !m_args->target().isEmpty()) {
            fail(CliExitCode::NotFound, targetField(),
                 u"not found; give a key's id or its exact label (see keydeckctl keys list)"_s);
        } else {
            fail(CliExitCode::NotFound, {}, error.message());
        }
        return;
    case StoreError::Code::Invalid:
    case StoreError::Code::Conflict: {
        const CliExitCode code =
            error.code() == StoreError::Code::Invalid ? CliExitCode::Usage : CliExitCode::Refused;
        if (fields.isEmpty())
            fail(code, {}, error.message());
        else
            failFields(fields, code);
        return;
    }
    case StoreError::Code::Final:
        fail(CliExitCode::Refused, m_args->target().isEmpty() ? QString() : targetField(),
             error.message());
        return;
    case StoreError::Code::Unavailable:
    case StoreError::Code::RateLimited:
        fail(CliExitCode::Runtime, u"store"_s, error.message());
        return;
    case StoreError::Code::Unauthorized:
    case StoreError::Code::Forbidden:
        fail(CliExitCode::Denied, u"store"_s,
             StoreError::summary(error.code()) + u' ' + error.message());
        return;
    }
    fail(CliExitCode::Runtime, {}, error.fullText());
}

void KeydeckCtl::failWith(const std::exception_ptr& error)
{
    try {
        std::rethrow_exception(error);
    } catch (const StoreError& e) {
        failStore(e);
    } catch (const SecretVault::Error& e) {
        fail(CliExitCode::Runtime, u"keychain"_s, e.message());
    } catch (...) {
        fail(CliExitCode::Runtime, {}, CliErrors::text(error));
    }
}

void KeydeckCtl::finish(CliExitCode code)
{
    if (m_finished)
        return;
    m_finished = true;
    m_out.flush();
    if (m_out.status() != QTextStream::Ok) {
        m_err << u"keydeckctl: could not write to standard output\n"_s;
        if (code == CliExitCode::Ok)
            code = CliExitCode::Runtime;
    }
    m_err.flush();
    Q_EMIT finished(int(code));
}
