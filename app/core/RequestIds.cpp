#include "RequestIds.h"

#include "Clock.h"

#include <QMutexLocker>

namespace {
constexpr char Hex[] = "0123456789abcdef";
constexpr int TimeDigits = 12;
constexpr int RandomDigits = 20;
} // namespace

RequestIds::RequestIds(const Clock& clock, quint64 seed)
    : m_clock(clock)
    , m_random(seed)
{}

QString RequestIds::next()
{
    quint64 high = 0;
    quint64 low = 0;
    {
        const QMutexLocker lock(&m_mutex);
        high = m_random.generate();
        low = m_random.generate();
    }
    const quint64 time = quint64(qMax<qint64>(0, m_clock.nowUtcMs()));
    QString id(4 + TimeDigits + RandomDigits, Qt::Uninitialized);
    QChar* out = id.data();
    for (const char c : {'r', 'e', 'q', '_'})
        *out++ = QLatin1Char(c);
    for (int shift = (TimeDigits - 1) * 4; shift >= 0; shift -= 4)
        *out++ = QLatin1Char(Hex[(time >> shift) & 0xF]);
    // 16 digits from one word, 4 from the other.
    for (int shift = 60; shift >= 0; shift -= 4)
        *out++ = QLatin1Char(Hex[(high >> shift) & 0xF]);
    for (int shift = 12; shift >= 0; shift -= 4)
        *out++ = QLatin1Char(Hex[(low >> shift) & 0xF]);
    return id;
}
