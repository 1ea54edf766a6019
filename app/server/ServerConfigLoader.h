#pragma once

#include "ServerConfig.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <variant>

// The problem with one option, named as the user gave it ("--listen", "KEYDECK_LISTEN",
// "server.toml: listen").
struct ConfigError
{
    QString option;
    QString message;

    QString toString() const { return option + QStringLiteral(": ") + message; }
};

// Builds a ServerConfig from flags, then KEYDECK_* environment variables, then the TOML file
// named by --config or KEYDECK_CONFIG: a value given earlier in that list wins. Unknown flags,
// variables that look like ours but are not, unknown file keys and wrong types are errors.
class ServerConfigLoader final
{
public:
    using Environment = QHash<QString, QString>;

    // arguments: without the program name and subcommand.
    static std::variant<ServerConfig, ConfigError> load(const QStringList& arguments,
                                                        const Environment& environment);
    static Environment processEnvironment();
    // One line per option, for --help.
    static QString optionsHelp();
};
