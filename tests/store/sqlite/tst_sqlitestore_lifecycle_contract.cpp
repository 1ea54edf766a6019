#include "LifecycleStoreContract.h"
#include "SqliteContractStore.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    if (!dir.isValid()) {
        qCritical("no temporary directory: %s", qPrintable(dir.errorString()));
        return 1;
    }
    int stores = 0;
    LifecycleStoreContract contract([&](ManualClock& clock) {
        return SqliteContractStore::open(
            dir.filePath(u"lifecycle-contract-%1.sqlite"_s.arg(++stores)), clock);
    });
    return QTest::qExec(&contract, argc, argv);
}
