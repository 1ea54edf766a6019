#include "PostgresStore.h"

#include "PostgresChangeListener.h"
#include "SqlDatabase.h"

using namespace Qt::StringLiterals;

PostgresStore::PostgresStore(QString url, const Clock& clock, QRandomGenerator& rng)
    : SqlStore(SqlDialect::Postgres, url, clock, rng)
{
    SqlDatabase& db = database();
    m_listener = new PostgresChangeListener(std::move(url), [&db] { db.pollSoon(); });
    m_listener->moveToThread(&m_listenerThread);
    m_listenerThread.setObjectName(u"keydeck-listen"_s);
    m_listenerThread.start();
    QMetaObject::invokeMethod(m_listener, &PostgresChangeListener::start, Qt::QueuedConnection);
}

// The listener's connection belongs to its thread: it is closed there, then the thread ends,
// before the database it pokes goes.
PostgresStore::~PostgresStore()
{
    QMetaObject::invokeMethod(
        m_listener, [listener = m_listener] { delete listener; }, Qt::BlockingQueuedConnection);
    m_listenerThread.quit();
    m_listenerThread.wait();
}

bool PostgresStore::isUrl(const QString& location)
{
    return location.startsWith(u"postgres://"_s) || location.startsWith(u"postgresql://"_s);
}
