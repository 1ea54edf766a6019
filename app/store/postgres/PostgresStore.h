#pragma once

#include "SqlStore.h"

// A store in a PostgreSQL database, which several keydeck-server instances behind a load
// balancer share: the same SQL as the local store (SqlStore), its own schema steps, and writers
// serialized by an advisory lock. location: postgres://USER:PASSWORD@HOST:PORT/DATABASE, with
// libpq options as query items (?sslmode=require).
class PostgresStore final : public SqlStore
{
    Q_DISABLE_COPY_MOVE(PostgresStore)

public:
    PostgresStore(QString url, const Clock& clock, QRandomGenerator& rng);

    // Whether location names a PostgreSQL database rather than a file.
    static bool isUrl(const QString& location);
};
