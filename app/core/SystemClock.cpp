#include "SystemClock.h"

#include <QDateTime>

SystemClock::SystemClock()
{
    m_monotonic.start();
}

qint64 SystemClock::nowUtcMs() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

qint64 SystemClock::monotonicMs() const
{
    return m_monotonic.elapsed();
}
