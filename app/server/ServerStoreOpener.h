#pragma once

#include "StoreOpener.h"

class Clock;
class QRandomGenerator;

// keydeck-server's stores: a postgres:// URL opens a PostgreSQL database, anything else goes
// to the file opener (a SQLite file).
class ServerStoreOpener final : public StoreOpener
{
    Q_DISABLE_COPY_MOVE(ServerStoreOpener)

public:
    ServerStoreOpener(StoreOpener& files, const Clock& clock, QRandomGenerator& rng);

    QString defaultLocation() const override;
    bool exists(const QString& location) const override;
    std::unique_ptr<StoreConnection> connect(const QString& location) override;

private:
    StoreOpener& m_files;
    const Clock& m_clock;
    QRandomGenerator& m_rng;
};
