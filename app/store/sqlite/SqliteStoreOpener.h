#pragma once

#include "StoreOpener.h"

class Clock;
class QRandomGenerator;

// Local stores: a location is a file path.
class SqliteStoreOpener final : public StoreOpener
{
    Q_DISABLE_COPY_MOVE(SqliteStoreOpener)

public:
    // defaultPath: SqliteStore::defaultPath() unless the environment says otherwise. clock and
    // rng must outlive every store made.
    SqliteStoreOpener(QString defaultPath, const Clock& clock, QRandomGenerator& rng);

    QString defaultLocation() const override { return m_defaultPath; }
    bool exists(const QString& location) const override;
    std::unique_ptr<StoreConnection> connect(const QString& location) override;

private:
    QString m_defaultPath;
    const Clock& m_clock;
    QRandomGenerator& m_rng;
};
