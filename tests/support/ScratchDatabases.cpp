#include "ScratchDatabases.h"

#include <QCoreApplication>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>

using namespace Qt::StringLiterals;

ScratchDatabases::~ScratchDatabases()
{
    if (m_connection.isEmpty())
        return;
    {
        QSqlDatabase admin = QSqlDatabase::database(m_connection);
        for (const QString& name : std::as_const(m_databases))
            QSqlQuery(admin).exec(u"DROP DATABASE IF EXISTS %1 WITH (FORCE)"_s.arg(name));
        admin.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

bool ScratchDatabases::connect()
{
    if (!qEnvironmentVariableIsSet("PGHOST")) {
        m_error = u"PGHOST is not set (run the tests under pg_virtualenv, as ./dev.sh test does)"_s;
        return false;
    }
    if (m_connection.isEmpty()) {
        m_connection = u"keydeck-scratch-admin"_s;
        QSqlDatabase admin = QSqlDatabase::addDatabase(u"QPSQL"_s, m_connection);
        admin.setHostName(qEnvironmentVariable("PGHOST"));
        admin.setPort(qEnvironmentVariable("PGPORT", u"5432"_s).toInt());
        admin.setUserName(qEnvironmentVariable("PGUSER"));
        admin.setPassword(qEnvironmentVariable("PGPASSWORD"));
        admin.setDatabaseName(qEnvironmentVariable("PGDATABASE", u"postgres"_s));
    }
    QSqlDatabase admin = QSqlDatabase::database(m_connection);
    if (!admin.isOpen() && !admin.open()) {
        m_error = u"no PostgreSQL cluster: "_s + admin.lastError().text();
        return false;
    }
    return true;
}

QString ScratchDatabases::create(const QString& stem)
{
    if (!connect())
        return {};
    QSqlDatabase admin = QSqlDatabase::database(m_connection);
    const QString name = u"keydeck_%1_%2_%3"_s.arg(stem)
                             .arg(QCoreApplication::applicationPid())
                             .arg(m_databases.size() + 1);
    QSqlQuery create(admin);
    if (!create.exec(u"CREATE DATABASE %1"_s.arg(name))) {
        m_error = u"cannot create %1: %2"_s.arg(name, create.lastError().text());
        return {};
    }
    m_databases << name;
    QUrl url;
    url.setScheme(u"postgres"_s);
    url.setHost(admin.hostName());
    url.setPort(admin.port());
    url.setUserName(admin.userName());
    url.setPassword(admin.password());
    url.setPath(u"/"_s + name);
    return url.toString();
}

QSqlDatabase ScratchDatabases::admin() const
{
    return QSqlDatabase::database(m_connection);
}

QString ScratchDatabases::nameOf(const QString& url)
{
    return QUrl(url).path().mid(1);
}
