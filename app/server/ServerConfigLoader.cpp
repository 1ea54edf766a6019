#include "ServerConfigLoader.h"

#include "CidrBlock.h"
#include "KeyValidator.h"

#include <QFileInfo>
#include <QHostAddress>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>
#include <functional>
#include <optional>
#include <toml++/toml.h>

using namespace Qt::StringLiterals;

namespace {

enum class Kind
{
    Text,
    Flag,
    Integer,
};

struct Option
{
    QString name; // the flag without "--"; the file key is the same with '_' for '-'
    Kind kind;
    qint64 min = 0;
    qint64 max = 0;
    QString valueName;
    QString help;

    QString fileKey() const { return QString(name).replace(u'-', u'_'); }
    QString environmentName() const
    {
        return u"KEYDECK_"_s + QString(name).toUpper().replace(u'-', u'_');
    }
};

const QList<Option>& options()
{
    static const QList<Option> all{
        {u"listen"_s, Kind::Text, 0, 0, u"HOST:PORT"_s,
         u"address to serve on (default 127.0.0.1:8080; port 0 picks a free one)"_s},
        {u"store"_s, Kind::Text, 0, 0, u"PATH|URL"_s,
         u"the SQLite store file, or postgres://USER:PASSWORD@HOST:PORT/DB (required)"_s},
        {u"upstream"_s, Kind::Text, 0, 0, u"mock|URL"_s,
         u"where API traffic goes (default mock)"_s},
        {u"upstream-timeout"_s, Kind::Integer, 1, 3600, u"SECONDS"_s,
         u"longest wait for the upstream's first byte; 504 after it (default 60)"_s},
        {u"upstream-api-key"_s, Kind::Text, 0, 0, u"KEY"_s,
         u"the upstream's own API key: from the config file or the environment only, never a "
         "flag (the process list would show it)"_s},
        {u"config"_s, Kind::Text, 0, 0, u"FILE"_s, u"TOML file with any of these options"_s},
        {u"tls-cert"_s, Kind::Text, 0, 0, u"FILE"_s, u"PEM certificate chain: serve HTTPS"_s},
        {u"tls-key"_s, Kind::Text, 0, 0, u"FILE"_s, u"PEM private key of --tls-cert"_s},
        {u"allow-insecure-http"_s, Kind::Flag, 0, 0, QString(),
         u"allow plain HTTP on an address other than loopback"_s},
        {u"trusted-proxy"_s, Kind::Text, 0, 0, u"CIDR[,CIDR...]"_s,
         u"reverse proxies whose X-Forwarded-For names the client (default none)"_s},
        {u"admin-key-sha256"_s, Kind::Text, 0, 0, u"HEX"_s,
         u"SHA-256 of a master admin key kept outside the store (see master-key)"_s},
        {u"io-threads"_s, Kind::Integer, 1, 64, u"N"_s, u"network threads (default 2)"_s},
        {u"max-header-bytes"_s, Kind::Integer, 1024, 1024 * 1024, u"N"_s,
         u"largest request header block (default 16384)"_s},
        {u"max-body-bytes"_s, Kind::Integer, 1024, qint64(1) << 30, u"N"_s,
         u"largest request body (default 1048576)"_s},
        {u"max-upload-bytes"_s, Kind::Integer, 1024, qint64(1) << 40, u"N"_s,
         u"largest usage import upload, spooled to a temporary file (default 1073741824)"_s},
        {u"request-timeout-ms"_s, Kind::Integer, 100, 3'600'000, u"MS"_s,
         u"time to receive a whole request (default 30000)"_s},
        {u"idle-timeout-ms"_s, Kind::Integer, 100, 3'600'000, u"MS"_s,
         u"idle keep-alive connections close after this (default 60000)"_s},
    };
    return all;
}

const Option* optionNamed(const QString& name)
{
    for (const Option& option : options()) {
        if (option.name == name)
            return &option;
    }
    return nullptr;
}

// A value and where it came from, for the error message.
struct Given
{
    QString text;
    QString source;
};

using Values = QHash<QString, Given>;

std::optional<ConfigError> parseFlags(const QStringList& arguments, Values* values)
{
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& argument = arguments.at(i);
        if (!argument.startsWith(u"--"_s))
            return ConfigError{argument, u"unexpected argument (options start with --)"_s};
        QString name = argument.mid(2);
        std::optional<QString> inlineValue;
        if (const qsizetype equals = name.indexOf(u'='); equals >= 0) {
            inlineValue = name.mid(equals + 1);
            name.truncate(equals);
        }
        const Option* option = optionNamed(name);
        const QString flag = u"--"_s + name;
        if (!option)
            return ConfigError{flag, u"unknown option (see --help)"_s};
        if (name == u"upstream-api-key"_s)
            return ConfigError{flag, u"not a flag: a key on the command line is visible to every "
                                     "user of the machine; set KEYDECK_UPSTREAM_API_KEY or "
                                     "upstream_api_key in the config file"_s};
        if (values->contains(name))
            return ConfigError{flag, u"given more than once"_s};
        if (option->kind == Kind::Flag) {
            if (inlineValue)
                return ConfigError{flag, u"takes no value"_s};
            values->insert(name, {u"true"_s, flag});
            continue;
        }
        if (!inlineValue) {
            if (i + 1 >= arguments.size())
                return ConfigError{flag, u"needs a value (%1)"_s.arg(option->valueName)};
            inlineValue = arguments.at(++i);
        }
        values->insert(name, {*inlineValue, flag});
    }
    return std::nullopt;
}

bool isHttpUrl(const QString& text)
{
    const QUrl url(text, QUrl::StrictMode);
    return url.isValid() && (url.scheme() == u"http"_s || url.scheme() == u"https"_s) &&
           !url.host().isEmpty() && !url.hasQuery() && !url.hasFragment();
}

// The file's [[upstreams]]: each a table of name, base_url, kind, models and api_key or
// api_key_env, checked here where the file and entry can be named.
std::optional<ConfigError> readUpstreams(const toml::node& node, const QString& path,
                                         const ServerConfigLoader::Environment& environment,
                                         QList<UpstreamConfig>* upstreams)
{
    const toml::array* entries = node.as_array();
    if (!entries || !entries->is_array_of_tables())
        return ConfigError{u"%1: upstreams"_s.arg(path),
                           u"must be an array of tables ([[upstreams]] entries)"_s};
    static const QRegularExpression namePattern(u"^[a-z0-9][a-z0-9_-]{0,62}$"_s);
    static const QRegularExpression variablePattern(u"^[A-Za-z_][A-Za-z0-9_]*$"_s);
    for (qsizetype i = 0; i < qsizetype(entries->size()); ++i) {
        const toml::table& table = *entries->get(size_t(i))->as_table();
        const QString entry = u"%1: upstreams[%2]"_s.arg(path).arg(i + 1);
        const auto where = [&entry](const char* key) {
            return u"%1.%2"_s.arg(entry, QString::fromLatin1(key));
        };
        const auto text = [&table](const char* key) -> std::optional<QString> {
            const auto value = table[key].value<std::string>();
            return value ? std::optional(QString::fromStdString(*value)) : std::nullopt;
        };
        for (const auto& [key, value] : table) {
            static const QStringList known{u"name"_s,   u"base_url"_s, u"kind"_s,
                                           u"models"_s, u"api_key"_s,  u"api_key_env"_s};
            const QString name = QString::fromStdString(std::string(key.str()));
            if (!known.contains(name))
                return ConfigError{u"%1.%2"_s.arg(entry, name),
                                   u"unknown key (name, base_url, kind, models, api_key, "
                                   "api_key_env)"_s};
            if (name != u"models"_s && !value.is_string())
                return ConfigError{u"%1.%2"_s.arg(entry, name), u"must be a string"_s};
        }
        UpstreamConfig upstream;
        upstream.name = text("name").value_or(QString());
        if (!namePattern.match(upstream.name).hasMatch())
            return ConfigError{where("name"),
                               u"required: lower-case letters, digits, - and _ (at most 63)"_s};
        for (const UpstreamConfig& other : std::as_const(*upstreams)) {
            if (other.name == upstream.name)
                return ConfigError{where("name"),
                                   u"\"%1\" names another upstream too"_s.arg(upstream.name)};
        }
        upstream.baseUrl = text("base_url").value_or(QString());
        if (!isHttpUrl(upstream.baseUrl))
            return ConfigError{where("base_url"),
                               u"required: the API's base URL, http(s)://HOST[:PORT]/v1"_s};
        const QString kind = text("kind").value_or(u"openai"_s);
        if (kind != u"openai"_s && kind != u"anthropic"_s)
            return ConfigError{where("kind"), u"must be openai or anthropic"_s};
        upstream.kind =
            kind == u"anthropic"_s ? UpstreamConfig::Kind::Anthropic : UpstreamConfig::Kind::OpenAi;
        const toml::array* models = table["models"].as_array();
        if (!models || models->empty())
            return ConfigError{
                where("models"),
                u"required: the models it serves, e.g. [\"gpt-4o\", \"claude-*\"]"_s};
        for (const toml::node& model : *models) {
            const auto name = model.value<std::string>();
            const QString pattern = name ? QString::fromStdString(*name) : QString();
            const QString bare = pattern.endsWith(u'*') ? pattern.chopped(1) : pattern;
            if (!model.is_string() || !KeyValidator::isModelName(bare))
                return ConfigError{where("models"),
                                   u"each a model name, or a prefix ending in * (\"claude-*\")"_s};
            upstream.models << pattern;
        }
        const std::optional<QString> key = text("api_key");
        const std::optional<QString> variable = text("api_key_env");
        if (key && variable)
            return ConfigError{entry, u"api_key or api_key_env, not both"_s};
        if (variable) {
            if (!variablePattern.match(*variable).hasMatch())
                return ConfigError{where("api_key_env"), u"must name an environment variable"_s};
            if (environment.value(*variable).isEmpty())
                return ConfigError{
                    where("api_key_env"),
                    u"%1 is not set (the upstream's key is read from it)"_s.arg(*variable)};
            upstream.apiKey = environment.value(*variable).toUtf8();
        } else if (key) {
            upstream.apiKey = key->toUtf8();
        }
        *upstreams << upstream;
    }
    return std::nullopt;
}

std::optional<ConfigError> readFile(const QString& path, const QString& source,
                                    const ServerConfigLoader::Environment& environment,
                                    Values* values, QList<UpstreamConfig>* upstreams)
{
    if (!QFileInfo(path).isFile())
        return ConfigError{source, u"no such file: %1"_s.arg(path)};
    toml::table table;
    try {
        table = toml::parse_file(path.toStdString());
    } catch (const toml::parse_error& error) {
        const auto& begin = error.source().begin;
        return ConfigError{u"%1:%2:%3"_s.arg(path).arg(begin.line).arg(begin.column),
                           QString::fromStdString(std::string(error.description()))};
    }
    for (const auto& [key, node] : table) {
        const QString fileKey = QString::fromStdString(std::string(key.str()));
        const QString where = u"%1: %2"_s.arg(path, fileKey);
        if (fileKey == u"upstreams"_s) {
            if (auto error = readUpstreams(node, path, environment, upstreams))
                return error;
            continue;
        }
        const Option* option = nullptr;
        for (const Option& candidate : options()) {
            if (candidate.fileKey() == fileKey && candidate.name != u"config"_s)
                option = &candidate;
        }
        if (!option)
            return ConfigError{where, u"unknown option"_s};
        QString text;
        switch (option->kind) {
        case Kind::Text:
            if (!node.is_string())
                return ConfigError{where, u"must be a string"_s};
            text = QString::fromStdString(*node.value<std::string>());
            break;
        case Kind::Flag:
            if (!node.is_boolean())
                return ConfigError{where, u"must be true or false"_s};
            text = *node.value<bool>() ? u"true"_s : u"false"_s;
            break;
        case Kind::Integer:
            if (!node.is_integer())
                return ConfigError{where, u"must be an integer"_s};
            text = QString::number(*node.value<qint64>());
            break;
        }
        values->insert(option->name, {text, where});
    }
    return std::nullopt;
}

std::optional<ConfigError> parseListen(const Given& given, ServerConfig* config)
{
    const QString& text = given.text;
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon <= 0)
        return ConfigError{given.source, u"expected HOST:PORT, e.g. 127.0.0.1:8080"_s};
    QString host = text.left(colon);
    const QString portText = text.mid(colon + 1);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    else if (host.contains(u':'))
        return ConfigError{given.source, u"an IPv6 address goes in brackets: [::1]:8080"_s};
    bool ok = false;
    const uint port = portText.toUInt(&ok);
    if (!ok || port > 65535 || portText.startsWith(u'+'))
        return ConfigError{given.source, u"port must be a number from 0 to 65535"_s};
    if (host == u"localhost"_s)
        host = u"127.0.0.1"_s;
    const QHostAddress address(host);
    if (address.isNull())
        return ConfigError{given.source, u"\"%1\" is not an IP address (or localhost)"_s.arg(host)};
    config->listenHost = address.toString();
    config->listenPort = quint16(port);
    return std::nullopt;
}

std::optional<ConfigError> parseInteger(const Option& option, const Given& given, qint64* out)
{
    bool ok = false;
    const qint64 value = given.text.toLongLong(&ok);
    if (!ok || value < option.min || value > option.max)
        return ConfigError{
            given.source,
            u"must be a whole number from %1 to %2"_s.arg(option.min).arg(option.max)};
    *out = value;
    return std::nullopt;
}

std::optional<ConfigError> parseBool(const Given& given, bool* out)
{
    if (given.text == u"true"_s || given.text == u"1"_s)
        *out = true;
    else if (given.text == u"false"_s || given.text == u"0"_s)
        *out = false;
    else
        return ConfigError{given.source, u"must be true or false"_s};
    return std::nullopt;
}

std::optional<ConfigError> apply(const Values& values, ServerConfig* config)
{
    const auto integer = [&](const QString& name, auto* field) -> std::optional<ConfigError> {
        if (!values.contains(name))
            return std::nullopt;
        qint64 value = 0;
        if (auto error = parseInteger(*optionNamed(name), values.value(name), &value))
            return error;
        *field = decltype(+*field)(value);
        return std::nullopt;
    };
    if (values.contains(u"listen"_s)) {
        if (auto error = parseListen(values.value(u"listen"_s), config))
            return error;
    }
    config->store = values.value(u"store"_s).text;
    if (values.contains(u"upstream"_s))
        config->upstream = values.value(u"upstream"_s).text;
    if (values.contains(u"trusted-proxy"_s)) {
        const Given& given = values.value(u"trusted-proxy"_s);
        QString error;
        const std::optional<QList<CidrBlock>> blocks = CidrBlock::parseList(given.text, &error);
        if (!blocks)
            return ConfigError{given.source, error};
        config->trustedProxies = *blocks;
    }
    config->upstreamApiKey = values.value(u"upstream-api-key"_s).text.toUtf8();
    config->tlsCert = values.value(u"tls-cert"_s).text;
    config->tlsKey = values.value(u"tls-key"_s).text;
    if (values.contains(u"admin-key-sha256"_s)) {
        static const QRegularExpression hex(u"^[0-9a-f]{64}$"_s);
        const Given& given = values.value(u"admin-key-sha256"_s);
        if (!hex.match(given.text).hasMatch())
            return ConfigError{given.source,
                               u"must be the SHA-256 of the key in 64 lower-case hex digits"_s};
        config->adminKeySha256 = given.text.toLatin1();
    }
    if (values.contains(u"allow-insecure-http"_s)) {
        if (auto error =
                parseBool(values.value(u"allow-insecure-http"_s), &config->allowInsecureHttp))
            return error;
    }
    qint64 upstreamTimeoutSeconds = config->upstreamTimeoutMs / 1000;
    if (auto error = integer(u"upstream-timeout"_s, &upstreamTimeoutSeconds))
        return error;
    config->upstreamTimeoutMs = upstreamTimeoutSeconds * 1000;
    for (const auto& error : {integer(u"io-threads"_s, &config->ioThreads),
                              integer(u"max-header-bytes"_s, &config->maxHeaderBytes),
                              integer(u"max-body-bytes"_s, &config->maxBodyBytes),
                              integer(u"max-upload-bytes"_s, &config->maxUploadBytes),
                              integer(u"request-timeout-ms"_s, &config->requestTimeoutMs),
                              integer(u"idle-timeout-ms"_s, &config->idleTimeoutMs)}) {
        if (error)
            return error;
    }
    return std::nullopt;
}

QString sourceOf(const Values& values, const QString& name)
{
    return values.contains(name) ? values.value(name).source : u"--"_s + name;
}

std::optional<ConfigError> check(const Values& values, const ServerConfig& config)
{
    if (config.store.isEmpty())
        return ConfigError{sourceOf(values, u"store"_s),
                           u"required: the path of the SQLite store file or a postgres:// URL"_s};
    if (config.store.startsWith(u"postgres://"_s) || config.store.startsWith(u"postgresql://"_s)) {
        const QUrl url(config.store, QUrl::StrictMode);
        // The host may instead be a socket directory: postgres:///keydeck?host=/run/postgresql
        const bool host = !url.host().isEmpty() || QUrlQuery(url).hasQueryItem(u"host"_s);
        if (!url.isValid() || !host || url.path().size() < 2 || url.path().mid(1).contains(u'/'))
            return ConfigError{
                sourceOf(values, u"store"_s),
                u"a PostgreSQL store is postgres://USER:PASSWORD@HOST:PORT/DATABASE"_s};
    }
    if ((values.contains(u"upstream"_s) || config.upstreams.isEmpty()) &&
        config.upstream != u"mock"_s) {
        if (!isHttpUrl(config.upstream))
            return ConfigError{sourceOf(values, u"upstream"_s),
                               u"must be mock or the base URL of an OpenAI-compatible API, "
                               "http(s)://HOST[:PORT]/v1"_s};
    }
    if (config.tlsCert.isEmpty() != config.tlsKey.isEmpty()) {
        const QString missing = config.tlsCert.isEmpty() ? u"tls-cert"_s : u"tls-key"_s;
        return ConfigError{u"--"_s + missing, u"--tls-cert and --tls-key are given together"_s};
    }
    for (const QString& name : {u"tls-cert"_s, u"tls-key"_s}) {
        const QString path = values.value(name).text;
        if (!path.isEmpty() && !QFileInfo(path).isReadable())
            return ConfigError{sourceOf(values, name), u"cannot read %1"_s.arg(path)};
    }
    if (!config.tlsEnabled() && !config.allowInsecureHttp &&
        !QHostAddress(config.listenHost).isLoopback())
        return ConfigError{
            sourceOf(values, u"listen"_s),
            u"%1 is not a loopback address: serving admin keys over plain HTTP there would expose "
            "them; give --tls-cert and --tls-key, or --allow-insecure-http"_s.arg(
                config.listenAddress())};
    return std::nullopt;
}

} // namespace

QString ServerConfig::listenAddress() const
{
    return listenHost.contains(u':') ? u"[%1]:%2"_s.arg(listenHost).arg(listenPort)
                                     : u"%1:%2"_s.arg(listenHost).arg(listenPort);
}

std::variant<ServerConfig, ConfigError> ServerConfigLoader::load(const QStringList& arguments,
                                                                 const Environment& environment)
{
    Values flags;
    if (auto error = parseFlags(arguments, &flags))
        return *error;
    Values merged;
    QList<UpstreamConfig> upstreams;
    QString configPath;
    QString configSource;
    if (flags.contains(u"config"_s)) {
        configPath = flags.value(u"config"_s).text;
        configSource = u"--config"_s;
    } else if (environment.contains(u"KEYDECK_CONFIG"_s)) {
        configPath = environment.value(u"KEYDECK_CONFIG"_s);
        configSource = u"KEYDECK_CONFIG"_s;
    }
    if (!configPath.isEmpty()) {
        if (auto error = readFile(configPath, configSource, environment, &merged, &upstreams))
            return *error;
    }
    for (const Option& option : options()) {
        const QString variable = option.environmentName();
        if (option.name != u"config"_s && environment.contains(variable))
            merged.insert(option.name, {environment.value(variable), variable});
    }
    for (auto it = flags.cbegin(); it != flags.cend(); ++it)
        merged.insert(it.key(), it.value());

    ServerConfig config;
    config.upstreams = upstreams;
    // Configured upstreams serve their models; nothing else is served unless --upstream says.
    if (!upstreams.isEmpty())
        config.upstream.clear();
    if (auto error = apply(merged, &config))
        return *error;
    if (auto error = check(merged, config))
        return *error;
    return config;
}

ServerConfigLoader::Environment ServerConfigLoader::processEnvironment()
{
    const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
    Environment environment;
    for (const QString& name : system.keys())
        environment.insert(name, system.value(name));
    return environment;
}

QString ServerConfigLoader::optionsHelp()
{
    QString text;
    for (const Option& option : options()) {
        const QString flag = option.valueName.isEmpty()
                                 ? u"--"_s + option.name
                                 : u"--%1 %2"_s.arg(option.name, option.valueName);
        text += u"  %1\n      %2 [%3]\n"_s.arg(flag, option.help, option.environmentName());
    }
    return text;
}
