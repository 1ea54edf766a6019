#include "PostgresContractStore.h"

#include "ManualClock.h"
#include "PostgresStore.h"
#include "StoreOutcome.h"

#include <QRandomGenerator>

using namespace Qt::StringLiterals;

QString PostgresContractStore::connect()
{
    return m_databases.connect() ? QString() : m_databases.error();
}

std::unique_ptr<StoreConnection> PostgresContractStore::open(ManualClock& clock)
{
    const QString url = m_databases.create(u"contract"_s);
    if (url.isEmpty()) {
        qWarning("%s", qPrintable(m_databases.error()));
        return nullptr;
    }
    auto store = std::make_unique<PostgresStore>(url, clock, *QRandomGenerator::system());
    const auto opened = outcomeOf(store->open());
    if (!opened.ok()) {
        qWarning("cannot open %s: %s", qPrintable(ScratchDatabases::nameOf(url)),
                 qPrintable(opened.describe()));
        return nullptr;
    }
    return store;
}
