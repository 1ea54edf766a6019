#pragma once

#include "AuditStore.h"

class SqlDatabase;

// AuditStore on the local file: the audit_log table, appended only. It has no link to the
// keys table, so deleting a key keeps the rows that name it.
class SqlAuditStore final : public AuditStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SqlAuditStore)

public:
    // database must outlive the store.
    explicit SqlAuditStore(SqlDatabase& database, QObject* parent = nullptr);

    QFuture<AuditEntry> recordAudit(const AuditEntry& entry) override;
    QFuture<Page> auditEntries(const QString& cursor, int limit) override;

private:
    SqlDatabase& m_database;
};
