#include "SqliteStore.h"
#include "StoreOutcome.h"
#include "UsageStoreContract.h"

#include <QCoreApplication>
#include <QRandomGenerator>
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
    UsageStoreContract contract([&](ManualClock& clock) -> UsageStoreContract::Stores {
        const QString path = dir.filePath(u"usage-contract-%1.sqlite"_s.arg(++stores));
        auto store = std::make_unique<SqliteStore>(path, clock, *QRandomGenerator::system());
        const auto opened = outcomeOf(store->open());
        if (!opened.ok()) {
            qWarning("cannot open %s: %s", qPrintable(path), qPrintable(opened.describe()));
            return {};
        }
        UsageStore* usage = store.get();
        return {std::move(store), usage};
    });
    return QTest::qExec(&contract, argc, argv);
}
