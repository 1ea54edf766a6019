#pragma once

#include "ApiKeyRecord.h"

#include <QByteArray>
#include <QHash>
#include <QReadWriteLock>
#include <memory>

// The keys the gateway has met, by the SHA-256 of their secret, so authorising a request reads
// memory, not the store. Any change to any key empties it (KeyStore::keysChanged): the next
// request reads the key again. Thread-safe.
class KeyCache final
{
    Q_DISABLE_COPY_MOVE(KeyCache)

public:
    explicit KeyCache(qsizetype capacity = 100'000);

    // Shared, not copied: a request reads its key without allocating.
    std::shared_ptr<const ApiKeyRecord> find(const QByteArray& digestHex) const;
    // Read before asking the store: a put() with an older generation is dropped, so a lookup
    // that raced a change never brings the old record back.
    quint64 generation() const;
    void put(const QByteArray& digestHex, const ApiKeyRecord& record, quint64 generationSeen);
    void invalidate();
    qsizetype size() const;

private:
    const qsizetype m_capacity;
    mutable QReadWriteLock m_lock;
    QHash<QByteArray, std::shared_ptr<const ApiKeyRecord>> m_keys;
    quint64 m_generation = 0;
};
