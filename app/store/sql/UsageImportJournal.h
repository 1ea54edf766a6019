#pragma once

#include <QString>

class Clock;
class SqlSession;

// The usage_imports table: the imports running on a store file. An import stores its events in
// short transactions, hidden while its row exists; publishing deletes the row. A row whose
// process died (seen at once on the same computer, by its heartbeat elsewhere) is removed with
// its events by the next open or import. Worker thread only.
class UsageImportJournal final
{
public:
    // Keeps references to both: temporaries would dangle.
    UsageImportJournal(const SqlSession&& session, const Clock& clock) = delete;
    UsageImportJournal(const SqlSession& session, const Clock& clock);

    // Registers a new import, refusing (StoreError::Unavailable) while another one runs; inside
    // the caller's transaction. Returns its id.
    qint64 begin() const;
    // Refreshes the heartbeat; StoreError::Unavailable naming path when another computer took
    // the import for abandoned and removed it.
    void heartbeat(qint64 importId, const QString& path) const;
    // Inside the publishing transaction: StoreError::Unavailable when the import was removed.
    void requireRunning(qint64 importId, const QString& path) const;
    // Makes the import's events visible: one row to delete.
    void finish(qint64 importId) const;
    // Removes an import that did not publish, best effort (its heartbeat ends it otherwise).
    void discard(qint64 importId) const;
    // Removes the imports (and their events) whose process is gone; inside a transaction.
    void removeAbandoned() const;

private:
    const SqlSession& m_session;
    const Clock& m_clock;
};
