#pragma once

#include "StoreConnection.h"

#include <QCoreApplication>
#include <QTest>
#include <memory>

class ManualClock;

// The contract suites' factory for the REST store: for each test function a fresh SQLite
// store served by a keydeck-server instance (the program's own ServerInstance, on a loopback
// port, keeping the suite's clock) and a RestStore talking to it over HTTP with a master
// admin key - kept outside the store, so the store starts as empty as the suites expect.
class RestContractStore final
{
public:
    // nullptr (with a warning saying why) when the server or the store does not start.
    static std::unique_ptr<StoreConnection> open(ManualClock& clock);

    template <typename Suite> static int runSuite(int argc, char* argv[])
    {
        QCoreApplication app(argc, argv);
        Suite suite([](ManualClock& clock) { return open(clock); });
        return QTest::qExec(&suite, argc, argv);
    }
};
