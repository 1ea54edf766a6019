#pragma once

#include "UsageReader.h"

#include <QFlags>

class SqlSession;

// Tells which parts of a store changed since it last looked: keys (with their history and the
// workspace settings), usage, alerts. Worker thread only. In a SQLite file PRAGMA data_version
// changes only when another connection commits, so the timer's poll is one cheap statement when
// nothing happened; what changed is then read from counters the writers' transactions bumped
// (SqlSchema) and the usage change mark - which a PostgreSQL store reads at every poll.
class SqlChangeWatcher final
{
public:
    enum class Part
    {
        Keys = 0x1,
        Usage = 0x2,
        Alerts = 0x4,
    };
    Q_DECLARE_FLAGS(Parts, Part)

    // Takes the file's state as seen; later calls report changes from here.
    void reset(const SqlSession& session);
    // What changed since the last call, by another connection (nothing when data_version says
    // no other connection committed).
    Parts poll(const SqlSession& session);
    // What changed since the last call, this connection's own writes included: called after a
    // write, it reports what the write changed and what others did meanwhile.
    Parts afterWrite(const SqlSession& session);

    // Where each part of the file stands now, whoever wrote it.
    struct Marks
    {
        qint64 keys = 0;
        qint64 alerts = 0;
        UsageReader::ChangeMark usage;
        friend bool operator==(const Marks&, const Marks&) = default;
    };
    static Marks read(const SqlSession& session);

private:
    static qint64 dataVersion(const SqlSession& session);
    Parts compare(const SqlSession& session);

    qint64 m_dataVersion = 0;
    Marks m_marks;
};

Q_DECLARE_OPERATORS_FOR_FLAGS(SqlChangeWatcher::Parts)
