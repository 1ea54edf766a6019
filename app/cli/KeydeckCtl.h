#pragma once

#include "CliArguments.h"
#include "CliExitCode.h"
#include "KeyEnums.h"

#include <QFuture>
#include <QObject>
#include <exception>
#include <functional>
#include <memory>

class Clock;
class QRandomGenerator;
class QTextStream;
class SecretVault;
class SqliteStore;
class StoreError;
struct ApiKeyRecord;
struct CreatedKey;
struct KeySpec;
struct WorkspaceSettings;

// Runs one keydeckctl command against the local store and the OS keychain. Every store and
// keychain call is asynchronous; results are handled on this object's thread, so the caller's
// event loop must run until finished() is emitted (exactly once).
class KeydeckCtl final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeydeckCtl)

public:
    // arguments: without the program name. defaultStorePath: used when --store is not given.
    KeydeckCtl(QStringList arguments, QString defaultStorePath, const Clock& clock,
               QRandomGenerator& rng, QTextStream& out, QTextStream& err,
               QObject* parent = nullptr);
    ~KeydeckCtl() override;

    void start();

Q_SIGNALS:
    void finished(int exitCode);

private:
    enum class StoreAccess
    {
        Existing,
        CreateIfMissing
    };
    enum class Keychain
    {
        Saved,
        NotSaved,
        Skipped
    };

    void createKey();
    void createAndSave(const KeySpec& spec, bool keychainUsable, const QString& unavailableReason);
    void printCreated(const CreatedKey& created, Keychain keychain, const QString& reason);
    void listKeys();
    void showKey();
    void updateKey();
    void setStatus(KeyStatus status);
    void deleteKey();
    void printDeleted(const ApiKeyRecord& record, const QString& keychainProblem);
    void showWorkspace();
    void setWorkspace();

    QString storePath() const;
    void withStore(StoreAccess access, std::function<void()> next);
    void withTarget(std::function<void(const ApiKeyRecord&)> next);
    void printRecord(const ApiKeyRecord& record, const QString& headline);
    void printWorkspace(const WorkspaceSettings& settings, const QString& headline);
    QString targetField() const;

    template <typename T, typename OnValue, typename OnError>
    void await(QFuture<T> future, OnValue onValue, OnError onError);
    template <typename T, typename OnValue> void await(QFuture<T> future, OnValue onValue);

    void fail(CliExitCode code, const QString& field, const QString& message);
    void failFields(const FieldErrors& errors, CliExitCode code);
    void failStore(const StoreError& error);
    void failWith(const std::exception_ptr& error);
    void finish(CliExitCode code);

    QStringList m_arguments;
    QString m_defaultStorePath;
    const Clock& m_clock;
    QRandomGenerator& m_rng;
    QTextStream& m_out;
    QTextStream& m_err;
    std::optional<CliArguments> m_args;
    std::unique_ptr<SqliteStore> m_store;
    std::unique_ptr<SecretVault> m_vault;
    bool m_finished = false;
};
