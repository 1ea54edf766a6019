#include "AuthThrottle.h"

#include <algorithm>

AuthThrottle::AuthThrottle(std::function<qint64()> monotonicMs)
    : m_now(std::move(monotonicMs))
{}

qint64 AuthThrottle::delayFor(const QString& address)
{
    const QMutexLocker locker(&m_mutex);
    const auto it = m_entries.constFind(address);
    if (it == m_entries.cend() || m_now() - it->lastMs > ForgetAfterMs ||
        it->failures < FreeFailures)
        return 0;
    const int doublings = std::min(it->failures - FreeFailures, 16);
    return std::min(MaxDelayMs, BaseDelayMs << doublings);
}

void AuthThrottle::failed(const QString& address)
{
    const QMutexLocker locker(&m_mutex);
    const qint64 now = m_now();
    if (m_entries.size() >= MaxAddresses && !m_entries.contains(address))
        forgetStale(now);
    Entry& entry = m_entries[address];
    if (now - entry.lastMs > ForgetAfterMs)
        entry.failures = 0;
    ++entry.failures;
    entry.lastMs = now;
}

void AuthThrottle::succeeded(const QString& address)
{
    const QMutexLocker locker(&m_mutex);
    m_entries.remove(address);
}

void AuthThrottle::forgetStale(qint64 now)
{
    m_entries.removeIf(
        [now](const auto& entry) { return now - entry.value().lastMs > ForgetAfterMs; });
    // Still full (a flood from many addresses): drop the oldest half rather than grow.
    if (m_entries.size() >= MaxAddresses) {
        QList<qint64> times;
        times.reserve(m_entries.size());
        for (const Entry& entry : std::as_const(m_entries))
            times.append(entry.lastMs);
        std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
        const qint64 median = times.at(times.size() / 2);
        m_entries.removeIf([median](const auto& entry) { return entry.value().lastMs <= median; });
    }
}
