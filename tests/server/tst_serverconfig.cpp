#include "ServerConfigLoader.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestServerConfig final : public QObject
{
    Q_OBJECT

private:
    QString writeFile(const QString& name, const QByteArray& text)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

    static ServerConfig loaded(const QStringList& arguments,
                               const ServerConfigLoader::Environment& environment = {})
    {
        const auto result = ServerConfigLoader::load(arguments, environment);
        if (const auto* error = std::get_if<ConfigError>(&result))
            qWarning("%s", qPrintable(error->toString()));
        return std::get<ServerConfig>(result);
    }

    static QString errorOf(const QStringList& arguments,
                           const ServerConfigLoader::Environment& environment = {})
    {
        const auto result = ServerConfigLoader::load(arguments, environment);
        const auto* error = std::get_if<ConfigError>(&result);
        return error ? error->toString() : QString();
    }

    QTemporaryDir m_dir;

private Q_SLOTS:
    void flagsWinOverTheEnvironmentWhichWinsOverTheFile()
    {
        const QString file = writeFile(u"server.toml"_s, "listen = \"127.0.0.1:7001\"\n"
                                                         "store = \"/from/file.sqlite\"\n"
                                                         "io_threads = 3\n"
                                                         "max_body_bytes = 4096\n");
        const ServerConfigLoader::Environment environment{
            {u"KEYDECK_STORE"_s, u"/from/env.sqlite"_s}, {u"KEYDECK_IO_THREADS"_s, u"5"_s}};
        const ServerConfig fromFile = loaded({u"--config"_s, file});
        QCOMPARE(fromFile.listenPort, quint16(7001));
        QCOMPARE(fromFile.store, u"/from/file.sqlite"_s);
        QCOMPARE(fromFile.ioThreads, 3);
        QCOMPARE(fromFile.maxBodyBytes, 4096);

        const ServerConfig withEnvironment = loaded({u"--config"_s, file}, environment);
        QCOMPARE(withEnvironment.store, u"/from/env.sqlite"_s);
        QCOMPARE(withEnvironment.ioThreads, 5);
        QCOMPARE(withEnvironment.listenPort, quint16(7001));

        const ServerConfig withFlags =
            loaded({u"--config"_s, file, u"--io-threads=7"_s, u"--store"_s, u"/flag.sqlite"_s},
                   environment);
        QCOMPARE(withFlags.store, u"/flag.sqlite"_s);
        QCOMPARE(withFlags.ioThreads, 7);
        QCOMPARE(withFlags.maxBodyBytes, 4096);

        // The file may also come from the environment.
        const ServerConfig fileFromEnvironment = loaded({}, {{u"KEYDECK_CONFIG"_s, file}});
        QCOMPARE(fileFromEnvironment.listenPort, quint16(7001));
    }

    void listenAddresses()
    {
        const ServerConfig v6 = loaded({u"--store"_s, u"s"_s, u"--listen"_s, u"[::1]:9000"_s});
        QCOMPARE(v6.listenHost, u"::1"_s);
        QCOMPARE(v6.listenAddress(), u"[::1]:9000"_s);
        QCOMPARE(loaded({u"--store"_s, u"s"_s, u"--listen"_s, u"localhost:0"_s}).listenHost,
                 u"127.0.0.1"_s);
        const ServerConfig open = loaded(
            {u"--store"_s, u"s"_s, u"--listen"_s, u"0.0.0.0:80"_s, u"--allow-insecure-http"_s});
        QVERIFY(open.allowInsecureHttp);
    }

    void badConfigNamesTheOption_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("environmentName");
        QTest::addColumn<QString>("environmentValue");
        QTest::addColumn<QString>("expected");
        const QStringList store{u"--store"_s, u"s.sqlite"_s};
        QTest::newRow("unknown flag") << QStringList{u"--listne"_s, u"x"_s} << QString()
                                      << QString() << u"--listne: unknown option"_s;
        QTest::newRow("missing value")
            << QStringList{u"--store"_s} << QString() << QString() << u"--store: needs a value"_s;
        QTest::newRow("twice") << (store + store) << QString() << QString()
                               << u"--store: given more than once"_s;
        QTest::newRow("no store") << QStringList() << QString() << QString()
                                  << u"--store: required"_s;
        QTest::newRow("port too large")
            << (store + QStringList{u"--listen"_s, u"127.0.0.1:65536"_s}) << QString() << QString()
            << u"--listen: port must be a number from 0 to 65535"_s;
        QTest::newRow("host name") << (store + QStringList{u"--listen"_s, u"example.com:80"_s})
                                   << QString() << QString() << u"is not an IP address"_s;
        QTest::newRow("bare IPv6") << (store + QStringList{u"--listen"_s, u"::1:80"_s}) << QString()
                                   << QString() << u"in brackets"_s;
        QTest::newRow("public without TLS")
            << (store + QStringList{u"--listen"_s, u"0.0.0.0:8080"_s}) << QString() << QString()
            << u"--listen: 0.0.0.0:8080 is not a loopback address"_s;
        QTest::newRow("public without TLS, from the environment")
            << store << u"KEYDECK_LISTEN"_s << u"192.168.1.5:80"_s
            << u"KEYDECK_LISTEN: 192.168.1.5:80 is not a loopback address"_s;
        QTest::newRow("cert without key")
            << (store + QStringList{u"--tls-cert"_s, u"/etc/hostname"_s}) << QString() << QString()
            << u"--tls-key: --tls-cert and --tls-key are given together"_s;
        QTest::newRow("unreadable cert")
            << (store + QStringList{u"--tls-cert"_s, u"/nonexistent.pem"_s, u"--tls-key"_s,
                                    u"/nonexistent.key"_s})
            << QString() << QString() << u"--tls-cert: cannot read /nonexistent.pem"_s;
        QTest::newRow("threads out of range")
            << (store + QStringList{u"--io-threads"_s, u"0"_s}) << QString() << QString()
            << u"--io-threads: must be a whole number"_s;
        QTest::newRow("threads not a number")
            << store << u"KEYDECK_IO_THREADS"_s << u"two"_s
            << u"KEYDECK_IO_THREADS: must be a whole number from 1 to 64"_s;
        QTest::newRow("flag with a value")
            << (store + QStringList{u"--allow-insecure-http=yes"_s}) << QString() << QString()
            << u"--allow-insecure-http: takes no value"_s;
        QTest::newRow("bad bool in the environment")
            << store << u"KEYDECK_ALLOW_INSECURE_HTTP"_s << u"yes"_s
            << u"KEYDECK_ALLOW_INSECURE_HTTP: must be true or false"_s;
        QTest::newRow("bad upstream")
            << (store + QStringList{u"--upstream"_s, u"ftp://x"_s}) << QString() << QString()
            << u"--upstream: must be mock or the base URL"_s;
        QTest::newRow("upstream with a query")
            << (store + QStringList{u"--upstream"_s, u"http://127.0.0.1:9000/v1?x=1"_s})
            << QString() << QString() << u"--upstream: must be mock or the base URL"_s;
        QTest::newRow("upstream key as a flag")
            << (store + QStringList{u"--upstream-api-key"_s, u"sk-upstream"_s}) << QString()
            << QString() << u"--upstream-api-key: not a flag"_s;
        QTest::newRow("upstream timeout of zero")
            << (store + QStringList{u"--upstream-timeout"_s, u"0"_s}) << QString() << QString()
            << u"--upstream-timeout: must be a whole number from 1 to 3600"_s;
        QTest::newRow("positional")
            << QStringList{u"serve"_s} << QString() << QString() << u"serve: unexpected argument"_s;
        QTest::newRow("missing config file")
            << QStringList{u"--config"_s, u"/nonexistent.toml"_s} << QString() << QString()
            << u"--config: no such file"_s;
        QTest::newRow("postgres without database")
            << QStringList{u"--store"_s, u"postgres://u:p@127.0.0.1:5432"_s} << QString()
            << QString() << u"--store: a PostgreSQL store is postgres://"_s;
        QTest::newRow("master key digest not hex")
            << store << u"KEYDECK_ADMIN_KEY_SHA256"_s << u"sk-AbCdEf"_s
            << u"KEYDECK_ADMIN_KEY_SHA256: must be the SHA-256 of the key"_s;
        QTest::newRow("master key digest upper case")
            << (store + QStringList{u"--admin-key-sha256"_s, QString(64, u'A')}) << QString()
            << QString() << u"--admin-key-sha256: must be the SHA-256"_s;
        QTest::newRow("postgres without host")
            << QStringList{u"--store"_s, u"postgres:///keydeck"_s} << QString() << QString()
            << u"--store: a PostgreSQL store is postgres://"_s;
    }

    void badConfigNamesTheOption()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, environmentName);
        QFETCH(QString, environmentValue);
        QFETCH(QString, expected);
        ServerConfigLoader::Environment environment;
        if (!environmentName.isEmpty())
            environment.insert(environmentName, environmentValue);
        const QString error = errorOf(arguments, environment);
        QVERIFY2(error.startsWith(expected) || error.contains(expected), qPrintable(error));
    }

    void badFileNamesTheFileAndKey_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown key")
            << QByteArray("lisen = \"127.0.0.1:1\"\n") << u"server.toml: lisen: unknown option"_s;
        QTest::newRow("wrong type") << QByteArray("io_threads = \"2\"\n")
                                    << u"server.toml: io_threads: must be an integer"_s;
        QTest::newRow("bool as string") << QByteArray("allow_insecure_http = \"true\"\n")
                                        << u"server.toml: allow_insecure_http: must be true"_s;
        QTest::newRow("syntax") << QByteArray("store = \"unterminated\n") << u"server.toml:1:"_s;
        QTest::newRow("config in config")
            << QByteArray("config = \"other.toml\"\n") << u"server.toml: config: unknown option"_s;
        const QByteArray upstream = "[[upstreams]]\nname = \"oa\"\n"
                                    "base_url = \"https://api.openai.com/v1\"\n";
        QTest::newRow("upstreams not tables")
            << QByteArray("upstreams = \"x\"\n") << u"server.toml: upstreams: must be an array"_s;
        QTest::newRow("upstream without models")
            << upstream << u"server.toml: upstreams[1].models: required"_s;
        QTest::newRow("upstream bad model") << upstream + "models = [\"gpt 4\"]\n"
                                            << u"server.toml: upstreams[1].models: each"_s;
        QTest::newRow("upstream bad kind") << upstream + "models = [\"a\"]\nkind = \"azure\"\n"
                                           << u"server.toml: upstreams[1].kind: must be openai"_s;
        QTest::newRow("upstream unknown key") << upstream + "models = [\"a\"]\nkey = \"x\"\n"
                                              << u"server.toml: upstreams[1].key: unknown key"_s;
        QTest::newRow("upstream bad url")
            << QByteArray(
                   "[[upstreams]]\nname = \"oa\"\nbase_url = \"ftp://x\"\nmodels = [\"a\"]\n")
            << u"server.toml: upstreams[1].base_url: required"_s;
        QTest::newRow("upstream bad name") << QByteArray("[[upstreams]]\nname = \"Open AI\"\n")
                                           << u"server.toml: upstreams[1].name: required"_s;
        QTest::newRow("upstream twice")
            << upstream + "models = [\"a\"]\n" + upstream + "models = [\"b\"]\n"
            << u"server.toml: upstreams[2].name: \"oa\" names another upstream too"_s;
        QTest::newRow("upstream key both ways")
            << upstream + "models = [\"a\"]\napi_key = \"k\"\napi_key_env = \"K\"\n"
            << u"server.toml: upstreams[1]: api_key or api_key_env, not both"_s;
        QTest::newRow("upstream key variable unset")
            << upstream + "models = [\"a\"]\napi_key_env = \"KEYDECK_TEST_UNSET_KEY\"\n"
            << u"server.toml: upstreams[1].api_key_env: KEYDECK_TEST_UNSET_KEY is not set"_s;
    }

    void upstreamsComeFromTheFile()
    {
        const QString path =
            writeFile(u"upstreams.toml"_s,
                      "[[upstreams]]\nname = \"openai\"\nbase_url = \"https://api.openai.com/v1\"\n"
                      "models = [\"gpt-4o\", \"o3-*\"]\napi_key_env = \"OPENAI_API_KEY\"\n\n"
                      "[[upstreams]]\nname = \"anthropic\"\nkind = \"anthropic\"\n"
                      "base_url = \"https://api.anthropic.com/v1\"\nmodels = [\"claude-*\"]\n");
        const ServerConfig config = loaded({u"--config"_s, path, u"--store"_s, u"s"_s},
                                           {{u"OPENAI_API_KEY"_s, u"sk-from-env"_s}});
        QCOMPARE(config.upstreams.size(), 2);
        const UpstreamConfig& openai = config.upstreams[0];
        QCOMPARE(openai.kind, UpstreamConfig::Kind::OpenAi);
        QCOMPARE(openai.apiKey, QByteArray("sk-from-env"));
        QVERIFY(openai.serves(u"gpt-4o"_s) && openai.serves(u"o3-mini"_s));
        QVERIFY(!openai.serves(u"gpt-4o-mini"_s));
        QCOMPARE(openai.exactModels(), QStringList{u"gpt-4o"_s});
        QCOMPARE(config.upstreams[1].kind, UpstreamConfig::Kind::Anthropic);
        QVERIFY(config.upstreams[1].apiKey.isEmpty());
        // Configured upstreams alone: no mock serving whatever else is asked.
        QVERIFY(config.upstream.isEmpty());
        const ServerConfig withDefault =
            loaded({u"--config"_s, path, u"--store"_s, u"s"_s, u"--upstream"_s, u"mock"_s},
                   {{u"OPENAI_API_KEY"_s, u"sk-from-env"_s}});
        QCOMPARE(withDefault.upstream, u"mock"_s);
        QCOMPARE(errorOf({u"--store"_s, u"s"_s, u"--upstream"_s, QString()}),
                 u"--upstream: must be mock or the base URL of an OpenAI-compatible API, "
                 "http(s)://HOST[:PORT]/v1"_s);
    }

    void badFileNamesTheFileAndKey()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        const QString path = writeFile(u"server.toml"_s, text);
        const QString error = errorOf({u"--config"_s, path, u"--store"_s, u"s"_s});
        QVERIFY2(error.contains(expected), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestServerConfig)
#include "tst_serverconfig.moc"
