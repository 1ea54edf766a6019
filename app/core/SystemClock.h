#pragma once

#include "Clock.h"

#include <QElapsedTimer>

class SystemClock final : public Clock
{
public:
    SystemClock();
    qint64 nowUtcMs() const override;
    qint64 monotonicMs() const override;

private:
    QElapsedTimer m_monotonic;
};
