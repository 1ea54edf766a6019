#include "GatewayServer.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

bool GatewayServer::start(const QString& store, const QStringList& extraArguments)
{
    const ServerProcess::Run init = ServerProcess::run({u"init-admin"_s, u"--store"_s, store});
    if (init.exitCode != 0) {
        m_error = QString::fromUtf8(init.err);
        return false;
    }
    m_adminKey = QString::fromLatin1(init.out.trimmed());
    m_store = store;
    return serve(extraArguments);
}

bool GatewayServer::startBeside(const GatewayServer& first, const QStringList& extraArguments)
{
    m_adminKey = first.m_adminKey;
    m_store = first.m_store;
    return serve(extraArguments);
}

bool GatewayServer::serve(const QStringList& extraArguments)
{
    if (!m_process.start(QStringList{u"--store"_s, m_store, u"--upstream"_s, u"mock"_s} +
                         extraArguments)) {
        m_error = QString::fromUtf8(m_process.log());
        return false;
    }
    return true;
}

QStringList GatewayServer::adminHeader() const
{
    return {u"Authorization: Bearer "_s + m_adminKey};
}

QString GatewayServer::createKey(QJsonObject spec, QString* id)
{
    if (!spec.contains(u"tier"_s))
        spec[u"tier"_s] = u"enterprise"_s;
    const CurlReply created = curl("POST", baseUrl() + u"/v1/admin/keys"_s, adminHeader(),
                                   QJsonDocument(spec).toJson(QJsonDocument::Compact));
    if (created.status != 201) {
        qWarning("cannot create a key: %s", created.body.constData());
        return {};
    }
    if (id)
        *id = created.json().value(u"id"_s).toString();
    return created.json().value(u"secret"_s).toString();
}

bool GatewayServer::adminPost(const QString& path)
{
    return curl("POST", baseUrl() + path, adminHeader()).status == 200;
}
