#include "PostgresContractStore.h"

#include "ManualClock.h"
#include "PostgresStore.h"
#include "StoreOutcome.h"

#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace {

QString env(const QString& name, const QString& fallback = {})
{
    return QProcessEnvironment::systemEnvironment().value(name, fallback);
}

} // namespace

PostgresContractStore::~PostgresContractStore()
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

QString PostgresContractStore::connect()
{
    if (env(u"PGHOST"_s).isEmpty())
        return u"PGHOST is not set (run the tests under pg_virtualenv, as ./dev.sh test does)"_s;
    m_connection = u"keydeck-contract-admin"_s;
    QSqlDatabase admin = QSqlDatabase::addDatabase(u"QPSQL"_s, m_connection);
    admin.setHostName(env(u"PGHOST"_s));
    admin.setPort(env(u"PGPORT"_s, u"5432"_s).toInt());
    admin.setUserName(env(u"PGUSER"_s));
    admin.setPassword(env(u"PGPASSWORD"_s));
    admin.setDatabaseName(env(u"PGDATABASE"_s, u"postgres"_s));
    if (!admin.open())
        return admin.lastError().text();
    return {};
}

std::unique_ptr<StoreConnection> PostgresContractStore::open(ManualClock& clock)
{
    const QString name = u"keydeck_contract_%1_%2"_s.arg(QCoreApplication::applicationPid())
                             .arg(m_databases.size() + 1);
    QSqlQuery create(QSqlDatabase::database(m_connection));
    if (!create.exec(u"CREATE DATABASE %1"_s.arg(name))) {
        qWarning("cannot create %s: %s", qPrintable(name), qPrintable(create.lastError().text()));
        return nullptr;
    }
    m_databases << name;
    QUrl url;
    url.setScheme(u"postgres"_s);
    url.setHost(env(u"PGHOST"_s));
    url.setPort(env(u"PGPORT"_s, u"5432"_s).toInt());
    url.setUserName(env(u"PGUSER"_s));
    url.setPassword(env(u"PGPASSWORD"_s));
    url.setPath(u"/"_s + name);
    auto store = std::make_unique<PostgresStore>(url.toString(), clock, *QRandomGenerator::system());
    const auto opened = outcomeOf(store->open());
    if (!opened.ok()) {
        qWarning("cannot open %s: %s", qPrintable(name), qPrintable(opened.describe()));
        return nullptr;
    }
    return store;
}
