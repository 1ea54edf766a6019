#pragma once

#include "Clock.h"

#include <atomic>

// A clock that only moves when told to: deterministic tests and replayed scenarios.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(qint64 nowUtcMs = 0)
        : m_now(nowUtcMs)
    {}
    qint64 nowUtcMs() const override { return m_now.load(); }
    qint64 monotonicMs() const override { return m_mono.load(); }
    void setNowUtcMs(qint64 ms) { m_now.store(ms); }
    void advanceMs(qint64 ms)
    {
        m_now.fetch_add(ms);
        m_mono.fetch_add(ms);
    }

private:
    std::atomic<qint64> m_now;
    std::atomic<qint64> m_mono{0};
};
