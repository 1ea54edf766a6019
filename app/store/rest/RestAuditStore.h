#pragma once

#include "AuditStore.h"

class RestClient;

// The server's audit log, read through GET /v1/admin/audit. The server writes it itself, for
// every admin request it answers: a client cannot add to it (recordAudit is Forbidden), so
// what it holds is what the server saw.
class RestAuditStore final : public AuditStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestAuditStore)

public:
    explicit RestAuditStore(RestClient& client, QObject* parent = nullptr);

    QFuture<AuditEntry> recordAudit(const AuditEntry& entry) override;
    QFuture<Page> auditEntries(const QString& cursor, int limit) override;

private:
    RestClient& m_client;
};
