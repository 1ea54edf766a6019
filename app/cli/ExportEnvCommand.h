#pragma once

#include "ApiKeyRecord.h"
#include "CliExitCode.h"
#include "FieldError.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <exception>
#include <memory>
#include <optional>

class Clock;
class EnvExportPlan;
class QTextStream;
class SecretVault;
class StoreConnection;
class StoreOpener;

// keydeckctl export-env: writes keys' secrets from the OS keychain into a .env file, atomically
// and 0600. It reads its own command line, as --key repeats. Every key is found and every
// secret read before anything is written: a missing secret names its key and writes nothing.
// Results arrive on this object's thread; finished() is emitted exactly once.
class ExportEnvCommand final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExportEnvCommand)

public:
    // True when arguments (without the program name) are an export-env command line.
    static bool handles(const QStringList& arguments);
    static QString help();

    // stores and clock must outlive this object.
    ExportEnvCommand(QStringList arguments, StoreOpener& stores, const Clock& clock,
                     QTextStream& out, QTextStream& err, QObject* parent = nullptr);
    ~ExportEnvCommand() override;

    void start();

Q_SIGNALS:
    void finished(int exitCode);

private:
    struct KeyRequest
    {
        QString target; // id or label
        std::optional<QString> variable;
    };

    bool parse();
    void findKey(qsizetype index);
    void plan();
    void readSecret(qsizetype index);
    void writeFile();
    void checkGit();
    void printResult(const QStringList& replaced);

    void fail(CliExitCode code, const QString& field, const QString& message);
    void failFields(CliExitCode code, const FieldErrors& errors);
    void failWith(const std::exception_ptr& error);
    void finish(CliExitCode code);

    QStringList m_arguments;
    StoreOpener& m_stores;
    QString m_storePath;
    const Clock& m_clock;
    QTextStream& m_out;
    QTextStream& m_err;

    QString m_outPath;
    QList<KeyRequest> m_requests;
    std::optional<QString> m_baseUrl;
    std::optional<QString> m_baseUrlVariable;
    bool m_addGitignore = false;
    bool m_skipGitCheck = false;
    bool m_json = false;
    bool m_help = false;

    std::unique_ptr<StoreConnection> m_store;
    std::unique_ptr<SecretVault> m_vault;
    QString m_prefix;
    QList<ApiKeyRecord> m_records;
    std::unique_ptr<EnvExportPlan> m_plan;
    QHash<QString, QString> m_secrets;
    QStringList m_missing; // "key \"x\": why" for every secret that could not be read
    bool m_gitExposed = false;
    bool m_gitignoreUpdated = false;
    bool m_finished = false;
};
