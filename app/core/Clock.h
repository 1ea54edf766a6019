#pragma once

#include <QtGlobal>

// Injectable time source: wall clock for records, monotonic clock for rate windows.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual qint64 nowUtcMs() const = 0;
    virtual qint64 monotonicMs() const = 0;
};
