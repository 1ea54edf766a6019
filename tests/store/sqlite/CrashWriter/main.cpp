#include "ApiKeyFormat.h"
#include "KeyStore.h"
#include "LifecycleStore.h"
#include "SqliteStore.h"
#include "StoreError.h"
#include "SystemClock.h"
#include "UsageStore.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <cstdio>

using namespace Qt::StringLiterals;

// For tst_sqlitestore_crash: creates keys in the store at argv[1] until it is killed. Each id
// is printed, and flushed, only after its createKey future succeeded: the list of acknowledged
// writes the test then expects to find.
int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() != 2) {
        std::fputs("usage: keydeck_crash_writer STORE_PATH\n", stderr);
        return 2;
    }
    SystemClock clock;
    QRandomGenerator& rng = *QRandomGenerator::system();
    SqliteStore store(args.at(1), clock, rng);
    try {
        store.open().waitForFinished();
        const QString run = ApiKeyFormat::randomBase62(8, rng);
        for (qint64 n = 0;; ++n) {
            KeySpec spec;
            spec.label = u"crash-%1-%2"_s.arg(run).arg(n);
            spec.models = QStringList{u"gpt-4o"_s, u"text-embedding-3-small"_s};
            const CreatedKey key = store.keys().createKey(spec).result();
            std::printf("%s\n", qPrintable(key.record.id));
            std::fflush(stdout);
        }
    } catch (const StoreError& error) {
        std::fprintf(stderr, "%s\n", error.what());
        return 1;
    }
}
