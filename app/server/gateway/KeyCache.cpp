#include "KeyCache.h"

KeyCache::KeyCache(qsizetype capacity)
    : m_capacity(capacity)
{}

std::shared_ptr<const ApiKeyRecord> KeyCache::find(const QByteArray& digestHex) const
{
    const QReadLocker lock(&m_lock);
    return m_keys.value(digestHex);
}

quint64 KeyCache::generation() const
{
    const QReadLocker lock(&m_lock);
    return m_generation;
}

void KeyCache::put(const QByteArray& digestHex, const ApiKeyRecord& record, quint64 generationSeen)
{
    const QWriteLocker lock(&m_lock);
    if (generationSeen != m_generation)
        return;
    // Full (someone trying many different valid-looking keys that exist): start over rather
    // than grow.
    if (m_keys.size() >= m_capacity)
        m_keys.clear();
    m_keys.insert(digestHex, std::make_shared<const ApiKeyRecord>(record));
}

void KeyCache::invalidate()
{
    const QWriteLocker lock(&m_lock);
    ++m_generation;
    m_keys.clear();
}

qsizetype KeyCache::size() const
{
    const QReadLocker lock(&m_lock);
    return m_keys.size();
}
