#pragma once

#include "SqlStore.h"

#include <QThread>
#include <memory>

class PostgresChangeListener;

// A store in a PostgreSQL database, which several keydeck-server instances behind a load
// balancer share: the same SQL as the local store (SqlStore), its own schema steps, and writers
// serialized by an advisory lock. Another instance's change is heard as it commits
// (PostgresChangeListener), so keysChanged() and the rest follow within milliseconds, not at the
// next poll. location: postgres://USER:PASSWORD@HOST:PORT/DATABASE, with libpq options as query
// items (?sslmode=require).
class PostgresStore final : public SqlStore
{
    Q_DISABLE_COPY_MOVE(PostgresStore)

public:
    PostgresStore(QString url, const Clock& clock, QRandomGenerator& rng);
    ~PostgresStore() override;

    // Whether location names a PostgreSQL database rather than a file.
    static bool isUrl(const QString& location);

private:
    QThread m_listenerThread;
    PostgresChangeListener* m_listener = nullptr;
};
