#include "SqlChangeWatcher.h"

#include "SqlSchema.h"
#include "SqlSession.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

void SqlChangeWatcher::reset(const SqlSession& session)
{
    m_dataVersion = dataVersion(session);
    m_marks = read(session);
}

SqlChangeWatcher::Parts SqlChangeWatcher::poll(const SqlSession& session)
{
    const qint64 version = dataVersion(session);
    if (version == m_dataVersion && version >= 0)
        return {};
    m_dataVersion = version;
    return compare(session);
}

SqlChangeWatcher::Parts SqlChangeWatcher::afterWrite(const SqlSession& session)
{
    m_dataVersion = dataVersion(session);
    return compare(session);
}

SqlChangeWatcher::Parts SqlChangeWatcher::compare(const SqlSession& session)
{
    const Marks marks = read(session);
    Parts parts;
    parts.setFlag(Part::Keys, marks.keys != m_marks.keys);
    parts.setFlag(Part::Alerts, marks.alerts != m_marks.alerts);
    parts.setFlag(Part::Usage, marks.usage != m_marks.usage);
    m_marks = marks;
    return parts;
}

SqlChangeWatcher::Marks SqlChangeWatcher::read(const SqlSession& session)
{
    Marks marks;
    QSqlQuery query =
        session.run(u"SELECT key, CAST(value AS INTEGER) FROM meta WHERE key IN "
                    "('%1', '%2')"_s.arg(SqlSchema::KeysRevisionKey, SqlSchema::AlertsRevisionKey));
    while (query.next()) {
        if (query.value(0).toString() == SqlSchema::KeysRevisionKey)
            marks.keys = query.value(1).toLongLong();
        else
            marks.alerts = query.value(1).toLongLong();
    }
    query.finish();
    marks.usage = UsageReader(session).changeMark();
    return marks;
}

qint64 SqlChangeWatcher::dataVersion(const SqlSession& session)
{
    // PostgreSQL has no such number: every poll reads the marks, two small index reads.
    if (session.dialect() == SqlDialect::Postgres)
        return -1;
    QSqlQuery query = session.run(u"PRAGMA data_version"_s);
    return query.next() ? query.value(0).toLongLong() : 0;
}
