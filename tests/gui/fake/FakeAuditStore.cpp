#include "FakeAuditStore.h"

using namespace Qt::StringLiterals;

FakeAuditStore::FakeAuditStore(FakeBehaviour& behaviour, QObject* parent)
    : AuditStore(parent)
    , m_behaviour(behaviour)
{}

QFuture<AuditEntry> FakeAuditStore::recordAudit(const AuditEntry&)
{
    return m_behaviour.answer<AuditEntry>(
        this, []() -> AuditEntry { throw FakeBehaviour::unsupported(u"audit"_s); });
}

QFuture<AuditStore::Page> FakeAuditStore::auditEntries(const QString&, int)
{
    return m_behaviour.answer<Page>(this, [] { return Page(); });
}
