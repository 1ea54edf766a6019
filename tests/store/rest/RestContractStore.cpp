#include "RestContractStore.h"

#include "ApiKeyFormat.h"
#include "ManualClock.h"
#include "RequestLog.h"
#include "RestStore.h"
#include "ServerInstance.h"
#include "SqliteStore.h"
#include "StoreOutcome.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

// The RestStore the suite sees, with the server and store behind it, torn down client first.
class ServedRestStore final : public StoreConnection
{
public:
    ServedRestStore(std::unique_ptr<QTemporaryDir> dir, std::FILE* logFile,
                    std::unique_ptr<RequestLog> log, std::unique_ptr<ServerInstance> server,
                    std::unique_ptr<RestStore> client, QString masterKey)
        : m_dir(std::move(dir))
        , m_logFile(logFile)
        , m_log(std::move(log))
        , m_server(std::move(server))
        , m_client(std::move(client))
        , m_masterKey(std::move(masterKey))
    {}

    ~ServedRestStore() override
    {
        m_client.reset();
        m_server.reset();
        m_log.reset();
        std::fclose(m_logFile);
        // The server logs every request; the key that made them is never in it.
        QFile log(m_dir->filePath(u"server.log"_s));
        if (log.open(QIODevice::ReadOnly) && log.readAll().contains(m_masterKey.toLatin1()))
            qFatal("the server's log holds the admin key");
    }

    QFuture<void> open() override { return m_client->open(); }
    KeyStore& keys() override { return m_client->keys(); }
    UsageStore& usage() override { return m_client->usage(); }
    LifecycleStore& lifecycle() override { return m_client->lifecycle(); }
    AuditStore& audit() override { return m_client->audit(); }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::FILE* m_logFile;
    std::unique_ptr<RequestLog> m_log;
    std::unique_ptr<ServerInstance> m_server;
    std::unique_ptr<RestStore> m_client;
    QString m_masterKey;
};

} // namespace

std::unique_ptr<StoreConnection> RestContractStore::open(ManualClock& clock)
{
    auto dir = std::make_unique<QTemporaryDir>();
    auto store = std::make_unique<SqliteStore>(dir->filePath(u"served.sqlite"_s), clock,
                                               *QRandomGenerator::system());
    const auto opened = outcomeOf(store->open());
    if (!opened.ok()) {
        qWarning("cannot open the served store: %s", qPrintable(opened.describe()));
        return nullptr;
    }
    std::FILE* logFile = std::fopen(qPrintable(dir->filePath(u"server.log"_s)), "w");
    if (!logFile) {
        qWarning("cannot write the server log");
        return nullptr;
    }
    auto log = std::make_unique<RequestLog>(logFile, clock);
    const QString masterKey =
        ApiKeyFormat::generate(ApiKeyFormat::defaultPrefix(), *QRandomGenerator::system());
    ServerConfig config;
    config.listenPort = 0;
    config.adminKeySha256 = ApiKeyFormat::digestHex(masterKey);
    auto server = std::make_unique<ServerInstance>(std::move(store), clock, *log, config);
    try {
        server->listen();
    } catch (const std::runtime_error& error) {
        qWarning("the server does not start: %s", error.what());
        std::fclose(logFile);
        return nullptr;
    }
    RestSettings settings;
    settings.serverUrl = QUrl(u"http://127.0.0.1:%1"_s.arg(server->port()));
    settings.adminKey = masterKey;
    auto client = std::make_unique<RestStore>(settings);
    const auto connected = outcomeOf(client->open());
    if (!connected.ok()) {
        qWarning("the REST store does not open: %s", qPrintable(connected.describe()));
        std::fclose(logFile);
        return nullptr;
    }
    if (!client->isLive()) {
        qWarning("the REST store opened without its events stream");
        std::fclose(logFile);
        return nullptr;
    }
    return std::make_unique<ServedRestStore>(std::move(dir), logFile, std::move(log),
                                             std::move(server), std::move(client), masterKey);
}
