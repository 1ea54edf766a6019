#pragma once

#include "FieldError.h"

#include <QHash>
#include <QSet>
#include <QStringList>
#include <optional>

// One keydeckctl command line, checked against what each command accepts. Options are
// "--name value" or "--name=value"; a value never starts with "--" unless given with "=".
// Anything after a bare "--" is a positional argument (labels that start with a dash).
class CliArguments final
{
public:
    enum class Command
    {
        Help,
        Version,
        KeysCreate,
        KeysList,
        KeysShow,
        KeysUpdate,
        KeysDisable,
        KeysEnable,
        KeysRevoke,
        KeysDelete,
        KeysRotate,
        WorkspaceShow,
        WorkspaceSet,
        UsageImport,
        UsageSummary,
        UsageLogs,
        AlertsList,
        AlertsAck,
        AlertsRules,
        Scan,
    };
    enum class HelpTopic
    {
        General,
        Keys,
        Workspace,
        Usage,
        Alerts
    };

    // arguments excludes the program name. On failure, error names the offending flag or word.
    static std::optional<CliArguments> parse(const QStringList& arguments, FieldError* error);

    Command command() const { return m_command; }
    HelpTopic helpTopic() const { return m_helpTopic; }
    // The ID|LABEL of show, update, disable, enable, revoke, delete and rotate; the ID of
    // alerts ack.
    const QString& target() const { return m_target; }
    // The FILE of usage import.
    const QString& file() const { return m_file; }
    // The PATHs of scan.
    const QStringList& paths() const { return m_paths; }

    bool has(const QString& flag) const
    {
        return m_values.contains(flag) || m_switches.contains(flag);
    }
    QString value(const QString& flag) const { return m_values.value(flag); }
    const QHash<QString, QString>& values() const { return m_values; }
    bool json() const { return m_switches.contains(QStringLiteral("--json")); }

private:
    CliArguments() = default;

    Command m_command = Command::Help;
    HelpTopic m_helpTopic = HelpTopic::General;
    QString m_commandName;
    QString m_target;
    QString m_file;
    QStringList m_paths;
    QHash<QString, QString> m_values;
    QSet<QString> m_switches;
};
