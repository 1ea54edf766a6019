#pragma once

#include "AuditStore.h"
#include "FakeBehaviour.h"

// AuditStore with no entries; recording is refused as the store being unavailable (no page of
// the app writes the audit log).
class FakeAuditStore final : public AuditStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FakeAuditStore)

public:
    explicit FakeAuditStore(FakeBehaviour& behaviour, QObject* parent = nullptr);

    QFuture<AuditEntry> recordAudit(const AuditEntry& entry) override;
    QFuture<Page> auditEntries(const QString& cursor, int limit) override;

private:
    FakeBehaviour& m_behaviour;
};
