#include "KeydeckCtl.h"

#include "CliHelp.h"
#include "Clock.h"
#include "KeyJson.h"
#include "KeyPrinter.h"
#include "KeySpecFlags.h"
#include "SecretVault.h"
#include "SqliteStore.h"
#include "StoreError.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace {
QString errorText(const std::exception_ptr& error)
{
    try {
        std::rethrow_exception(error);
    } catch (const SecretVault::Error& e) {
        return e.message();
    } catch (const StoreError& e) {
        return e.fullText();
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    } catch (...) {
        return u"unknown error"_s;
    }
}

// Deleting an entry that is not there is not a failure: either way no secret remains.
bool isVaultNotFound(const std::exception_ptr& error)
{
    try {
        std::rethrow_exception(error);
    } catch (const SecretVault::Error& e) {
        return e.code() == SecretVault::Error::Code::NotFound;
    } catch (...) {
        return false;
    }
}

QString quoted(const QString& text)
{
    return u'"' + KeyPrinter::printable(text) + u'"';
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

KeydeckCtl::KeydeckCtl(QStringList arguments, QString defaultStorePath, const Clock& clock,
                       QRandomGenerator& rng, QTextStream& out, QTextStream& err, QObject* parent)
    : QObject(parent)
    , m_arguments(std::move(arguments))
    , m_defaultStorePath(std::move(defaultStorePath))
    , m_clock(clock)
    , m_rng(rng)
    , m_out(out)
    , m_err(err)
{}

KeydeckCtl::~KeydeckCtl() = default;

template <typename T, typename OnValue, typename OnError>
void KeydeckCtl::await(QFuture<T> future, OnValue onValue, OnError onError)
{
    future
        .then(
            this,
            [onValue = std::move(onValue), onError = std::move(onError)](QFuture<T> done) mutable {
                try {
                    done.waitForFinished(); // rethrows the future's exception, if any
                } catch (...) {
                    onError(std::current_exception());
                    return;
                }
                if constexpr (std::is_void_v<T>)
                    onValue();
                else
                    onValue(done.result());
            })
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
    case C::WorkspaceShow:
        showWorkspace();
        return;
    case C::WorkspaceSet:
        setWorkspace();
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
        if (m_args->has(u"--no-keychain"_s)) {
            createAndSave(spec, false, {});
            return;
        }
        // Probe first: QtKeychain's own errors mislead (SPEC §7); the probe says what is wrong.
        m_vault = std::make_unique<SecretVault>();
        await(
            m_vault->probe(),
            [this, spec](const SecretVault::Probe& probe) {
                createAndSave(spec, probe.available, probe.reason);
            },
            [this, spec](const std::exception_ptr& error) {
                createAndSave(spec, false, errorText(error));
            });
    });
}

void KeydeckCtl::createAndSave(const KeySpec& spec, bool keychainUsable,
                               const QString& unavailableReason)
{
    await(m_store->createKey(spec),
          [this, keychainUsable, unavailableReason](const CreatedKey& created) {
              if (m_args->has(u"--no-keychain"_s)) {
                  printCreated(created, Keychain::Skipped, {});
                  return;
              }
              if (!keychainUsable) {
                  printCreated(created, Keychain::NotSaved, unavailableReason);
                  return;
              }
              // Whatever happens in the keychain, the secret is printed: it exists nowhere else.
              await(
                  m_vault->storeSecret(created.record.id, created.secret),
                  [this, created] { printCreated(created, Keychain::Saved, {}); },
                  [this, created](const std::exception_ptr& error) {
                      printCreated(created, Keychain::NotSaved, errorText(error));
                  });
          });
}

void KeydeckCtl::printCreated(const CreatedKey& created, Keychain keychain, const QString& reason)
{
    const qint64 now = m_clock.nowUtcMs();
    if (keychain == Keychain::NotSaved) {
        m_err << u"keydeckctl: warning: the key was NOT saved in the OS keychain: "_s
              << KeyPrinter::printable(reason)
              << u"\nkeydeckctl: warning: store the key printed on "_s
              << u"standard output now; it will not be shown again.\n"_s;
    }
    if (m_args->json()) {
        QJsonObject object = KeyJson::toJson(created.record, now);
        object[u"secret"_s] = created.secret;
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
        m_out << u"Created key %1 in %2.\n\n"_s.arg(quoted(created.record.spec.label),
                                                    m_store->location())
              << created.secret << u"\n\nThis key will not be shown again.\nKeychain: "_s << where
              << u"\n\n"_s << KeyPrinter::details(created.record, now);
    }
    finish(CliExitCode::Ok);
}

void KeydeckCtl::listKeys()
{
    // Listing must not create a store as a side effect (think of a mistyped --store).
    if (!QFileInfo::exists(storePath())) {
        if (m_args->json())
            m_out << u"[]\n"_s;
        else
            m_out << u"No keys: there is no store at %1 yet.\n"_s.arg(storePath());
        finish(CliExitCode::Ok);
        return;
    }
    withStore(StoreAccess::Existing, [this] {
        await(m_store->listKeys(), [this](const QList<ApiKeyRecord>& records) {
            const qint64 now = m_clock.nowUtcMs();
            if (m_args->json())
                m_out << KeyPrinter::jsonText(KeyPrinter::json(records, now));
            else if (records.isEmpty())
                m_out << u"No keys in %1.\n"_s.arg(m_store->location());
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
            printRecord(record, {});
            finish(CliExitCode::Ok);
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
            await(m_store->updateKey(record.id, spec),
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
            await(m_store->setKeyStatus(record.id, status), [this,
                                                             status](const ApiKeyRecord& updated) {
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
                    headline = u"Enabled key %1, but it has expired: give it a new expiry with "
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
            await(m_store->deleteKey(record.id), [this, record] {
                m_vault = std::make_unique<SecretVault>();
                await(
                    m_vault->removeSecret(record.id), [this, record] { printDeleted(record, {}); },
                    [this, record](const std::exception_ptr& error) {
                        printDeleted(record, isVaultNotFound(error) ? QString() : errorText(error));
                    });
            });
        });
    });
}

void KeydeckCtl::printDeleted(const ApiKeyRecord& record, const QString& keychainProblem)
{
    if (!keychainProblem.isEmpty()) {
        m_err
            << u"keydeckctl: warning: the key is deleted, but its secret may still be in the OS "_s
            << u"keychain: "_s << KeyPrinter::printable(keychainProblem) << u'\n';
    }
    const bool removed = keychainProblem.isEmpty();
    if (m_args->json()) {
        m_out << KeyPrinter::jsonText(
            QJsonObject{{u"id"_s, record.id},
                        {u"label"_s, record.spec.label},
                        {u"deleted"_s, true},
                        {u"keychain"_s, removed ? u"removed"_s : u"not_removed"_s}});
    } else {
        m_out << u"Deleted key %1 (%2); %3.\n"_s.arg(
            quoted(record.spec.label), KeyPrinter::printable(record.id),
            removed ? u"no secret of it remains in the OS keychain"_s
                    : u"its secret could NOT be removed from the OS keychain"_s);
    }
    finish(CliExitCode::Ok);
}

void KeydeckCtl::showWorkspace()
{
    withStore(StoreAccess::Existing, [this] {
        await(m_store->workspaceSettings(), [this](const WorkspaceSettings& settings) {
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
        await(m_store->workspaceSettings(), [this](WorkspaceSettings settings) {
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
            await(
                m_store->updateWorkspaceSettings(settings), [this](const WorkspaceSettings& saved) {
                    printWorkspace(saved, u"Workspace updated; new keys get these prefixes.\n\n"_s);
                    finish(CliExitCode::Ok);
                });
        });
    });
}

QString KeydeckCtl::storePath() const
{
    return m_args->has(u"--store"_s) ? m_args->value(u"--store"_s) : m_defaultStorePath;
}

void KeydeckCtl::withStore(StoreAccess access, std::function<void()> next)
{
    const QString path = storePath();
    if (access == StoreAccess::Existing && !QFileInfo::exists(path)) {
        fail(
            CliExitCode::Runtime, u"store"_s,
            u"there is no store at %1 yet (keys create or the KeyDeck app creates it)"_s.arg(path));
        return;
    }
    if (access == StoreAccess::CreateIfMissing)
        QDir().mkpath(QFileInfo(path).absolutePath());
    m_store = std::make_unique<SqliteStore>(path, m_clock, m_rng);
    await(m_store->open(), std::move(next));
}

void KeydeckCtl::withTarget(std::function<void(const ApiKeyRecord&)> next)
{
    await(m_store->findKey(m_args->target()), std::move(next));
}

void KeydeckCtl::printRecord(const ApiKeyRecord& record, const QString& headline)
{
    const qint64 now = m_clock.nowUtcMs();
    if (m_args->json())
        m_out << KeyPrinter::jsonText(KeyJson::toJson(record, now));
    else
        m_out << headline << KeyPrinter::details(record, now);
}

void KeydeckCtl::printWorkspace(const WorkspaceSettings& settings, const QString& headline)
{
    if (m_args->json())
        m_out << KeyPrinter::jsonText(KeyPrinter::workspaceJson(settings));
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
        fail(CliExitCode::Runtime, u"store"_s, error.message());
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
        fail(CliExitCode::Runtime, {}, errorText(error));
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
