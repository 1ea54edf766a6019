#pragma once

#include "ApiKeyRecord.h"
#include "LeakScan.h"

#include <QHash>
#include <QJsonObject>
#include <optional>

// What keydeckctl scan prints: each leaked key once, with every place it was seen, whether it
// still works, and what to do. Keys are named by label, id and hint; a find that is no key of
// this store by its hint only.
class LeakReport final
{
public:
    // keys: the store's key for each digest found that it has.
    LeakReport(LeakScan::Result scan, QHash<QByteArray, ApiKeyRecord> keys, qint64 nowUtcMs);

    // The digests found, in the order first seen.
    static QList<QByteArray> digestsOf(const LeakScan::Result& scan);
    // A key not revoked still authenticates once enabled or given a new expiry: it counts.
    bool anyStillWorks() const;
    QString text() const;
    QJsonObject json() const;

private:
    struct Leak
    {
        QByteArray digestHex;
        QString hint;
        std::optional<ApiKeyRecord> key;
        QList<LeakScan::Sighting> sightings;
    };
    static QString where(const LeakScan::Sighting& sighting);

    LeakScan::Result m_scan;
    QList<Leak> m_leaks;
    qint64 m_now = 0;
};
