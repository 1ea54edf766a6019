#pragma once

#include <QMutex>
#include <QRandomGenerator>
#include <QString>

class Clock;

// Ids for the requests a server answers: "req_", the millisecond they were made (12 hex digits),
// 80 random bits (20 hex digits). Made in time order, they land at the end of every index that
// holds them instead of on a random page each, so writing a batch of usage events touches a few
// pages rather than one per event; the random part keeps ids of the same millisecond, and of
// other instances, apart.
class RequestIds final
{
    Q_DISABLE_COPY_MOVE(RequestIds)

public:
    RequestIds(const Clock& clock, quint64 seed);

    QString next();

private:
    const Clock& m_clock;
    QMutex m_mutex;
    QRandomGenerator64 m_random;
};
