#include "PostgresChangeListener.h"

#include "SqlDatabase.h"
#include "SqlSchema.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTimer>
#include <atomic>

using namespace Qt::StringLiterals;

namespace {
constexpr int CheckIntervalMs = 5000;

QString nextConnectionName()
{
    static std::atomic_int listeners = 0;
    return u"keydeck-listen-%1"_s.arg(++listeners);
}
} // namespace

PostgresChangeListener::PostgresChangeListener(QString url, std::function<void()> changed)
    : m_url(std::move(url))
    , m_changed(std::move(changed))
    , m_connectionName(nextConnectionName())
{}

PostgresChangeListener::~PostgresChangeListener()
{
    if (!QSqlDatabase::contains(m_connectionName))
        return;
    QSqlDatabase::database(m_connectionName, false).close();
    QSqlDatabase::removeDatabase(m_connectionName);
}

void PostgresChangeListener::start()
{
    m_checkTimer = new QTimer(this);
    m_checkTimer->setInterval(CheckIntervalMs);
    connect(m_checkTimer, &QTimer::timeout, this, &PostgresChangeListener::check);
    m_checkTimer->start();
    listen();
}

void PostgresChangeListener::listen()
{
    QSqlDatabase db = QSqlDatabase::contains(m_connectionName)
                          ? QSqlDatabase::database(m_connectionName, false)
                          : QSqlDatabase::addDatabase(u"QPSQL"_s, m_connectionName);
    SqlDatabase::configurePostgres(db, m_url);
    if (!db.open())
        return;
    connect(db.driver(), &QSqlDriver::notification, this, &PostgresChangeListener::notified,
            Qt::UniqueConnection);
    if (!db.driver()->subscribeToNotification(SqlSchema::ChangesChannel)) {
        db.close();
        return;
    }
    m_listening = true;
    m_heard.clear();
    m_changed();
}

void PostgresChangeListener::check()
{
    if (m_listening) {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        QSqlQuery probe(db);
        if (probe.exec(u"SELECT 1"_s))
            return;
        m_listening = false;
        db.close();
    }
    listen();
}

void PostgresChangeListener::notified(const QString& name, QSqlDriver::NotificationSource,
                                      const QVariant& payload)
{
    if (name != SqlSchema::ChangesChannel)
        return;
    const QString text = payload.toString();
    const qsizetype colon = text.lastIndexOf(u':');
    bool ok = false;
    const qint64 value = colon > 0 ? text.mid(colon + 1).toLongLong(&ok) : 0;
    if (ok) {
        qint64& heard = m_heard[text.left(colon)];
        if (value <= heard)
            return;
        heard = value;
    }
    m_changed();
}
