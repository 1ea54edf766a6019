// The API Keys page at 100,000 keys against a plain Qt baseline in the same run:
//   (a) construct the page -> first rows painted;
//   (b) apply a search filter, and sort by label: until the rows show, and the longest
//       GUI-thread stall meanwhile (the page orders large tables on a worker);
// and the longest GUI-thread stall (10 ms heartbeat) while the page loads.
// Baseline: the same store read, then a QStandardItemModel with the same display strings in a
// QTableView behind a plain QSortFilterProxyModel (all columns, case-insensitive).

#include "ApiKeysPage.h"
#include "BenchAwait.h"
#include "BenchServer.h"
#include "ClipboardGuard.h"
#include "KeyEnums.h"
#include "KeyFilterProxyModel.h"
#include "KeyStore.h"
#include "KeyTableModel.h"
#include "LifecycleStore.h"
#include "SecretVault.h"
#include "SqliteStore.h"
#include "SystemClock.h"
#include "UsageCodec.h"
#include "UsageSource.h"
#include "UsageStore.h"
#include "UsdAmount.h"

#include <QApplication>
#include <QClipboard>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <cstdio>
#include <functional>

using namespace Qt::StringLiterals;

namespace {
constexpr int BatchSize = 2000;

// Counts the longest gap between ticks of a 10 ms timer: how long the GUI thread was busy.
class Heartbeat final
{
public:
    Heartbeat()
    {
        m_timer.setInterval(10);
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer,
                         [this] { m_maxGapMs = qMax(m_maxGapMs, m_sinceTick.restart()); });
    }
    void start()
    {
        m_maxGapMs = 0;
        m_sinceTick.start();
        m_timer.start();
    }
    qint64 stop()
    {
        m_timer.stop();
        return qMax(m_maxGapMs, m_sinceTick.elapsed());
    }

private:
    QTimer m_timer;
    QElapsedTimer m_sinceTick;
    qint64 m_maxGapMs = 0;
};

// Runs the event loop until done() holds, then once more so the view paints.
void spinUntil(const std::function<bool()>& done)
{
    while (!done())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    QCoreApplication::processEvents();
}

void fill(SqliteStore& store, int count)
{
    static const QStringList environments{u"prod"_s, u"staging"_s, u"dev"_s, u"ci"_s};
    QList<QFuture<CreatedKey>> batch;
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < count; ++i) {
        KeySpec spec;
        spec.label = u"svc-%1-%2"_s.arg(i, 6, 10, QLatin1Char('0')).arg(environments.at(i % 4));
        spec.environment = environments.at(i % 4);
        spec.type = i % 7 == 0 ? KeyType::Subscription : KeyType::Standard;
        if (i % 3 == 0)
            spec.quotaLimitMicros = qint64(5 + i % 50) * UsdAmount::MicrosPerUsd;
        if (i % 5 == 0)
            spec.models = {u"gpt-4o-mini"_s, u"text-embedding-3-small"_s};
        batch << store.keys().createKey(spec);
        if (batch.size() == BatchSize || i + 1 == count) {
            for (const QFuture<CreatedKey>& created : std::as_const(batch))
                awaitInEventLoop(created);
            batch.clear();
            std::fprintf(stderr, "\rcreating keys: %d/%d", i + 1, count);
        }
    }
    std::fprintf(stderr, "\rcreated %d keys in %.1f s\n", count, double(timer.elapsed()) / 1000.0);
}

QStringList displayRow(const ApiKeyRecord& record, qint64 now)
{
    const auto time = [](std::optional<qint64> ms) {
        return ms ? KeyTableModel::formatLocalTime(*ms) : u"Never"_s;
    };
    const std::optional<qint64> remaining = record.quotaRemainingMicros();
    return {record.spec.label,
            record.hint,
            record.spec.environment,
            record.spec.type == KeyType::Subscription ? u"Subscription"_s : u"Standard"_s,
            KeyTableModel::statusText(record.effectiveStatus(now)),
            KeyEnums::permissionNames(record.spec.permissions).join(u", "),
            KeyTableModel::formatLocalTime(record.createdAtMs),
            time(record.lastUsedAtMs),
            time(record.spec.expiresAtMs),
            UsdAmount::display(record.quotaUsedMicros),
            remaining ? UsdAmount::display(*remaining) : u"Unlimited"_s};
}

// How long a change took until its rows showed, and the longest GUI-thread stall meanwhile.
struct Change
{
    qint64 doneMs = 0;
    qint64 stallMs = 0;
};

struct Figures
{
    qint64 openMs = 0;
    // Until every key is in the table (the same as openMs when they come at once).
    qint64 allMs = 0;
    qint64 stallMs = 0;
    QList<Change> searches;
    QList<int> searchRows;
    Change sort;
};

Change measureChange(const std::function<void()>& change, const std::function<bool()>& done)
{
    Heartbeat heartbeat;
    QElapsedTimer timer;
    heartbeat.start();
    timer.start();
    change();
    spinUntil(done);
    return {timer.elapsed(), heartbeat.stop()};
}

const QStringList Searches{u"svc-004217"_s, u"staging"_s, u"4o-mini"_s};

Figures measurePage(StoreConnection& store, SecretVault& vault, const Clock& clock)
{
    Figures figures;
    ClipboardGuard clipboard(QApplication::clipboard());
    Heartbeat heartbeat;
    QElapsedTimer timer;
    heartbeat.start();
    timer.start();
    ApiKeysPage page(store.keys(), store.usage(), store.lifecycle(), vault, clock, clipboard);
    page.resize(1400, 900);
    page.show();
    auto* view = page.findChild<QTableView*>(u"keysTable"_s);
    spinUntil([view] { return view->isVisible() && view->model()->rowCount() > 0; });
    figures.openMs = timer.elapsed();
    // The first rows show while the rest of the keys are still coming; searches and sorts are
    // measured on all of them.
    auto* count = page.findChild<QLabel*>(u"countLabel"_s);
    spinUntil([count] { return !count->text().contains(u"loading"_s); });
    figures.allMs = timer.elapsed();
    figures.stallMs = heartbeat.stop();

    // The setter the search field calls once typing pauses.
    auto* proxy = qobject_cast<KeyFilterProxyModel*>(view->model());
    const auto settled = [proxy] {
        return !proxy->isPending();
    };
    for (const QString& search : Searches) {
        figures.searches << measureChange([&] { proxy->setSearchText(search); }, settled);
        figures.searchRows << proxy->rowCount();
        measureChange([&] { proxy->setSearchText(QString()); }, settled);
    }
    figures.sort = measureChange(
        [&] { view->sortByColumn(KeyTableModel::Label, Qt::AscendingOrder); }, settled);
    return figures;
}

Figures measureBaseline(SqliteStore& store, const Clock& clock)
{
    Figures figures;
    Heartbeat heartbeat;
    QElapsedTimer timer;
    heartbeat.start();
    timer.start();
    QTableView view;
    QStandardItemModel model(0, KeyTableModel::ColumnCount);
    QSortFilterProxyModel proxy;
    const QList<ApiKeyRecord> records = awaitInEventLoop(store.keys().listKeys());
    const qint64 now = clock.nowUtcMs();
    for (const ApiKeyRecord& record : records) {
        QList<QStandardItem*> items;
        for (const QString& text : displayRow(record, now))
            items << new QStandardItem(text);
        model.appendRow(items);
    }
    proxy.setSourceModel(&model);
    proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy.setFilterKeyColumn(-1);
    view.setModel(&proxy);
    view.setSortingEnabled(true);
    view.sortByColumn(KeyTableModel::Created, Qt::DescendingOrder);
    view.resize(1400, 900);
    view.show();
    spinUntil([&view] { return view.isVisible() && view.model()->rowCount() > 0; });
    figures.openMs = timer.elapsed();
    figures.allMs = figures.openMs;
    figures.stallMs = heartbeat.stop();

    for (const QString& search : Searches) {
        figures.searches << measureChange([&] { proxy.setFilterFixedString(search); },
                                          [] { return true; });
        figures.searchRows << proxy.rowCount();
        measureChange([&] { proxy.setFilterFixedString(QString()); }, [] { return true; });
    }
    figures.sort = measureChange(
        [&] { view.sortByColumn(KeyTableModel::Label, Qt::AscendingOrder); }, [] { return true; });
    return figures;
}

// One JSON Lines file of usage for the keys labelled as fill() labels them.
QString writeUsage(const QString& path, int events, int keys, qint64 nowMs)
{
    static const QStringList environments{u"prod"_s, u"staging"_s, u"dev"_s, u"ci"_s};
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    for (int i = 0; i < events; ++i) {
        const int key = (i * 7919) % keys;
        UsageEvent event;
        event.timeMs = nowMs - qint64(i % 3600) * 1000;
        event.key = u"svc-%1-%2"_s.arg(key, 6, 10, QLatin1Char('0')).arg(environments.at(key % 4));
        event.model = i % 3 ? u"gpt-4o-mini"_s : u"gpt-4o"_s;
        event.endpoint = u"/v1/chat/completions"_s;
        event.promptTokens = 100 + i % 900;
        event.completionTokens = 20 + i % 300;
        event.costMicros = 10 + i % 5000;
        event.latencyMs = 200 + i % 800;
        event.requestId = u"bench-%1-%2"_s.arg(nowMs).arg(i);
        file.write(UsageCodec::toJsonLine(event, event.key));
    }
    return path;
}

// The longest GUI-thread stall while another process imports usage into the store the page
// shows, and for two seconds after its import published (when the page hears of it).
qint64 measureDuringImport(QWidget& shown, const QString& storePath, const QString& usagePath)
{
    Heartbeat heartbeat;
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    heartbeat.start();
    child.start(QCoreApplication::applicationFilePath(),
                {u"--import-child"_s, usagePath, u"--store"_s, storePath});
    spinUntil([&child] { return child.state() == QProcess::NotRunning; });
    QElapsedTimer after;
    after.start();
    spinUntil([&after] { return after.elapsed() > 2000; });
    const qint64 stall = heartbeat.stop();
    if (child.exitCode() != 0)
        std::fprintf(stderr, "the importing process failed (exit %d)\n", child.exitCode());
    shown.update();
    return stall;
}

qint64 median(QList<qint64> values)
{
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

double ratio(qint64 ours, qint64 baseline)
{
    return double(qMax<qint64>(ours, 1)) / double(qMax<qint64>(baseline, 1));
}

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption keysOption(u"keys"_s, u"Keys to create (default 100000)."_s, u"N"_s,
                                        u"100000"_s);
    const QCommandLineOption storeOption(
        u"store"_s, u"Reuse this store (created and filled when missing)."_s, u"PATH"_s);
    const QCommandLineOption runsOption(u"runs"_s, u"Runs of each side (default 3)."_s, u"N"_s,
                                        u"3"_s);
    const QCommandLineOption eventsOption(
        u"import-events"_s,
        u"Events another process imports while the page shows (default 200000; 0: none)."_s, u"N"_s,
        u"200000"_s);
    const QCommandLineOption childOption(u"import-child"_s, u"(internal) Import FILE and exit."_s,
                                         u"FILE"_s);
    const QCommandLineOption serverOption(
        u"server"_s, u"Also open the page on a keydeck-server serving the same store (REST)."_s);
    parser.addOptions(
        {keysOption, storeOption, runsOption, eventsOption, childOption, serverOption});
    parser.process(app);
    if (parser.isSet(childOption)) {
        const SystemClock clock;
        SqliteStore other(parser.value(storeOption), clock, *QRandomGenerator::system());
        awaitInEventLoop(other.open());
        const UsageImportReport report = awaitInEventLoop(
            other.usage().importUsage(UsageSource::file(parser.value(childOption)), {}));
        return report.committed ? 0 : 1;
    }
    const int keys = parser.value(keysOption).toInt();
    const int runs = qMax(1, parser.value(runsOption).toInt());

    // tmpfs when there is one: every createKey is an fsync'ed transaction, which a disk makes
    // slow to set up, and the figures measured afterwards do not depend on it.
    const QString tmpfs = u"/dev/shm"_s;
    QTemporaryDir dir(QFileInfo(tmpfs).isWritable() ? tmpfs + u"/keydeck-bench-XXXXXX"_s
                                                    : QString());
    const QString path =
        parser.isSet(storeOption) ? parser.value(storeOption) : dir.filePath(u"bench.sqlite"_s);
    const bool existed = QFileInfo::exists(path);
    const SystemClock clock;
    SqliteStore store(path, clock, *QRandomGenerator::system());
    awaitInEventLoop(store.open());
    if (!existed)
        fill(store, keys);
    SecretVault vault;

    const qsizetype stored =
        awaitInEventLoop(store.keys().listKeys()).size(); // also warms SQLite's page cache
    std::printf("KeyDeck API Keys page benchmark: %lld keys in %s, %d run(s) each, median\n",
                qlonglong(stored), qPrintable(path), runs);

    QList<Figures> ours;
    QList<Figures> baseline;
    for (int run = 0; run < runs; ++run) {
        ours << measurePage(store, vault, clock);
        baseline << measureBaseline(store, clock);
    }
    const auto pick = [](const QList<Figures>& all,
                         const std::function<qint64(const Figures&)>& f) {
        QList<qint64> values;
        for (const Figures& figures : all)
            values << f(figures);
        return median(values);
    };

    std::printf("\n%-44s %10s %10s %8s\n", "measure (ms)", "KeyDeck", "baseline", "ratio");
    const auto line = [&](const QString& name, const std::function<qint64(const Figures&)>& f) {
        const qint64 a = pick(ours, f);
        const qint64 b = pick(baseline, f);
        std::printf("%-44s %10lld %10lld %8.2f\n", qPrintable(name), qlonglong(a), qlonglong(b),
                    ratio(a, b));
    };
    line(u"open page -> first rows painted"_s, [](const Figures& f) { return f.openMs; });
    line(u"open page -> every key in the table"_s, [](const Figures& f) { return f.allMs; });
    for (int i = 0; i < Searches.size(); ++i) {
        const QString name = u"search \"%1\" (%2 rows)"_s.arg(Searches.at(i))
                                 .arg(ours.constFirst().searchRows.at(i));
        line(name + u" shown"_s, [i](const Figures& f) { return f.searches.at(i).doneMs; });
        line(name + u" stall"_s, [i](const Figures& f) { return f.searches.at(i).stallMs; });
    }
    line(u"sort by label: shown"_s, [](const Figures& f) { return f.sort.doneMs; });
    line(u"sort by label: longest GUI-thread stall"_s,
         [](const Figures& f) { return f.sort.stallMs; });
    line(u"longest GUI-thread stall while opening"_s, [](const Figures& f) { return f.stallMs; });

    // The same page on a keydeck-server serving this file, against the page on the file.
    if (parser.isSet(serverOption)) {
        BenchServer served(path);
        // The store call behind the page, alone.
        const auto timedList = [](StoreConnection& connection) {
            QElapsedTimer timer;
            timer.start();
            awaitInEventLoop(connection.keys().listKeys());
            return timer.elapsed();
        };
        QList<qint64> restLists;
        QList<qint64> fileLists;
        for (int run = 0; run < runs; ++run) {
            restLists << timedList(served.store());
            fileLists << timedList(store);
        }
        QList<Figures> overRest;
        QList<Figures> onFile;
        for (int run = 0; run < runs; ++run) {
            overRest << measurePage(served.store(), vault, clock);
            onFile << measurePage(store, vault, clock);
        }
        std::printf("\n%-44s %10s %10s %8s\n", "over REST (ms)", "REST", "local", "ratio");
        const auto restLine = [&](const QString& name,
                                  const std::function<qint64(const Figures&)>& f) {
            const qint64 a = pick(overRest, f);
            const qint64 b = pick(onFile, f);
            std::printf("%-44s %10lld %10lld %8.2f\n", qPrintable(name), qlonglong(a), qlonglong(b),
                        ratio(a, b));
        };
        std::printf("%-44s %10lld %10lld %8.2f\n", "listKeys(): every key",
                    qlonglong(median(restLists)), qlonglong(median(fileLists)),
                    ratio(median(restLists), median(fileLists)));
        restLine(u"open page -> first rows painted"_s, [](const Figures& f) { return f.openMs; });
        restLine(u"open page -> every key in the table"_s,
                 [](const Figures& f) { return f.allMs; });
        restLine(u"search \"staging\" shown"_s,
                 [](const Figures& f) { return f.searches.at(1).doneMs; });
        restLine(u"longest GUI-thread stall while opening"_s,
                 [](const Figures& f) { return f.stallMs; });
    }

    // Another process imports usage into the same file while the page shows every key; the
    // baseline view shows the same rows and does not react to the store at all.
    const int events = parser.value(eventsOption).toInt();
    if (events > 0) {
        QList<qint64> pageStalls;
        QList<qint64> baselineStalls;
        for (int run = 0; run < runs; ++run) {
            const QString usagePath = writeUsage(dir.filePath(u"usage-%1.jsonl"_s.arg(run)), events,
                                                 int(stored), clock.nowUtcMs());
            {
                ClipboardGuard clipboard(QApplication::clipboard());
                ApiKeysPage page(store.keys(), store.usage(), store.lifecycle(), vault, clock,
                                 clipboard);
                page.resize(1400, 900);
                page.show();
                auto* view = page.findChild<QTableView*>(u"keysTable"_s);
                spinUntil([view] { return view->isVisible() && view->model()->rowCount() > 0; });
                pageStalls << measureDuringImport(page, path, usagePath);
            }
            {
                QTableView view;
                QStandardItemModel model(qint64(stored) > 0 ? 1 : 0, KeyTableModel::ColumnCount);
                view.setModel(&model);
                view.resize(1400, 900);
                view.show();
                const QString again = writeUsage(dir.filePath(u"usage-b%1.jsonl"_s.arg(run)),
                                                 events, int(stored), clock.nowUtcMs() + 1);
                baselineStalls << measureDuringImport(view, path, again);
            }
        }
        const qint64 a = median(pageStalls);
        const qint64 b = median(baselineStalls);
        std::printf("%-44s %10lld %10lld %8.2f\n",
                    qPrintable(u"longest stall while %1 events are imported"_s.arg(events)),
                    qlonglong(a), qlonglong(b), ratio(a, b));
    }
    std::printf("\nratio < 1: KeyDeck is faster than the baseline.\n");
    return 0;
}
