#include "UsageImportJournal.h"

#include "Clock.h"
#include "SqlSession.h"
#include "StoreError.h"

#include <QCoreApplication>
#include <QDir>
#include <QSqlQuery>
#include <QSysInfo>
#include <cerrno>
#include <csignal>

using namespace Qt::StringLiterals;

namespace {
// An import refreshes its heartbeat every chunk (a second or so): one silent this long is dead.
constexpr qint64 AbandonedImportMs = 10 * 60 * 1000;
} // namespace

UsageImportJournal::UsageImportJournal(const SqlSession& session, const Clock& clock)
    : m_session(session)
    , m_clock(clock)
{}

qint64 UsageImportJournal::begin() const
{
    removeAbandoned();
    // One at a time: a second import would take the first's request ids, still hidden, for
    // duplicates, and lose them if the first then failed.
    QSqlQuery running = m_session.run(u"SELECT host, pid FROM usage_imports LIMIT 1"_s);
    if (running.next()) {
        throw StoreError(StoreError::Code::Unavailable,
                         u"Another usage import into this store is running (process %1 on %2); "
                         "try again when it is done."_s.arg(running.value(1).toString(),
                                                            running.value(0).toString()));
    }
    running.finish();
    QSqlQuery start = m_session.prepare(
        u"INSERT INTO usage_imports (heartbeat_at, host, pid) VALUES (?, ?, ?)"_s);
    start.addBindValue(m_clock.nowUtcMs());
    start.addBindValue(QSysInfo::machineHostName());
    start.addBindValue(QCoreApplication::applicationPid());
    m_session.run(start);
    return start.lastInsertId().toLongLong();
}

void UsageImportJournal::heartbeat(qint64 importId, const QString& path) const
{
    QSqlQuery heartbeat =
        m_session.prepare(u"UPDATE usage_imports SET heartbeat_at = ? WHERE id = ?"_s);
    heartbeat.addBindValue(m_clock.nowUtcMs());
    heartbeat.addBindValue(importId);
    m_session.run(heartbeat);
    // Taken for abandoned by another computer sharing the file: stop, or later chunks would show
    // without their roll-ups.
    if (heartbeat.numRowsAffected() != 1) {
        throw StoreError(StoreError::Code::Unavailable,
                         u"The import of %1 was taken for abandoned by another computer; nothing "
                         "was imported."_s.arg(QDir::toNativeSeparators(path)));
    }
}

void UsageImportJournal::requireRunning(qint64 importId, const QString& path) const
{
    QSqlQuery query = m_session.prepare(u"SELECT 1 FROM usage_imports WHERE id = ?"_s);
    query.addBindValue(importId);
    m_session.run(query);
    if (!query.next()) {
        throw StoreError(StoreError::Code::Unavailable,
                         u"The import of %1 was taken for abandoned and removed; nothing was "
                         "imported."_s.arg(QDir::toNativeSeparators(path)));
    }
}

void UsageImportJournal::finish(qint64 importId) const
{
    QSqlQuery done = m_session.prepare(u"DELETE FROM usage_imports WHERE id = ?"_s);
    done.addBindValue(importId);
    m_session.run(done);
}

void UsageImportJournal::discard(qint64 importId) const
{
    for (const QString& sql : {u"DELETE FROM usage_events WHERE import_id = ?"_s,
                               u"DELETE FROM usage_imports WHERE id = ?"_s}) {
        QSqlQuery query(m_session.database());
        if (query.prepare(sql)) {
            query.addBindValue(importId);
            query.exec();
        }
    }
}

void UsageImportJournal::removeAbandoned() const
{
    QSqlQuery imports = m_session.run(u"SELECT id, heartbeat_at, host, pid FROM usage_imports"_s);
    const QString host = QSysInfo::machineHostName();
    QList<qint64> ids;
    while (imports.next()) {
        // On its own computer an import is judged by its process alone: a killed one is seen at
        // once, and a live one is never taken for dead however long it was quiet (a suspended
        // laptop). Elsewhere only its heartbeat tells.
        const bool here = imports.value(2).toString() == host;
        const bool alive =
            here && (::kill(pid_t(imports.value(3).toLongLong()), 0) == 0 || errno != ESRCH);
        const bool quiet = imports.value(1).toLongLong() < m_clock.nowUtcMs() - AbandonedImportMs;
        if (here ? !alive : quiet)
            ids << imports.value(0).toLongLong();
    }
    imports.finish();
    for (const qint64 id : std::as_const(ids)) {
        for (const QString& sql : {u"DELETE FROM usage_events WHERE import_id = ?"_s,
                                   u"DELETE FROM usage_imports WHERE id = ?"_s}) {
            QSqlQuery query = m_session.prepare(sql);
            query.addBindValue(id);
            m_session.run(query);
        }
    }
}
