#pragma once

#include "ServerProcess.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

// keydeck-server as the gateway tests run it: a fresh store with an admin key (init-admin),
// served with its in-process mock upstream, and keys made through the admin API.
class GatewayServer final
{
    Q_DISABLE_COPY_MOVE(GatewayServer)

public:
    GatewayServer() = default;

    // false, and why in error(), when the store or the server does not start.
    bool start(const QString& store, const QStringList& extraArguments = {});
    // Another instance on the store first serves, with the same admin key.
    bool startBeside(const GatewayServer& first, const QStringList& extraArguments = {});
    const QString& error() const { return m_error; }

    ServerProcess& process() { return m_process; }
    QString baseUrl() const { return m_process.baseUrl(); }
    const QString& adminKey() const { return m_adminKey; }
    QStringList adminHeader() const;

    // A key's secret, its id in *id; empty (with a warning) when it could not be made.
    // Enterprise unless the spec names a tier, so no test meets a rate limit it is not about.
    QString createKey(QJsonObject spec, QString* id = nullptr);
    // An admin action such as "/v1/admin/keys/ID/revoke": whether it answered 200.
    bool adminPost(const QString& path);

private:
    bool serve(const QStringList& extraArguments);

    ServerProcess m_process;
    QString m_store;
    QString m_adminKey;
    QString m_error;
};
