#pragma once

#include "FakeAuditStore.h"
#include "FakeBehaviour.h"
#include "FakeKeyStore.h"
#include "FakeLifecycleStore.h"
#include "FakeUsageStore.h"
#include "StoreConnection.h"

// A test double of the store API for GUI tests: answers as slowly, and fails as, a test says
// (behaviour()), so load errors, action failures and slow answers can be seen and tested.
class FakeStore final : public StoreConnection
{
    Q_DISABLE_COPY_MOVE(FakeStore)

public:
    FakeStore()
        : m_keys(m_behaviour)
        , m_usage(m_behaviour)
        , m_lifecycle(m_behaviour)
        , m_audit(m_behaviour)
    {}

    FakeBehaviour& behaviour() { return m_behaviour; }
    FakeKeyStore& fakeKeys() { return m_keys; }

    QFuture<void> open() override
    {
        return m_behaviour.answer<void>(&m_keys, [] {});
    }
    KeyStore& keys() override { return m_keys; }
    UsageStore& usage() override { return m_usage; }
    LifecycleStore& lifecycle() override { return m_lifecycle; }
    AuditStore& audit() override { return m_audit; }

private:
    FakeBehaviour m_behaviour;
    FakeKeyStore m_keys;
    FakeUsageStore m_usage;
    FakeLifecycleStore m_lifecycle;
    FakeAuditStore m_audit;
};
