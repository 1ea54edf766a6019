#include "SecretVault.h"

#include "ApiKeyFormat.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QPromise>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTimer>
#include <qt6keychain/keychain.h>

#ifdef KEYDECK_HAVE_QTDBUS
#include <QDBusConnection>
#endif

#include <atomic>
#include <cerrno>
#include <csignal>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

using Code = SecretVault::Error::Code;

// Windows Credential Manager holds at most 2560 bytes per entry; keep a margin on every OS.
constexpr qsizetype kMaxSecretBytes = 2000;
constexpr auto kProbeKeyPrefix = "__keydeck_probe__"_L1;

enum class Action
{
    Write,
    Read,
    Remove
};
// What the user can still do depends on the call: a new key can be copied once, right now.
enum class Advice
{
    CopyKeyNow,
    Retry
};

// A failure before the advice for the caller's situation is added.
struct Failure
{
    Code code = Code::Other;
    QString explanation;
    QString detail; // QtKeychain's own words
};

SecretVault::Error toError(const Failure& failure, Advice advice)
{
    QString advise;
    switch (failure.code) {
    case Code::Unavailable:
        advise =
            advice == Advice::CopyKeyNow
                ? u"Start your desktop keyring, or copy the key now: it will not be shown again."_s
                : u"Start your desktop keyring and retry."_s;
        break;
    case Code::AccessDenied:
        advise = advice == Advice::CopyKeyNow
                     ? u"Unlock your keyring, or copy the key now: it will not be shown again."_s
                     : u"Unlock your keyring and retry."_s;
        break;
    case Code::Other:
        if (advice == Advice::CopyKeyNow)
            advise = u"Copy the key now: it will not be shown again."_s;
        break;
    case Code::NotFound:
    case Code::Mismatch:
        break;
    }
    QString message = failure.explanation;
    if (!advise.isEmpty())
        message += u' ' + advise;
    if (!failure.detail.isEmpty())
        message += u" Details: "_s + failure.detail;
    return {failure.code, message};
}

bool sessionBusReachable()
{
#ifdef KEYDECK_HAVE_QTDBUS
    return QDBusConnection::sessionBus().isConnected();
#else
    return true;
#endif
}

Failure keychainFailure(const QKeychain::Job& job, Action action)
{
    const QString detail = job.errorString();
    switch (job.error()) {
    case QKeychain::EntryNotFound:
        if (action != Action::Write)
            return {Code::NotFound, u"The keychain holds no secret for this key."_s, {}};
        // libsecret answers a write into a missing default collection with "no such object".
        return {Code::Unavailable, u"The keychain has no default collection to save into."_s,
                detail};
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return {Code::AccessDenied, u"The keychain is locked or refused access."_s, detail};
    case QKeychain::CouldNotDeleteEntry:
        return {Code::Other, u"The keychain could not delete the entry."_s, detail};
    case QKeychain::NoError:
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
    case QKeychain::OtherError:
        break;
    }
    // Without a session bus QtKeychain only says OtherError: name the real cause.
    if (!sessionBusReachable())
        return {Code::Unavailable,
                u"No keychain service is running (no D-Bus session / Secret Service)."_s, detail};
    if (job.error() == QKeychain::OtherError)
        return {Code::Unavailable,
                u"The keychain service failed: its default collection may be missing or locked."_s,
                detail};
    return {Code::Unavailable, u"No keychain service is available."_s, detail};
}

Failure timeoutFailure(std::chrono::milliseconds timeout)
{
    const auto seconds = std::chrono::duration_cast<std::chrono::duration<double>>(timeout);
    return {Code::Unavailable,
            u"The keychain did not answer within %1 s: it may be locked and waiting for its "
            "password, or hung."_s.arg(seconds.count()),
            {}};
}

std::optional<SecretVault::Error> invalidKeyId(const QString& keyId)
{
    if (keyId.isEmpty())
        return SecretVault::Error(Code::Other, u"A secret needs a key id."_s);
    if (keyId.startsWith(kProbeKeyPrefix))
        return SecretVault::Error(Code::Other,
                                  u"Key ids starting with %1 are reserved."_s.arg(kProbeKeyPrefix));
    return std::nullopt;
}

template <typename T> void fail(QPromise<T>& promise, const SecretVault::Error& error)
{
    promise.setException(error);
    promise.finish();
}

// Starts the job and calls done(job) when it finishes, or timedOut() when the keychain does not
// answer in time; once, whichever comes first, on context's thread and never after context is
// gone (the callbacks, and the promises they hold, are then dropped, which cancels the futures).
void runJob(QKeychain::Job* job, const QString& keyId, QObject* context,
            std::chrono::milliseconds timeout, std::function<void(const QKeychain::Job&)> done,
            std::function<void()> timedOut)
{
    job->setKey(keyId);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    auto settled = std::make_shared<bool>(false);
    auto* timer = new QTimer(job);
    timer->setSingleShot(true);
    QObject::connect(job, &QKeychain::Job::finished, context,
                     [settled, done = std::move(done)](QKeychain::Job* finished) {
                         if (!std::exchange(*settled, true))
                             done(*finished);
                     });
    QObject::connect(timer, &QTimer::timeout, context, [settled, timedOut = std::move(timedOut)] {
        if (!std::exchange(*settled, true))
            timedOut();
    });
    timer->start(timeout);
    job->start();
}

struct ProbeRun
{
    QObject* context = nullptr;
    QString service;
    std::chrono::milliseconds timeout{};
    QString keyId;
    QString value;
    std::function<void(const std::optional<Failure>&)> done;

    void fail(const QString& step, const Failure& failure) const
    {
        // A probe that cannot read back what it wrote says the keychain is broken, not that
        // some entry is missing.
        const Code code = failure.code == Code::NotFound ? Code::Unavailable : failure.code;
        done(Failure{code, step + u" failed: "_s + failure.explanation, failure.detail});
    }
};

void probeRemove(const std::shared_ptr<const ProbeRun>& run)
{
    static const QString step = u"Removing the keychain test entry"_s;
    runJob(
        new QKeychain::DeletePasswordJob(run->service), run->keyId, run->context, run->timeout,
        [run](const QKeychain::Job& job) {
            if (job.error() != QKeychain::NoError)
                run->fail(step, keychainFailure(job, Action::Remove));
            else
                run->done(std::nullopt);
        },
        [run] { run->fail(step, timeoutFailure(run->timeout)); });
}

// The probe has failed already; this only keeps its entry from lingering.
void discardProbeEntry(const ProbeRun& run)
{
    auto* job = new QKeychain::DeletePasswordJob(run.service);
    job->setKey(run.keyId);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->start();
}

void probeRead(const std::shared_ptr<const ProbeRun>& run)
{
    static const QString step = u"Reading the keychain test entry back"_s;
    runJob(
        new QKeychain::ReadPasswordJob(run->service), run->keyId, run->context, run->timeout,
        [run](const QKeychain::Job& job) {
            if (job.error() != QKeychain::NoError) {
                run->fail(step, keychainFailure(job, Action::Read));
                discardProbeEntry(*run);
                return;
            }
            if (static_cast<const QKeychain::ReadPasswordJob&>(job).textData() != run->value) {
                run->fail(step, {Code::Other, u"the keychain returned other data."_s, {}});
                discardProbeEntry(*run);
                return;
            }
            probeRemove(run);
        },
        [run] {
            run->fail(step, timeoutFailure(run->timeout));
            discardProbeEntry(*run);
        });
}

void probeWrite(const std::shared_ptr<const ProbeRun>& run)
{
    static const QString step = u"Saving a keychain test entry"_s;
    auto* job = new QKeychain::WritePasswordJob(run->service);
    job->setTextData(run->value);
    runJob(
        job, run->keyId, run->context, run->timeout,
        [run](const QKeychain::Job& written) {
            if (written.error() != QKeychain::NoError)
                run->fail(step, keychainFailure(written, Action::Write));
            else
                probeRead(run);
        },
        [run] {
            // QtKeychain runs jobs one at a time: this one waits for the hung write to end.
            run->fail(step, timeoutFailure(run->timeout));
            discardProbeEntry(*run);
        });
}

const QString LockSuffix = u".lock"_s;
const QString LeftSuffix = u".left"_s;
// A lock file is written right after it is made: one still empty after this long lost its
// process in between (before the probe wrote any entry).
constexpr qint64 EmptyMarkerMs = 10'000;

// Whether the probe that made the lock file at path is gone. Read without touching the file:
// QLockFile's own stale-lock removal deletes the file first and would forget the entry if
// killed right after.
bool ownerIsGone(const QString& path)
{
    qint64 pid = 0;
    QString hostname;
    QString application;
    if (!QLockFile(path).getLockInfo(&pid, &hostname, &application)) {
        const QDateTime modified = QFileInfo(path).lastModified();
        return modified.isValid() &&
               modified.msecsTo(QDateTime::currentDateTimeUtc()) > EmptyMarkerMs;
    }
    return pid > 0 && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
}

// A probe killed between its write and its remove would leave its entry behind: each probe
// holds a lock file named after its entry while the entry may exist, and a probe that failed
// (its entry may still be there) leaves a "<entry>.left" file. Every probe first removes, one
// after the other, the entries of left files and of lock files whose process is gone, and only
// then their files: a probe killed meanwhile leaves the file for the next one. Then next()
// runs; it also runs when the keychain fails or does not answer, which the probe reports.
void removeAbandonedProbes(QObject* context, const QString& service, const QString& directory,
                           std::chrono::milliseconds timeout, std::function<void()> next)
{
    const QDir dir(directory);
    const QStringList markers = dir.entryList(
        {kProbeKeyPrefix + u"*"_s + LockSuffix, kProbeKeyPrefix + u"*"_s + LeftSuffix},
        QDir::Files);
    for (const QString& name : markers) {
        const bool lock = name.endsWith(LockSuffix);
        if (lock && !ownerIsGone(dir.filePath(name)))
            continue;
        const QString entry = name.chopped(lock ? LockSuffix.size() : LeftSuffix.size());
        runJob(
            new QKeychain::DeletePasswordJob(service), entry, context, timeout,
            [context, service, directory, timeout, next, entry](const QKeychain::Job& job) {
                // The files go with the entry; one the keychain would not remove stays.
                const bool gone =
                    job.error() == QKeychain::NoError || job.error() == QKeychain::EntryNotFound;
                const QDir folder(directory);
                bool removed = false;
                if (gone) {
                    for (const QString& suffix : {LeftSuffix, LockSuffix})
                        QFile::remove(folder.filePath(entry + suffix));
                    removed = !QFile::exists(folder.filePath(entry + LeftSuffix)) &&
                              !QFile::exists(folder.filePath(entry + LockSuffix));
                }
                // A marker that stays is not tried again before the next probe.
                if (removed)
                    removeAbandonedProbes(context, service, directory, timeout, next);
                else
                    next();
            },
            next);
        return;
    }
    next();
}

// Each probe has an entry of its own, so concurrent probes (of one vault, several vaults or
// several processes) cannot read each other's value.
void startProbe(QObject* context, const QString& service, const QString& directory,
                std::chrono::milliseconds timeout,
                std::function<void(const std::optional<Failure>&)> done)
{
    static std::atomic<quint64> sequence{0};
    auto run = std::make_shared<ProbeRun>();
    run->context = context;
    run->service = service;
    run->timeout = timeout;
    // The random part keeps a new process that got a dead one's pid off its files.
    run->keyId = u"%1-%2-%3-%4"_s.arg(kProbeKeyPrefix)
                     .arg(QCoreApplication::applicationPid())
                     .arg(++sequence)
                     .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    run->value = u"probe "_s + run->keyId;
    auto lock = std::make_shared<QLockFile>(QDir(directory).filePath(run->keyId + u".lock"_s));
    if (!QDir().mkpath(directory) || !lock->tryLock(0)) {
        done(Failure{Code::Other,
                     u"Could not create the keychain probe marker in %1."_s.arg(
                         QDir::toNativeSeparators(directory)),
                     {}});
        return;
    }
    // Held while the probe runs, so a live process's entry is never taken for an abandoned
    // one. A failed probe may have left its entry: a left file tells the next probe.
    run->done = [lock, directory, keyId = run->keyId,
                 done = std::move(done)](const std::optional<Failure>& failure) {
        if (failure) {
            QFile left(QDir(directory).filePath(keyId + LeftSuffix));
            if (left.open(QIODevice::WriteOnly))
                left.close();
        }
        lock->unlock();
        done(failure);
    };
    removeAbandonedProbes(context, service, directory, timeout, [run] { probeWrite(run); });
}

} // namespace

SecretVault::Error::Error(Code code, QString message)
    : m_code(code)
    , m_message(std::move(message))
    , m_what(m_message.toUtf8())
{}

SecretVault::SecretVault(QString service, QObject* parent)
    : QObject(parent)
    , m_service(std::move(service))
    , m_timeout(30s)
{}

SecretVault::~SecretVault() = default;

QFuture<void> SecretVault::storeSecret(const QString& keyId, const QString& secret)
{
    if (const auto invalid = invalidKeyId(keyId))
        return QtFuture::makeExceptionalFuture<void>(*invalid);
    if (secret.isEmpty())
        return QtFuture::makeExceptionalFuture<void>(
            Error(Code::Other, u"There is no secret to save."_s));
    const qsizetype size = secret.toUtf8().size();
    if (size > kMaxSecretBytes)
        return QtFuture::makeExceptionalFuture<void>(
            Error(Code::Other, u"The secret is %1 bytes long; keychains hold at most %2 bytes per "
                               "entry, so it was not saved."_s.arg(size)
                                   .arg(kMaxSecretBytes)));

    auto promise = std::make_shared<QPromise<void>>();
    promise->start();
    QMetaObject::invokeMethod(this, [this, promise, keyId, secret] {
        auto* job = new QKeychain::WritePasswordJob(m_service);
        job->setTextData(secret);
        runJob(
            job, keyId, this, m_timeout,
            [this, promise, keyId](const QKeychain::Job& written) {
                if (written.error() != QKeychain::NoError)
                    promise->setException(
                        toError(keychainFailure(written, Action::Write), Advice::CopyKeyNow));
                else
                    note(keyId, true);
                promise->finish();
            },
            [this, promise] {
                fail(*promise, toError(timeoutFailure(m_timeout), Advice::CopyKeyNow));
            });
    });
    return promise->future();
}

SecretIndex::Presence SecretVault::presence(const QString& entry, qint64 createdAtMs) const
{
    return m_index ? m_index->presence(entry, createdAtMs) : SecretIndex::Presence::Unknown;
}

void SecretVault::refreshIndex()
{
    if (m_index && m_index->refresh())
        Q_EMIT indexChanged();
}

void SecretVault::note(const QString& entry, bool present)
{
    if (!m_index || m_index->presence(entry, 0) ==
                        (present ? SecretIndex::Presence::Here : SecretIndex::Presence::NotHere))
        return;
    if (present)
        m_index->recordPresent(entry);
    else
        m_index->recordAbsent(entry);
    Q_EMIT indexChanged();
}

QString SecretVault::probeDirectory() const
{
    if (!m_probeDirectory.isEmpty())
        return m_probeDirectory;
    QString base = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (base.isEmpty())
        base = QDir::tempPath();
    return base + u"/keydeck-probes/"_s + QString::number(qHash(m_service), 16);
}

QFuture<QString> SecretVault::readSecret(const QString& keyId, const QByteArray& expectedDigestHex)
{
    return read(keyId, [expectedDigestHex](const QString& secret) -> std::optional<Error> {
        if (ApiKeyFormat::isWellFormed(secret) &&
            ApiKeyFormat::digestHex(secret) == expectedDigestHex)
            return std::nullopt;
        return Error(Code::Mismatch,
                     u"The keychain entry for this key does not hold its secret "
                     "(%1): it was changed outside KeyDeck. Nothing was used; "
                     "rotate the key if you no longer have its secret."_s.arg(
                         ApiKeyFormat::isWellFormed(secret) ? u"it is another key"_s
                                                            : u"its checksum is wrong"_s));
    });
}

QFuture<QString> SecretVault::readCredential(const QString& entry)
{
    return read(entry, [entry](const QString& secret) -> std::optional<Error> {
        if (ApiKeyFormat::isWellFormed(secret))
            return std::nullopt;
        return Error(Code::Mismatch,
                     u"The keychain entry %1 does not hold a KeyDeck key (its "
                     "checksum is wrong): it was changed outside KeyDeck."_s.arg(entry));
    });
}

QFuture<QString> SecretVault::read(const QString& keyId,
                                   std::function<std::optional<Error>(const QString&)> check)
{
    if (const auto invalid = invalidKeyId(keyId))
        return QtFuture::makeExceptionalFuture<QString>(*invalid);

    auto promise = std::make_shared<QPromise<QString>>();
    promise->start();
    QMetaObject::invokeMethod(this, [this, promise, keyId, check] {
        runJob(
            new QKeychain::ReadPasswordJob(m_service), keyId, this, m_timeout,
            [this, promise, check, keyId](const QKeychain::Job& job) {
                if (job.error() == QKeychain::NoError) {
                    note(keyId, true);
                    const QString secret =
                        static_cast<const QKeychain::ReadPasswordJob&>(job).textData();
                    if (const std::optional<Error> wrong = check(secret)) {
                        fail(*promise, *wrong);
                        return;
                    }
                    promise->addResult(secret);
                    promise->finish();
                    return;
                }
                const Failure failure = keychainFailure(job, Action::Read);
                if (failure.code != Code::NotFound) {
                    fail(*promise, toError(failure, Advice::Retry));
                    return;
                }
                // A locked or missing collection answers reads with "not found" too.
                startProbe(this, m_service, probeDirectory(), m_timeout,
                           [this, promise, failure, keyId](std::optional<Failure> broken) {
                               if (broken)
                                   broken->explanation.prepend(
                                       u"The keychain cannot tell whether it holds this key. "_s);
                               else
                                   note(keyId, false);
                               fail(*promise, toError(broken.value_or(failure), Advice::Retry));
                           });
            },
            [this, promise] { fail(*promise, toError(timeoutFailure(m_timeout), Advice::Retry)); });
    });
    return promise->future();
}

QFuture<void> SecretVault::removeSecret(const QString& keyId)
{
    if (const auto invalid = invalidKeyId(keyId))
        return QtFuture::makeExceptionalFuture<void>(*invalid);

    auto promise = std::make_shared<QPromise<void>>();
    promise->start();
    QMetaObject::invokeMethod(this, [this, promise, keyId] {
        runJob(
            new QKeychain::DeletePasswordJob(m_service), keyId, this, m_timeout,
            [this, promise, keyId](const QKeychain::Job& job) {
                if (job.error() != QKeychain::NoError)
                    promise->setException(
                        toError(keychainFailure(job, Action::Remove), Advice::Retry));
                else
                    note(keyId, false);
                promise->finish();
            },
            [this, promise] { fail(*promise, toError(timeoutFailure(m_timeout), Advice::Retry)); });
    });
    return promise->future();
}

QFuture<SecretVault::Probe> SecretVault::probe()
{
    auto promise = std::make_shared<QPromise<Probe>>();
    promise->start();
    QMetaObject::invokeMethod(this, [this, promise] {
        startProbe(this, m_service, probeDirectory(), m_timeout,
                   [promise](const std::optional<Failure>& failure) {
                       Probe result;
                       result.available = !failure.has_value();
                       if (failure)
                           result.reason = toError(*failure, Advice::CopyKeyNow).message();
                       promise->addResult(result);
                       promise->finish();
                   });
    });
    return promise->future();
}
