#pragma once

#include "ApiKeyRecord.h"
#include "CliArguments.h"
#include "CliExitCode.h"
#include "KeyEnums.h"
#include "LeakScan.h"
#include "SecretIndex.h"
#include "UsageFlags.h"

#include <QFuture>
#include <QHash>
#include <QObject>
#include <exception>
#include <functional>
#include <memory>

class Clock;
class QTextStream;
class SecretVault;
class StoreConnection;
class StoreOpener;
class StoreError;
struct KeySpec;
struct UsageGroupRow;
struct UsageImportReport;
struct UsageQuery;
struct WorkspaceSettings;

// Runs one keydeckctl command against a store (whichever the opener makes) and the OS keychain.
// Every store and keychain call is asynchronous; results are handled on this object's thread, so
// the caller's event loop must run until finished() is emitted (exactly once).
class KeydeckCtl final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeydeckCtl)

public:
    // arguments: without the program name. stores: makes the store --store names (or its
    // default location); it and clock must outlive this object.
    KeydeckCtl(QStringList arguments, StoreOpener& stores, const Clock& clock, QTextStream& out,
               QTextStream& err, QObject* parent = nullptr);
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
    // scan: search the paths, then look each key found up by its digest, one after another.
    void scanForLeaks();
    void matchLeaks(const LeakScan::Result& found, const QList<QByteArray>& digests, qsizetype next,
                    QHash<QByteArray, ApiKeyRecord> keys);
    // Calls next with whether the keychain can take a secret (always false with --no-keychain)
    // and, if not, why.
    // A vault that notes in m_secretIndex what it saves and removes.
    void makeVault();
    void withKeychain(std::function<void(bool usable, const QString& reason)> next);
    // Waits for the new key, saves its secret in the keychain if usable, then prints it.
    // replaced: the key a rotation replaces.
    void saveCreated(QFuture<CreatedKey> creating, bool keychainUsable,
                     const QString& unavailableReason,
                     const std::optional<ApiKeyRecord>& replaced = std::nullopt);
    void printAndActivate(const CreatedKey& created, Keychain keychain, const QString& reason,
                          const std::optional<ApiKeyRecord>& replaced);
    void printCreated(const CreatedKey& created, Keychain keychain, const QString& reason,
                      const std::optional<ApiKeyRecord>& replaced);
    void rotateKey();
    void listKeys();
    void showKey();
    void updateKey();
    void setStatus(KeyStatus status);
    void deleteKey();
    enum class SecretRemoval
    {
        Removed,
        // The store is a copy: the secret's entry belongs to the store it was copied from.
        KeptForOriginal,
        Failed
    };
    void printDeleted(const ApiKeyRecord& record, SecretRemoval removal,
                      const QString& keychainProblem);
    void showWorkspace();
    void setWorkspace();

    using Labels = QHash<QString, QString>;
    bool parseUsageFlags();
    void importUsage();
    void printImport(const UsageImportReport& report);
    void failImport(const std::exception_ptr& error);
    void usageSummary();
    void printGroups(const QList<UsageGroupRow>& rows, const QString& scope, const Labels& labels);
    void usageLogs();
    void exportLogs(const UsageQuery& query, const Labels& labels, const QString& cursor,
                    qint64 written);
    // The query of the usage flags, with --key resolved; scope names the keys it covers.
    void withUsageQuery(std::function<void(const UsageQuery& query, const QString& scope)> next);
    // Key id -> label of every key in the store.
    void withLabels(std::function<void(const Labels& labels)> next);

    void listAlerts();
    void acknowledgeAlert();
    void listAlertRules();

    QString storePath() const;
    void withStore(StoreAccess access, std::function<void()> next);
    void withTarget(std::function<void(const ApiKeyRecord&)> next);
    void printRecord(const ApiKeyRecord& record, const QString& headline,
                     const Labels& labels = {});
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
    StoreOpener& m_stores;
    const Clock& m_clock;
    QTextStream& m_out;
    QTextStream& m_err;
    std::optional<CliArguments> m_args;
    std::optional<UsageFlags> m_usageFlags;
    std::unique_ptr<StoreConnection> m_store;
    // Shared with the app: which keys' secrets this computer's keychain holds.
    SecretIndex m_secretIndex;
    std::unique_ptr<SecretVault> m_vault;
    bool m_finished = false;
};
