#include "SqliteChangeWatcher.h"

#include "SqliteSchema.h"
#include "SqliteSession.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

void SqliteChangeWatcher::reset(const SqliteSession& session)
{
    m_dataVersion = dataVersion(session);
    m_marks = read(session);
}

SqliteChangeWatcher::Parts SqliteChangeWatcher::poll(const SqliteSession& session)
{
    const qint64 version = dataVersion(session);
    if (version == m_dataVersion)
        return {};
    m_dataVersion = version;
    return compare(session);
}

SqliteChangeWatcher::Parts SqliteChangeWatcher::afterWrite(const SqliteSession& session)
{
    m_dataVersion = dataVersion(session);
    return compare(session);
}

SqliteChangeWatcher::Parts SqliteChangeWatcher::compare(const SqliteSession& session)
{
    const Marks marks = read(session);
    Parts parts;
    parts.setFlag(Part::Keys, marks.keys != m_marks.keys);
    parts.setFlag(Part::Alerts, marks.alerts != m_marks.alerts);
    parts.setFlag(Part::Usage, marks.usage != m_marks.usage);
    m_marks = marks;
    return parts;
}

SqliteChangeWatcher::Marks SqliteChangeWatcher::read(const SqliteSession& session)
{
    Marks marks;
    QSqlQuery query = session.run(
        u"SELECT key, CAST(value AS INTEGER) FROM meta WHERE key IN "
        "('%1', '%2')"_s.arg(SqliteSchema::KeysRevisionKey, SqliteSchema::AlertsRevisionKey));
    while (query.next()) {
        if (query.value(0).toString() == SqliteSchema::KeysRevisionKey)
            marks.keys = query.value(1).toLongLong();
        else
            marks.alerts = query.value(1).toLongLong();
    }
    query.finish();
    marks.usage = UsageReader(session).changeMark();
    return marks;
}

qint64 SqliteChangeWatcher::dataVersion(const SqliteSession& session)
{
    QSqlQuery query = session.run(u"PRAGMA data_version"_s);
    return query.next() ? query.value(0).toLongLong() : 0;
}
