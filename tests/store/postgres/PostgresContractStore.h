#pragma once

#include "ScratchDatabases.h"
#include "StoreConnection.h"

#include <QCoreApplication>
#include <QString>
#include <QTest>
#include <memory>

class ManualClock;

// The contract suites' factory for the PostgreSQL store: a fresh database per store on the
// cluster the PG* variables name (pg_virtualenv sets them; ./dev.sh test runs the tests inside
// one), dropped when the suite ends.
class PostgresContractStore final
{
    Q_DISABLE_COPY_MOVE(PostgresContractStore)

public:
    PostgresContractStore() = default;

    // Empty when the PG* variables name a cluster it can reach; otherwise why not.
    QString connect();
    // nullptr (with a warning saying why) when the store does not open.
    std::unique_ptr<StoreConnection> open(ManualClock& clock);

    // What each suite's main() does: runs Suite with a fresh database per test function.
    template <typename Suite> static int runSuite(int argc, char* argv[])
    {
        QCoreApplication app(argc, argv);
        PostgresContractStore stores;
        const QString problem = stores.connect();
        if (!problem.isEmpty()) {
            qCritical("no PostgreSQL cluster for the contract suite: %s", qPrintable(problem));
            return 1;
        }
        Suite suite([&](ManualClock& clock) { return stores.open(clock); });
        return QTest::qExec(&suite, argc, argv);
    }

private:
    ScratchDatabases m_databases;
};
