#include "CliArguments.h"

#include "KeySpecFlags.h"
#include "ServerProfile.h"

using namespace Qt::StringLiterals;

namespace {
enum class Positional
{
    None,
    Key,   // ID|LABEL
    Alert, // alerts ack ID
    File,  // usage import FILE
};

struct CommandSpec
{
    QString group;
    QString name;
    CliArguments::Command command;
    Positional positional;
    QStringList flags;
};

const QList<CommandSpec>& commandSpecs()
{
    using C = CliArguments::Command;
    static const QList<CommandSpec> specs = [] {
        const QStringList json = {u"--json"_s};
        const QStringList create =
            KeySpecFlags::names() + QStringList{u"--no-keychain"_s, u"--json"_s};
        const QStringList update = KeySpecFlags::names() + json;
        const QStringList range = {u"--from"_s, u"--to"_s, u"--key"_s, u"--json"_s};
        constexpr auto None = Positional::None;
        constexpr auto Key = Positional::Key;
        return QList<CommandSpec>{
            {u"keys"_s, u"create"_s, C::KeysCreate, None, create},
            {u"keys"_s, u"list"_s, C::KeysList, None, json},
            {u"keys"_s, u"show"_s, C::KeysShow, Key, json},
            {u"keys"_s, u"update"_s, C::KeysUpdate, Key, update},
            {u"keys"_s, u"disable"_s, C::KeysDisable, Key, json},
            {u"keys"_s, u"enable"_s, C::KeysEnable, Key, json},
            {u"keys"_s, u"revoke"_s, C::KeysRevoke, Key, json},
            {u"keys"_s, u"delete"_s, C::KeysDelete, Key, json},
            {u"keys"_s, u"rotate"_s, C::KeysRotate, Key, {u"--no-keychain"_s, u"--json"_s}},
            {u"workspace"_s, u"show"_s, C::WorkspaceShow, None, json},
            {u"workspace"_s,
             u"set"_s,
             C::WorkspaceSet,
             None,
             {u"--prefix"_s, u"--subscription-prefix"_s, u"--json"_s}},
            {u"usage"_s,
             u"import"_s,
             C::UsageImport,
             Positional::File,
             {u"--format"_s, u"--skip-bad-lines"_s, u"--json"_s}},
            {u"usage"_s, u"summary"_s, C::UsageSummary, None, range + QStringList{u"--by"_s}},
            {u"usage"_s, u"logs"_s, C::UsageLogs, None,
             range + QStringList{u"--limit"_s, u"--format"_s}},
            {u"alerts"_s, u"list"_s, C::AlertsList, None, {u"--all"_s, u"--json"_s}},
            {u"alerts"_s, u"ack"_s, C::AlertsAck, Positional::Alert, json},
            {u"alerts"_s, u"rules"_s, C::AlertsRules, None, json},
        };
    }();
    return specs;
}

QStringList valueFlags()
{
    return KeySpecFlags::names() +
           QStringList{u"--store"_s, u"--server"_s, u"--prefix"_s, u"--subscription-prefix"_s,
                       u"--from"_s,  u"--to"_s,     u"--key"_s,    u"--by"_s,
                       u"--limit"_s, u"--format"_s};
}

const QStringList& switchFlags()
{
    static const QStringList flags = {u"--json"_s,      u"--no-keychain"_s, u"--skip-bad-lines"_s,
                                      u"--all"_s,       u"--help"_s,        u"--version"_s,
                                      u"--no-history"_s};
    return flags;
}

QStringList subcommandsOf(const QString& group)
{
    QStringList names;
    for (const CommandSpec& spec : commandSpecs()) {
        if (spec.group == group)
            names << spec.name;
    }
    return names;
}
} // namespace

std::optional<CliArguments> CliArguments::parse(const QStringList& arguments, FieldError* error)
{
    auto fail = [error](const QString& field, const QString& message) {
        *error = FieldError{field, message};
        return std::nullopt;
    };
    static const QStringList valued = valueFlags();

    CliArguments result;
    QStringList words;
    bool positionalOnly = false;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& arg = arguments.at(i);
        if (positionalOnly || !arg.startsWith(u'-') || arg == u"-") {
            words << arg;
            continue;
        }
        if (arg == u"--") {
            positionalOnly = true;
            continue;
        }
        if (!arg.startsWith(u"--") && arg != u"-h")
            return fail(
                arg, u"unknown option (to name a key that starts with \"-\", put it after --)"_s);
        const qsizetype eq = arg.indexOf(u'=');
        const QString name = arg == u"-h" ? u"--help"_s : eq < 0 ? arg : arg.left(eq);
        if (valued.contains(name)) {
            QString value;
            if (eq >= 0)
                value = arg.mid(eq + 1);
            else if (i + 1 < arguments.size() && !arguments.at(i + 1).startsWith(u"--"))
                value = arguments.at(++i);
            else
                return fail(name, u"needs a value"_s);
            if (result.m_values.contains(name))
                return fail(name, u"given more than once"_s);
            result.m_values.insert(name, value);
        } else if (switchFlags().contains(name)) {
            if (eq >= 0)
                return fail(name, u"takes no value"_s);
            if (result.m_switches.contains(name))
                return fail(name, u"given more than once"_s);
            result.m_switches.insert(name);
        } else {
            return fail(name, u"unknown option; see keydeckctl --help"_s);
        }
    }

    if (result.m_values.contains(u"--store"_s) && result.m_values.value(u"--store"_s).isEmpty())
        return fail(u"--store"_s, u"needs the path of a store file"_s);
    if (result.m_values.contains(u"--server"_s)) {
        if (result.m_values.contains(u"--store"_s))
            return fail(u"--server"_s,
                        u"names a server store: give --store or --server, not both"_s);
        QString why;
        if (!ServerProfile::parseUrl(result.m_values.value(u"--server"_s), &why))
            return fail(u"--server"_s, why);
    }

    const QString group = words.value(0);
    result.m_helpTopic = group == u"keys"        ? HelpTopic::Keys
                         : group == u"workspace" ? HelpTopic::Workspace
                         : group == u"usage"     ? HelpTopic::Usage
                         : group == u"alerts"    ? HelpTopic::Alerts
                                                 : HelpTopic::General;
    if (result.m_switches.contains(u"--help"_s)) {
        result.m_command = Command::Help;
        return result;
    }
    if (result.m_switches.contains(u"--version"_s)) {
        result.m_command = Command::Version;
        return result;
    }
    if (words.isEmpty())
        return fail({}, u"missing command; see keydeckctl --help"_s);
    // scan is a command of its own, with the paths it searches after it.
    if (group == u"scan") {
        result.m_command = Command::Scan;
        result.m_commandName = group;
        result.m_paths = words.mid(1);
        if (result.m_paths.isEmpty() || result.m_paths.contains(QString()))
            return fail(group, u"missing PATH: the files, folders or git repositories to search"_s);
        for (const QString& flag : result.m_values.keys() + result.m_switches.values()) {
            if (flag != u"--store" && flag != u"--server" && flag != u"--json" &&
                flag != u"--no-history")
                return fail(flag, u"is not an option of keydeckctl scan"_s);
        }
        return result;
    }
    const QStringList subcommands = subcommandsOf(group);
    if (subcommands.isEmpty())
        return fail(group, u"unknown command; use keys, usage, alerts, workspace or scan"_s);
    if (words.size() < 2) {
        return fail(group, u"missing subcommand: one of %1"_s.arg(subcommands.join(u", ")));
    }
    const auto spec =
        std::find_if(commandSpecs().cbegin(), commandSpecs().cend(), [&](const CommandSpec& s) {
            return s.group == group && s.name == words.at(1);
        });
    if (spec == commandSpecs().cend()) {
        return fail(group + u' ' + words.at(1),
                    u"unknown command; use one of %1"_s.arg(subcommands.join(u", ")));
    }
    result.m_command = spec->command;
    result.m_commandName = group + u' ' + spec->name;

    const QStringList rest = words.mid(2);
    switch (spec->positional) {
    case Positional::Key:
        if (rest.isEmpty() || rest.first().isEmpty())
            return fail(result.m_commandName, u"missing ID|LABEL of the key"_s);
        if (rest.size() > 1)
            return fail(rest.at(1), u"unexpected argument (quote a label that contains spaces)"_s);
        result.m_target = rest.first();
        break;
    case Positional::Alert: {
        if (rest.isEmpty() || rest.first().isEmpty())
            return fail(result.m_commandName,
                        u"missing ID of the alert (see keydeckctl alerts list)"_s);
        if (rest.size() > 1)
            return fail(rest.at(1), u"unexpected argument (one alert ID)"_s);
        bool number = false;
        if (rest.first().toLongLong(&number) <= 0 || !number)
            return fail(rest.first(), u"is not an alert ID (a positive number)"_s);
        result.m_target = rest.first();
        break;
    }
    case Positional::File:
        if (rest.isEmpty() || rest.first().isEmpty())
            return fail(result.m_commandName, u"missing FILE to import"_s);
        if (rest.size() > 1)
            return fail(rest.at(1), u"unexpected argument (one FILE per import)"_s);
        result.m_file = rest.first();
        break;
    case Positional::None:
        if (!rest.isEmpty())
            return fail(rest.first(), u"unexpected argument"_s);
        break;
    }

    QStringList given = result.m_values.keys() + result.m_switches.values();
    given.sort();
    for (const QString& flag : given) {
        if (flag != u"--store" && flag != u"--server" && !spec->flags.contains(flag))
            return fail(flag, u"is not an option of keydeckctl %1"_s.arg(result.m_commandName));
    }
    const QStringList specFlags = KeySpecFlags::names();
    if (spec->command == Command::KeysUpdate &&
        std::none_of(specFlags.cbegin(), specFlags.cend(),
                     [&](const QString& f) { return result.has(f); })) {
        return fail(result.m_commandName,
                    u"nothing to change; give at least one flag such as --label or --tier"_s);
    }
    if (spec->command == Command::UsageLogs && result.has(u"--format"_s) && result.json())
        return fail(u"--format"_s, u"cannot be combined with --json; choose one output"_s);
    if (spec->command == Command::WorkspaceSet && !result.has(u"--prefix"_s) &&
        !result.has(u"--subscription-prefix"_s)) {
        return fail(result.m_commandName, u"give --prefix and/or --subscription-prefix"_s);
    }
    return result;
}
