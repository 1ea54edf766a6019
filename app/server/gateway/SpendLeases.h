#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

class RequestLog;
class SpendStore;

// This running gateway's hold on its spend reservations: it names the instance (the holder
// every reservation it makes carries), renews its leases well before they lapse, sweeps the
// lapsed ones of any instance that died holding some, and gives its own back at shutdown. Lives
// on the store thread.
class SpendLeases final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SpendLeases)

public:
    // holder: unique among the instances sharing the store.
    SpendLeases(SpendStore& spend, RequestLog& log, QString holder, QObject* parent = nullptr);
    ~SpendLeases() override;

    const QString& holder() const { return m_holder; }
    // Releases every reservation this instance holds, waiting for the store; after the meter has
    // settled what it could.
    void releaseAndWait();

    // "gw-HOST-PID-RANDOM".
    static QString newHolder();

private:
    void renewAndSweep();

    SpendStore& m_spend;
    RequestLog& m_log;
    const QString m_holder;
    QTimer m_timer;
    bool m_released = false;
};
