#include "SqliteContractStore.h"

#include "KeyStore.h"
#include "LifecycleStore.h"
#include "ManualClock.h"
#include "SqliteStore.h"
#include "StoreOutcome.h"
#include "UsageStore.h"

#include <QRandomGenerator>

std::unique_ptr<StoreConnection> SqliteContractStore::open(const QString& path, ManualClock& clock)
{
    auto store = std::make_unique<SqliteStore>(path, clock, *QRandomGenerator::system());
    const auto opened = outcomeOf(store->open());
    if (!opened.ok()) {
        qWarning("cannot open %s: %s", qPrintable(path), qPrintable(opened.describe()));
        return nullptr;
    }
    return store;
}
