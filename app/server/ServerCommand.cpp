#include "ServerCommand.h"

#include "ApiKeyFormat.h"
#include "Clock.h"
#include "KeyStore.h"
#include "MockUpstreamServer.h"
#include "RequestLog.h"
#include "ServerInstance.h"
#include "StoreConnection.h"
#include "StoreError.h"
#include "StoreOpener.h"
#include "UnixSignalWatcher.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QJsonObject>
#include <stdexcept>

using namespace Qt::StringLiterals;

namespace {

constexpr int ExitFailure = 1;
constexpr int ExitUsage = 2;

QString describe(const std::exception& error)
{
    if (const auto* storeError = dynamic_cast<const StoreError*>(&error))
        return storeError->fullText();
    return QString::fromUtf8(error.what());
}

} // namespace

ServerCommand::ServerCommand(QStringList arguments, ServerConfigLoader::Environment environment,
                             StoreOpener& stores, const Clock& clock, QRandomGenerator& random,
                             QTextStream& out, QTextStream& err, QObject* parent)
    : QObject(parent)
    , m_arguments(std::move(arguments))
    , m_environment(std::move(environment))
    , m_stores(stores)
    , m_clock(clock)
    , m_random(random)
    , m_out(out)
    , m_err(err)
{}

ServerCommand::~ServerCommand() = default;

QString ServerCommand::helpText() const
{
    return u"Usage:\n"
           "  keydeck-server [OPTIONS]              serve the admin API\n"
           "  keydeck-server init-admin [--label NAME] --store PATH\n"
           "                                        create an admin key and print it once\n"
           "  keydeck-server master-key             make a master admin key, kept outside the\n"
           "                                        store: prints it once, and its SHA-256 for\n"
           "                                        --admin-key-sha256\n"
           "  keydeck-server mock-upstream [--listen HOST:PORT] [--delay-ms N]\n"
           "                                        a deterministic OpenAI- and Anthropic-\n"
           "                                        compatible upstream (default 127.0.0.1:9000;\n"
           "                                        with KEYDECK_MOCK_API_KEY set, requests must\n"
           "                                        carry that key)\n"
           "Upstreams by model: [[upstreams]] tables in the --config file (see the README).\n"
           "  keydeck-server --version | --help\n\n"
           "Options (flags win over KEYDECK_* variables, which win over the --config file):\n"_s +
           ServerConfigLoader::optionsHelp();
}

void ServerCommand::start()
{
    if (m_arguments.value(0) == u"--help"_s || m_arguments.value(0) == u"-h"_s) {
        m_out << helpText();
        m_out.flush();
        Q_EMIT finished(0);
        return;
    }
    if (m_arguments.value(0) == u"--version"_s) {
        m_out << "keydeck-server " << QCoreApplication::applicationVersion() << '\n';
        m_out.flush();
        Q_EMIT finished(0);
        return;
    }
    if (m_arguments.value(0) == u"master-key"_s) {
        if (m_arguments.size() > 1)
            return fail(ExitUsage, u"master-key: takes no options"_s);
        return makeMasterKey();
    }
    if (m_arguments.value(0) == u"mock-upstream"_s)
        return serveMock(m_arguments.mid(1));
    QStringList options = m_arguments;
    const bool init = options.value(0) == u"init-admin"_s;
    QString label = u"admin"_s;
    if (init) {
        options.removeFirst();
        const qsizetype at = options.indexOf(u"--label"_s);
        if (at >= 0) {
            if (at + 1 >= options.size())
                return fail(ExitUsage, u"--label: needs a value (NAME)"_s);
            label = options.at(at + 1);
            options.remove(at, 2);
        }
    } else if (!options.isEmpty() && !options.first().startsWith(u"--"_s)) {
        return fail(ExitUsage, u"%1: unknown command (see --help)"_s.arg(options.first()));
    }
    auto loaded = ServerConfigLoader::load(options, m_environment);
    if (const auto* error = std::get_if<ConfigError>(&loaded))
        return fail(ExitUsage, error->toString());
    m_config = std::get<ServerConfig>(loaded);
    m_log = std::make_unique<RequestLog>(stderr, m_clock);
    openStore(init ? std::function<void()>([this, label] { initAdmin(label); })
                   : std::function<void()>([this] { serve(); }));
}

void ServerCommand::openStore(std::function<void()> then)
{
    m_store = m_stores.connect(m_config.store);
    m_store->open()
        .then(this, [then] { then(); })
        .onFailed(this, [this](const std::exception& error) {
            // The location, not the option: a URL's password stays out of the message.
            fail(ExitFailure,
                 u"--store: cannot open %1: %2"_s.arg(m_store->keys().location(), describe(error)));
        });
}

void ServerCommand::initAdmin(const QString& label)
{
    KeySpec spec;
    spec.label = label;
    spec.environment = u"ops"_s;
    spec.permissions = Permission::Admin;
    m_store->keys()
        .createKey(spec)
        .then(this,
              [this](const CreatedKey& created) {
                  m_err << "Admin key \"" << created.record.spec.label << "\" ("
                        << created.record.id << ") created in " << m_store->keys().location()
                        << ". It is printed below once and kept nowhere: save it now.\n";
                  m_err.flush();
                  m_out << created.secret << '\n';
                  m_out.flush();
                  Q_EMIT finished(0);
              })
        .onFailed(this, [this](const std::exception& error) {
            fail(ExitFailure, u"cannot create the admin key: %1"_s.arg(describe(error)));
        });
}

void ServerCommand::makeMasterKey()
{
    const QString key = ApiKeyFormat::generate(ApiKeyFormat::defaultPrefix(), m_random);
    m_err << "A master admin key, printed below once and kept nowhere: save it now (in a "
             "keychain or a secret manager).\nServe with --admin-key-sha256 "
          << ApiKeyFormat::digestHex(key)
          << " (or KEYDECK_ADMIN_KEY_SHA256, or admin_key_sha256 in the config file).\n";
    m_err.flush();
    m_out << key << '\n';
    m_out.flush();
    Q_EMIT finished(0);
}

void ServerCommand::serve()
{
    const QString location = m_store->keys().location();
    m_instance = std::make_unique<ServerInstance>(std::move(m_store), m_clock, *m_log, m_config);
    try {
        m_instance->listen();
    } catch (const std::runtime_error& error) {
        m_instance.reset();
        return fail(ExitFailure, QString::fromUtf8(error.what()));
    }
    m_signals = new UnixSignalWatcher(this);
    connect(m_signals, &UnixSignalWatcher::terminated, this, &ServerCommand::stopServing);
    ServerConfig shown = m_config;
    shown.listenPort = m_instance->port();
    m_log->info(u"listening"_s, {{u"address"_s, shown.listenAddress()},
                                 {u"port"_s, int(shown.listenPort)},
                                 {u"tls"_s, m_config.tlsEnabled()},
                                 {u"store"_s, location},
                                 {u"master_key"_s, !m_config.adminKeySha256.isEmpty()},
                                 {u"io_threads"_s, m_config.ioThreads},
                                 {u"version"_s, QCoreApplication::applicationVersion()}});
}

void ServerCommand::serveMock(const QStringList& options)
{
    QString host = u"127.0.0.1"_s;
    quint16 port = 9000;
    qint64 delayMs = 0;
    for (qsizetype i = 0; i < options.size(); i += 2) {
        const QString& option = options.at(i);
        if (option != u"--listen"_s && option != u"--delay-ms"_s)
            return fail(ExitUsage,
                        u"mock-upstream: %1: unknown option (--listen, --delay-ms)"_s.arg(option));
        if (i + 1 >= options.size())
            return fail(ExitUsage, u"mock-upstream: %1: needs a value"_s.arg(option));
        const QString& value = options.at(i + 1);
        bool ok = false;
        if (option == u"--delay-ms"_s) {
            delayMs = value.toLongLong(&ok);
            if (!ok || delayMs < 0 || delayMs > 600'000)
                return fail(
                    ExitUsage,
                    u"mock-upstream: --delay-ms: must be a whole number from 0 to 600000"_s);
            continue;
        }
        const qsizetype colon = value.lastIndexOf(u':');
        const uint number = value.mid(colon + 1).toUInt(&ok);
        host = value.left(colon);
        if (host == u"localhost"_s)
            host = u"127.0.0.1"_s;
        if (colon <= 0 || !ok || number > 65535 || QHostAddress(host).isNull())
            return fail(ExitUsage,
                        u"mock-upstream: --listen: expected IP:PORT, e.g. 127.0.0.1:9000"_s);
        port = quint16(number);
    }
    m_log = std::make_unique<RequestLog>(stderr, m_clock);
    // A key it requires, from the environment (a flag would show in the process list).
    m_mock = std::make_unique<MockUpstreamServer>(
        delayMs, 2, m_environment.value(u"KEYDECK_MOCK_API_KEY"_s).toUtf8());
    try {
        m_mock->listen(host, port);
    } catch (const std::runtime_error& error) {
        m_mock.reset();
        return fail(ExitFailure, QString::fromUtf8(error.what()));
    }
    m_signals = new UnixSignalWatcher(this);
    connect(m_signals, &UnixSignalWatcher::terminated, this, [this] {
        m_mock->stop();
        Q_EMIT finished(0);
    });
    m_log->info(u"listening"_s, {{u"address"_s, m_mock->baseUrl().toString()},
                                 {u"port"_s, int(m_mock->port())},
                                 {u"mock_upstream"_s, true},
                                 {u"delay_ms"_s, delayMs}});
}

void ServerCommand::stopServing(int signal)
{
    m_log->info(u"stopping"_s, {{u"signal"_s, signal}});
    m_instance->stop();
    Q_EMIT finished(0);
}

void ServerCommand::fail(int exitCode, const QString& message)
{
    m_err << "keydeck-server: " << message << '\n';
    m_err.flush();
    Q_EMIT finished(exitCode);
}
