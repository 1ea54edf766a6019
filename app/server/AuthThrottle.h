#pragma once

#include <QHash>
#include <QMutex>
#include <QString>
#include <functional>

// Slows down guessing: after a few failed authentications from one address, each further
// answer to that address (failed or not yet known) waits longer, doubling up to a ceiling;
// a quiet period forgets the address. Thread-safe. The clock is monotonic milliseconds,
// injected so tests need not wait.
class AuthThrottle final
{
    Q_DISABLE_COPY_MOVE(AuthThrottle)

public:
    static constexpr int FreeFailures = 5;
    static constexpr qint64 BaseDelayMs = 250;
    static constexpr qint64 MaxDelayMs = 8'000;
    static constexpr qint64 ForgetAfterMs = 10 * 60'000;
    // Addresses remembered at most; the stalest go first.
    static constexpr int MaxAddresses = 100'000;

    explicit AuthThrottle(std::function<qint64()> monotonicMs);

    // How long to hold the answer to a request from address (0: none).
    qint64 delayFor(const QString& address);
    void failed(const QString& address);
    void succeeded(const QString& address);

private:
    struct Entry
    {
        int failures = 0;
        qint64 lastMs = 0;
    };
    void forgetStale(qint64 now);

    std::function<qint64()> m_now;
    QMutex m_mutex;
    QHash<QString, Entry> m_entries;
};
