#pragma once

#include "StoreConnection.h"

#include <QCoreApplication>
#include <QString>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

class ManualClock;

// The contract suites' factory for the SQLite store: a fresh, opened store at path.
namespace SqliteContractStore {
// nullptr (with a warning saying why) when the store does not open.
std::unique_ptr<StoreConnection> open(const QString& path, ManualClock& clock);

// What each suite's main() does: runs Suite with a fresh store file per test function, in a
// temporary directory.
template <typename Suite> int runSuite(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    if (!dir.isValid()) {
        qCritical("no temporary directory: %s", qPrintable(dir.errorString()));
        return 1;
    }
    int stores = 0;
    Suite suite([&](ManualClock& clock) {
        return open(dir.filePath(QStringLiteral("store-%1.sqlite").arg(++stores)), clock);
    });
    return QTest::qExec(&suite, argc, argv);
}
} // namespace SqliteContractStore
