#pragma once

#include "RestStore.h"

#include <QProcess>
#include <memory>

// keydeck-server (KEYDECK_SERVER_PATH) on a store file, on a loopback port, and a RestStore
// opened on it with a master key made for the run: the same data over REST, to measure
// against the file in the same run.
class BenchServer final
{
    Q_DISABLE_COPY_MOVE(BenchServer)

public:
    explicit BenchServer(const QString& storePath);
    ~BenchServer();

    StoreConnection& store() { return *m_store; }
    // For a client of its own: where it listens, and the master key.
    const QString& baseUrl() const { return m_baseUrl; }
    const QString& adminKey() const { return m_adminKey; }

private:
    QProcess m_process;
    QString m_baseUrl;
    QString m_adminKey;
    std::unique_ptr<RestStore> m_store;
};
