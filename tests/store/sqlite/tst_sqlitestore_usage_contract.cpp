#include "SqliteContractStore.h"
#include "UsageStoreContract.h"

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
    UsageStoreContract contract([&](ManualClock& clock) {
        return SqliteContractStore::open(dir.filePath(u"usage-contract-%1.sqlite"_s.arg(++stores)),
                                         clock);
    });
    return QTest::qExec(&contract, argc, argv);
}
