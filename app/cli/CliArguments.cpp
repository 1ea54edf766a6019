#include "CliArguments.h"

#include "KeySpecFlags.h"

using namespace Qt::StringLiterals;

namespace {
struct CommandSpec
{
    QString group;
    QString name;
    CliArguments::Command command;
    bool takesTarget;
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
        return QList<CommandSpec>{
            {u"keys"_s, u"create"_s, C::KeysCreate, false, create},
            {u"keys"_s, u"list"_s, C::KeysList, false, json},
            {u"keys"_s, u"show"_s, C::KeysShow, true, json},
            {u"keys"_s, u"update"_s, C::KeysUpdate, true, update},
            {u"keys"_s, u"disable"_s, C::KeysDisable, true, json},
            {u"keys"_s, u"enable"_s, C::KeysEnable, true, json},
            {u"keys"_s, u"revoke"_s, C::KeysRevoke, true, json},
            {u"keys"_s, u"delete"_s, C::KeysDelete, true, json},
            {u"workspace"_s, u"show"_s, C::WorkspaceShow, false, json},
            {u"workspace"_s,
             u"set"_s,
             C::WorkspaceSet,
             false,
             {u"--prefix"_s, u"--subscription-prefix"_s, u"--json"_s}},
        };
    }();
    return specs;
}

QStringList valueFlags()
{
    return KeySpecFlags::names() +
           QStringList{u"--store"_s, u"--prefix"_s, u"--subscription-prefix"_s};
}

const QStringList& switchFlags()
{
    static const QStringList flags = {u"--json"_s, u"--no-keychain"_s, u"--help"_s, u"--version"_s};
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

    const QString group = words.value(0);
    result.m_helpTopic = group == u"keys"        ? HelpTopic::Keys
                         : group == u"workspace" ? HelpTopic::Workspace
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
    const QStringList subcommands = subcommandsOf(group);
    if (subcommands.isEmpty())
        return fail(group, u"unknown command; use keys or workspace"_s);
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
    if (spec->takesTarget) {
        if (rest.isEmpty() || rest.first().isEmpty())
            return fail(result.m_commandName, u"missing ID|LABEL of the key"_s);
        if (rest.size() > 1)
            return fail(rest.at(1), u"unexpected argument (quote a label that contains spaces)"_s);
        result.m_target = rest.first();
    } else if (!rest.isEmpty()) {
        return fail(rest.first(), u"unexpected argument"_s);
    }

    QStringList given = result.m_values.keys() + result.m_switches.values();
    given.sort();
    for (const QString& flag : given) {
        if (flag != u"--store" && !spec->flags.contains(flag))
            return fail(flag, u"is not an option of keydeckctl %1"_s.arg(result.m_commandName));
    }
    const QStringList specFlags = KeySpecFlags::names();
    if (spec->command == Command::KeysUpdate &&
        std::none_of(specFlags.cbegin(), specFlags.cend(),
                     [&](const QString& f) { return result.has(f); })) {
        return fail(result.m_commandName,
                    u"nothing to change; give at least one flag such as --label or --tier"_s);
    }
    if (spec->command == Command::WorkspaceSet && !result.has(u"--prefix"_s) &&
        !result.has(u"--subscription-prefix"_s)) {
        return fail(result.m_commandName, u"give --prefix and/or --subscription-prefix"_s);
    }
    return result;
}
