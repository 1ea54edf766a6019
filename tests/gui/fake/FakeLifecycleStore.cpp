#include "FakeLifecycleStore.h"

using namespace Qt::StringLiterals;

FakeLifecycleStore::FakeLifecycleStore(FakeBehaviour& behaviour, QObject* parent)
    : LifecycleStore(parent)
    , m_behaviour(behaviour)
{}

QFuture<CreatedKey> FakeLifecycleStore::rotateKey(const QString&)
{
    return m_behaviour.answer<CreatedKey>(
        this, []() -> CreatedKey { throw FakeBehaviour::unsupported(u"lifecycle"_s); });
}

QFuture<CreatedKey> FakeLifecycleStore::rotateKeyPending(const QString& id)
{
    return rotateKey(id);
}

QFuture<QList<AlertRule>> FakeLifecycleStore::alertRules()
{
    return m_behaviour.answer<QList<AlertRule>>(this, [] { return QList<AlertRule>(); });
}

QFuture<AlertRule> FakeLifecycleStore::saveAlertRule(const AlertRule&)
{
    return m_behaviour.answer<AlertRule>(
        this, []() -> AlertRule { throw FakeBehaviour::unsupported(u"lifecycle"_s); });
}

QFuture<void> FakeLifecycleStore::deleteAlertRule(qint64)
{
    return m_behaviour.answer<void>(this, [] { throw FakeBehaviour::unsupported(u"lifecycle"_s); });
}

QFuture<QList<Alert>> FakeLifecycleStore::alerts(bool)
{
    return m_behaviour.answer<QList<Alert>>(this, [] { return QList<Alert>(); });
}

QFuture<Alert> FakeLifecycleStore::acknowledgeAlert(qint64)
{
    return m_behaviour.answer<Alert>(
        this, []() -> Alert { throw FakeBehaviour::unsupported(u"lifecycle"_s); });
}

QFuture<QList<Alert>> FakeLifecycleStore::evaluateAlerts()
{
    return alerts(false);
}

QFuture<QList<KeyEvent>> FakeLifecycleStore::keyEvents(const QString&)
{
    return m_behaviour.answer<QList<KeyEvent>>(this, [] { return QList<KeyEvent>(); });
}
