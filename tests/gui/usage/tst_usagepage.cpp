#include "CheckListFilter.h"
#include "CsvReader.h"
#include "KeyStore.h"
#include "LifecycleStore.h"
#include "ManualClock.h"
#include "SqliteStore.h"
#include "SummaryCard.h"
#include "TestSupport.h"
#include "UsageBreakdownChart.h"
#include "UsageCodec.h"
#include "UsageImportDialog.h"
#include "UsageLogModel.h"
#include "UsagePage.h"
#include "UsageStore.h"
#include "UsageTimeChart.h"
#include "UsdAmount.h"
#include "UtcTime.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QBarSet>
#include <QCategoryAxis>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QFile>
#include <QHeaderView>
#include <QHorizontalBarSeries>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QListWidget>
#include <QMouseEvent>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>
#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 MinuteMs = 60'000;
constexpr qint64 HourMs = 60 * MinuteMs;
constexpr qint64 DayMs = 24 * HourMs;
const qint64 Now = *UtcTime::parseRfc3339(u"2026-03-15T12:30:00Z");

UsageEvent makeEvent(const QString& key, qint64 agoMs, const QString& model, int status,
                     qint64 prompt, qint64 completion, qint64 costMicros, const QString& requestId)
{
    UsageEvent event;
    event.timeMs = Now - agoMs;
    event.key = key;
    event.model = model;
    event.endpoint = u"/v1/chat/completions"_s;
    event.status = status;
    event.promptTokens = prompt;
    event.completionTokens = completion;
    event.costMicros = costMicros;
    event.latencyMs = 120 + prompt % 300;
    event.clientIp = u"10.0.0.7"_s;
    event.requestId = requestId;
    return event;
}

template <typename T> T* child(QObject* parent, const QString& name)
{
    T* found = parent->findChild<T*>(name);
    if (!found)
        qWarning("no child %s", qPrintable(name));
    return found;
}

// What a stacked area chart draws per layer: upper minus lower, summed over the buckets.
QList<double> layerSums(UsageTimeChart* chart)
{
    QList<double> sums;
    const QList<QAbstractSeries*> series = chart->chart()->series();
    for (QAbstractSeries* entry : series) {
        auto* area = qobject_cast<QAreaSeries*>(entry);
        if (!area)
            continue;
        const QList<QPointF> upper = area->upperSeries()->points();
        const QList<QPointF> lower = area->lowerSeries()->points();
        double sum = 0;
        for (qsizetype i = 0; i < upper.size(); ++i)
            sum += upper[i].y() - lower[i].y();
        sums << sum;
    }
    return sums;
}

QList<QPair<QString, double>> barsOf(UsageBreakdownChart* chart)
{
    // As drawn: the category axis runs bottom-up, so the biggest bar is the last category.
    QList<QPair<QString, double>> bars;
    auto* axis = qobject_cast<QBarCategoryAxis*>(chart->chart()->axes(Qt::Vertical).value(0));
    for (QAbstractSeries* entry : chart->chart()->series()) {
        auto* series = qobject_cast<QHorizontalBarSeries*>(entry);
        if (!axis || !series || series->barSets().size() != 1)
            return {};
        const QBarSet* set = series->barSets().constFirst();
        for (int i = 0; i < set->count(); ++i)
            bars.prepend({axis->categories().value(i).trimmed(), set->at(i)});
    }
    return bars;
}
} // namespace

class TestUsagePage : public QObject
{
    Q_OBJECT

private:
    QString createKey(const QString& label)
    {
        KeySpec spec;
        spec.label = label;
        QFuture<CreatedKey> created = m_store->keys().createKey(spec);
        if (!waitForFuture(created) || created.isCanceled())
            return {};
        return created.result().record.id;
    }

    bool record(SqliteStore& store, const QList<UsageEvent>& events)
    {
        QFuture<qint64> recorded = store.usage().recordUsage(events);
        if (!waitForFuture(recorded))
            return false;
        try {
            return recorded.result() == events.size();
        } catch (const std::exception& error) {
            qWarning("recordUsage: %s", error.what());
            return false;
        }
    }

    void showPage()
    {
        m_page = std::make_unique<UsagePage>(m_store->keys(), m_store->usage(), m_clock);
        m_page->resize(1300, 1000);
        m_page->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    }

    SummaryCard* card(const QString& name) const { return m_page->findChild<SummaryCard*>(name); }
    QString cardValue(const QString& name) const { return card(name)->valueText(); }

    // Five events in the last 30 days, two in the 30 days before.
    void recordStandardUsage()
    {
        const QList<UsageEvent> events{
            makeEvent(m_web, 10 * MinuteMs, u"gpt-4o"_s, 200, 100, 50, 500'000, u"r1"_s),
            makeEvent(m_web, 2 * HourMs, u"gpt-4o-mini"_s, 200, 40, 10, 250'000, u"r2"_s),
            makeEvent(m_ci, DayMs, u"gpt-4o"_s, 429, 0, 0, 0, u"r3"_s),
            makeEvent(m_ci, 3 * DayMs, u"gpt-4o"_s, 200, 300, 200, 1'000'000, u"r4"_s),
            makeEvent(m_batch, 5 * DayMs, u"claude-3-5-sonnet"_s, 500, 10, 0, 0, u"r5"_s),
            makeEvent(m_web, 40 * DayMs, u"gpt-4o"_s, 200, 100, 100, 300'000, u"p1"_s),
            makeEvent(m_ci, 45 * DayMs, u"gpt-4o"_s, 200, 50, 50, 200'000, u"p2"_s),
        };
        QVERIFY(record(*m_store, events));
    }

    QTemporaryDir m_dir;
    ManualClock m_clock{Now};
    std::unique_ptr<SqliteStore> m_store;
    std::unique_ptr<UsagePage> m_page;
    QString m_web;
    QString m_ci;
    QString m_batch;

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_store = std::make_unique<SqliteStore>(
            m_dir.filePath(u"usage-%1.sqlite"_s.arg(QRandomGenerator::system()->generate())),
            m_clock, *QRandomGenerator::system());
        QFuture<void> opened = m_store->open();
        QVERIFY(waitForFuture(opened));
        m_web = createKey(u"prod-web-app"_s);
        m_ci = createKey(u"ci-tests"_s);
        m_batch = createKey(u"batch-jobs"_s);
        QVERIFY(!m_web.isEmpty() && !m_ci.isEmpty() && !m_batch.isEmpty());
    }

    void cleanup()
    {
        m_page.reset();
        m_store.reset();
    }

    void showsImportedTotalsInCardsAndCharts()
    {
        // Imported from a file, keys named by label, as keydeckctl usage import would.
        QList<UsageEvent> events{
            makeEvent(u"prod-web-app"_s, 10 * MinuteMs, u"gpt-4o"_s, 200, 100, 50, 500'000,
                      u"r1"_s),
            makeEvent(u"prod-web-app"_s, 2 * HourMs, u"gpt-4o-mini"_s, 200, 40, 10, 250'000,
                      u"r2"_s),
            makeEvent(u"ci-tests"_s, DayMs, u"gpt-4o"_s, 429, 0, 0, 0, u"r3"_s),
            makeEvent(u"ci-tests"_s, 3 * DayMs, u"gpt-4o"_s, 200, 300, 200, 1'000'000, u"r4"_s),
            makeEvent(u"batch-jobs"_s, 5 * DayMs, u"claude-3-5-sonnet"_s, 500, 10, 0, 0, u"r5"_s),
            makeEvent(u"prod-web-app"_s, 40 * DayMs, u"gpt-4o"_s, 200, 100, 100, 300'000, u"p1"_s),
            makeEvent(u"ci-tests"_s, 45 * DayMs, u"gpt-4o"_s, 200, 50, 50, 200'000, u"p2"_s),
        };
        QFile file(m_dir.filePath(u"usage.jsonl"_s));
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (const UsageEvent& event : events)
            file.write(UsageCodec::toJsonLine(event, event.key));
        file.close();
        QFuture<UsageImportReport> imported =
            m_store->usage().importUsage(UsageSource::file(file.fileName()), {});
        QVERIFY(waitForFuture(imported));
        QCOMPARE(imported.result().imported, 7);

        showPage();
        QCOMPARE(m_page->objectName(), u"usagePage"_s);
        QCOMPARE(child<QComboBox>(m_page.get(), u"rangeCombo"_s)->currentText(), u"Last 30 days"_s);
        QTRY_COMPARE(cardValue(u"requestsCard"_s), u"5"_s);
        QTRY_COMPARE(cardValue(u"tokensCard"_s), u"710"_s);
        QCOMPARE(cardValue(u"costCard"_s), u"$1.75"_s);
        QCOMPARE(cardValue(u"errorRateCard"_s), u"40.0%"_s);
        // Against the 30 days before: 2 requests, 300 tokens, $0.50, no errors.
        QTRY_COMPARE(card(u"requestsCard"_s)->deltaText(), u"▲ 150% vs previous 30 days"_s);
        QCOMPARE(card(u"requestsCard"_s)->trend(), SummaryCard::Trend::Good);
        QCOMPARE(card(u"tokensCard"_s)->deltaText(), u"▲ 137% vs previous 30 days"_s);
        QCOMPARE(card(u"costCard"_s)->deltaText(), u"▲ 250% vs previous 30 days"_s);
        QCOMPARE(card(u"costCard"_s)->trend(), SummaryCard::Trend::Bad);
        QCOMPARE(card(u"errorRateCard"_s)->deltaText(), u"▲ 40.0 pts vs previous 30 days"_s);
        QCOMPARE(card(u"errorRateCard"_s)->trend(), SummaryCard::Trend::Bad);
        QCOMPARE(child<QLabel>(m_page.get(), u"logCountLabel"_s)->text(), u"5 requests"_s);
        QVERIFY(child<QWidget>(m_page.get(), u"usageDashboard"_s)->isVisible());
        QVERIFY(!child<QWidget>(m_page.get(), u"usageEmptyState"_s)->isVisible());

        auto* requests = child<UsageTimeChart>(m_page.get(), u"requestsChart"_s);
        QTRY_COMPARE(layerSums(requests), (QList<double>{3, 2}));
        // A 30-day range is charted per day: 30 buckets.
        QCOMPARE(requests->points().size(), 30);
        QCOMPARE(layerSums(child<UsageTimeChart>(m_page.get(), u"tokensChart"_s)),
                 (QList<double>{450, 260}));
        const QList<double> cost = layerSums(child<UsageTimeChart>(m_page.get(), u"costChart"_s));
        QCOMPARE(cost.size(), 1);
        QCOMPARE(qRound(cost.constFirst() * 100), 175);
        // The hovered bucket's tooltip: the exact figures of that day. Today is not over: its
        // bucket says so instead of reading as a drop; yesterday's is complete.
        QVERIFY(requests->toolTipFor(29).contains(u"2 requests<br>2 successful · 0 errors"_s));
        QVERIFY(requests->isPartial(29));
        QVERIFY(requests->toolTipFor(29).contains(u"So far: this day is not over yet"_s));
        QVERIFY(!requests->isPartial(28));
        QVERIFY(!requests->toolTipFor(28).contains(u"So far"_s));
        // Anywhere over the plot, not only on a series' edge: high above the areas at the
        // right end is still today's bucket, and leaving the chart ends the hover.
        QTRY_VERIFY(requests->chart()->plotArea().width() > 100);
        const QRectF plot = requests->chart()->plotArea();
        const auto moveTo = [requests](const QPointF& inChart) {
            const QPoint at = requests->mapFromScene(requests->chart()->mapToScene(inChart));
            QMouseEvent move(QEvent::MouseMove, at, requests->viewport()->mapToGlobal(at),
                             Qt::NoButton, Qt::NoButton, Qt::NoModifier);
            QApplication::sendEvent(requests->viewport(), &move);
        };
        moveTo(QPointF(plot.right() - 2, plot.top() + 3));
        QCOMPARE(requests->hoveredBucket(), 29);
        moveTo(QPointF(plot.left() + 2, plot.center().y()));
        QCOMPARE(requests->hoveredBucket(), 0);
        QEvent leave(QEvent::Leave);
        QApplication::sendEvent(requests, &leave);
        QCOMPARE(requests->hoveredBucket(), -1);

        auto* byKey = child<UsageBreakdownChart>(m_page.get(), u"costByKeyChart"_s);
        QTRY_COMPARE(barsOf(byKey),
                     (QList<QPair<QString, double>>{
                         {u"ci-tests"_s, 1.0}, {u"prod-web-app"_s, 0.75}, {u"batch-jobs"_s, 0.0}}));
        QVERIFY(byKey->toolTipFor(0).contains(u"$1.00 · 57.1% of the cost"_s));
        auto* byModel = child<UsageBreakdownChart>(m_page.get(), u"costByModelChart"_s);
        QTRY_COMPARE(barsOf(byModel),
                     (QList<QPair<QString, double>>{{u"gpt-4o"_s, 1.5},
                                                    {u"gpt-4o-mini"_s, 0.25},
                                                    {u"claude-3-5-sonnet"_s, 0.0}}));

        // The log shows labels, local times and money.
        UsageLogModel* log = m_page->logModel();
        QTRY_COMPARE(log->rowCount(), 5);
        QCOMPARE(log->index(0, UsageLogModel::Key).data().toString(), u"prod-web-app"_s);
        QCOMPARE(log->index(0, UsageLogModel::Key).data(UsageLogModel::RawValueRole).toString(),
                 m_web);
        QCOMPARE(log->index(0, UsageLogModel::Cost).data().toString(), u"$0.50"_s);
        QCOMPARE(log->index(0, UsageLogModel::Cost).data(UsageLogModel::RawValueRole).toLongLong(),
                 500'000);
        QCOMPARE(
            log->index(0, UsageLogModel::Time).data().toString(),
            QDateTime::fromMSecsSinceEpoch(Now - 10 * MinuteMs).toString(u"yyyy-MM-dd HH:mm:ss"_s));
        QVERIFY(log->index(2, UsageLogModel::Status).data(Qt::ForegroundRole).isValid());
        QVERIFY(!log->index(0, UsageLogModel::Status).data(Qt::ForegroundRole).isValid());
    }

    void rangeAndFiltersNarrowEverything()
    {
        recordStandardUsage();
        showPage();
        QTRY_COMPARE(cardValue(u"requestsCard"_s), u"5"_s);

        m_page->setRange(UsagePage::Range::Last24Hours);
        QTRY_COMPARE(cardValue(u"requestsCard"_s), u"2"_s);
        QCOMPARE(m_page->shownQuery().toMs - m_page->shownQuery().fromMs, 24 * HourMs);
        QTRY_COMPARE(child<UsageTimeChart>(m_page.get(), u"requestsChart"_s)->points().size(), 24);
        m_page->setRange(UsagePage::Range::Last7Days);
        QTRY_COMPARE(cardValue(u"requestsCard"_s), u"5"_s);

        // Custom: from and to in local time; the 429 of a day ago is the only event in it.
        m_page->setRange(UsagePage::Range::Custom);
        auto* from = child<QDateTimeEdit>(m_page.get(), u"fromEdit"_s);
        auto* to = child<QDateTimeEdit>(m_page.get(), u"toEdit"_s);
        QVERIFY(from->isVisible() && to->isVisible());
        from->setDateTime(QDateTime::fromMSecsSinceEpoch(Now - DayMs - HourMs));
        to->setDateTime(QDateTime::fromMSecsSinceEpoch(Now - DayMs + HourMs));
        QTRY_COMPARE(cardValue(u"requestsCard"_s), u"1"_s);
        QCOMPARE(cardValue(u"errorRateCard"_s), u"100.0%"_s);
        QTRY_COMPARE(card(u"requestsCard"_s)->deltaText(), u"None in the previous 2 hours"_s);
        m_page->setRange(UsagePage::Range::Last7Days);
        QVERIFY(!from->isVisible());
        QTRY_COMPARE(cardValue(u"requestsCard"_s), u"5"_s);

        auto* status = child<QComboBox>(m_page.get(), u"statusFilter"_s);
        status->setCurrentIndex(status->findText(u"All errors"_s));
        QTRY_COMPARE(cardValue(u"requestsCard"_s), u"2"_s);
        QCOMPARE(cardValue(u"errorRateCard"_s), u"100.0%"_s);
        status->setCurrentIndex(status->findText(u"Server errors 5xx"_s));
        QTRY_COMPARE(cardValue(u"requestsCard"_s), u"1"_s);
        status->setCurrentIndex(0);
        QTRY_COMPARE(cardValue(u"requestsCard"_s), u"5"_s);

        auto* models = child<CheckListFilter>(m_page.get(), u"modelFilter"_s);
        QTRY_COMPARE(models->items().size(), 3);
        models->setSelectedIds({u"gpt-4o-mini"_s});
        QTRY_COMPARE(cardValue(u"requestsCard"_s), u"1"_s);
        QCOMPARE(cardValue(u"costCard"_s), u"$0.25"_s);
        QCOMPARE(models->text(), u"gpt-4o-mini"_s);
        QTRY_COMPARE(m_page->logModel()->rowCount(), 1);
    }

    // The time axis runs from the first bucket to the last, labelled on buckets it names, with
    // no empty stretch after the range's end however the labels fall.
    void theTimeAxisEndsWhereTheRangeEnds_data()
    {
        QTest::addColumn<int>("buckets");
        QTest::addColumn<bool>("hours");
        QTest::newRow("30 days") << 30 << false;
        QTest::newRow("29 days") << 29 << false;
        QTest::newRow("24 hours") << 24 << true;
        QTest::newRow("400 days") << 400 << false;
    }

    void theTimeAxisEndsWhereTheRangeEnds()
    {
        QFETCH(int, buckets);
        QFETCH(bool, hours);
        const qint64 bucketMs = hours ? HourMs : DayMs;
        const qint64 start = QDateTime(QDate(2026, 2, 14), QTime(0, 0)).toMSecsSinceEpoch();
        QList<UsageSeries::Point> points;
        for (int i = 0; i < buckets; ++i) {
            UsageSeries::Point point;
            point.startMs =
                hours ? start + i * bucketMs
                      : QDateTime(QDate(2026, 2, 14).addDays(i), QTime(0, 0)).toMSecsSinceEpoch();
            point.totals.requests = 100 + i;
            points << point;
        }
        std::unique_ptr<UsageTimeChart> chart(UsageTimeChart::requests());
        chart->resize(640, 300);
        chart->show();
        QVERIFY(QTest::qWaitForWindowExposed(chart.get()));
        chart->setPoints(points,
                         hours ? UsageSeries::BucketSize::Hour : UsageSeries::BucketSize::Day,
                         points.constLast().startMs + bucketMs);
        auto* axis = qobject_cast<QCategoryAxis*>(chart->chart()->axes(Qt::Horizontal).value(0));
        QVERIFY(axis);
        // Where each bucket is drawn: an hour at its start, a day at its middle.
        const auto xOf = [&](int i) {
            return double(hours ? points[i].startMs : points[i].startMs + DayMs / 2);
        };
        QCOMPARE(axis->min(), xOf(0));
        QCOMPARE(axis->max(), xOf(buckets - 1));
        const QStringList labels = axis->categoriesLabels();
        QVERIFY2(labels.size() >= 2 && labels.size() <= 13, qPrintable(labels.join(u", ")));
        QCOMPARE(axis->endValue(labels.constFirst()), xOf(0));
        for (const QString& label : labels) {
            const double at = axis->endValue(label);
            QVERIFY(at >= axis->min() && at <= axis->max());
            const QDateTime when = QDateTime::fromMSecsSinceEpoch(qint64(at));
            QVERIFY2(label.contains(when.toString(u"MMM d"_s)), qPrintable(label));
            // A year and more: the year says which February.
            QCOMPARE(label.contains(u"2026"_s) || label.contains(u"2027"_s), buckets > 180);
        }
    }

    // A brand-new key's usage, reached from its context menu, has no bars: going from N bars to
    // none and back used to crash in the value labels of the breakdown charts.
    void emptyViewAfterDataShowsEmptyCharts()
    {
        recordStandardUsage();
        showPage();
        auto* byKey = child<UsageBreakdownChart>(m_page.get(), u"costByKeyChart"_s);
        auto* byModel = child<UsageBreakdownChart>(m_page.get(), u"costByModelChart"_s);
        QTRY_COMPARE(barsOf(byKey).size(), 3);
        QTRY_COMPARE(barsOf(byModel).size(), 3);
        QVERIFY(!byKey->showsEmptyState());

        const QString fresh = createKey(u"brand-new"_s);
        QVERIFY(!fresh.isEmpty());
        for (int round = 0; round < 2; ++round) {
            m_page->setKeyFilter({fresh});
            QTRY_COMPARE(cardValue(u"requestsCard"_s), u"0"_s);
            QTRY_VERIFY(byKey->bars().isEmpty());
            QTRY_VERIFY(byModel->bars().isEmpty());
            QVERIFY(byKey->showsEmptyState());
            QVERIFY(byModel->showsEmptyState());
            const QPixmap shot = m_page->grab();
            QVERIFY(shot.width() > 0);
            // For looking at: KEYDECK_SCREENSHOT_DIR=/tmp/shots ctest -R tst_usagepage
            if (const QString dir = qEnvironmentVariable("KEYDECK_SCREENSHOT_DIR"); !dir.isEmpty())
                QVERIFY(shot.save(dir + u"/usage-empty-key.png"_s));

            m_page->setKeyFilter({});
            QTRY_COMPARE(cardValue(u"requestsCard"_s), u"5"_s);
            QTRY_COMPARE(byKey->bars().size(), 3);
            QTRY_COMPARE(byModel->bars().size(), 3);
            QVERIFY(!byKey->showsEmptyState());
            QVERIFY(m_page->grab().width() > 0);
        }

        // A custom range without data does the same.
        m_page->setRange(UsagePage::Range::Custom);
        child<QDateTimeEdit>(m_page.get(), u"fromEdit"_s)
            ->setDateTime(QDateTime::fromMSecsSinceEpoch(Now - 20 * DayMs));
        child<QDateTimeEdit>(m_page.get(), u"toEdit"_s)
            ->setDateTime(QDateTime::fromMSecsSinceEpoch(Now - 19 * DayMs));
        QTRY_COMPARE(cardValue(u"requestsCard"_s), u"0"_s);
        QTRY_VERIFY(byModel->bars().isEmpty());
        QVERIFY(byModel->showsEmptyState());
    }

    void keyFilterNarrowsTotalsAndLog()
    {
        recordStandardUsage();
        showPage();
        QTRY_COMPARE(cardValue(u"requestsCard"_s), u"5"_s);

        // As the user does it: tick the key in the filter's list.
        auto* keys = child<CheckListFilter>(m_page.get(), u"keyFilter"_s);
        QTRY_COMPARE(keys->items().size(), 3);
        QCOMPARE(keys->text(), u"All keys"_s);
        QListWidget* list = keys->list();
        QCOMPARE(list->item(0)->text(), u"All keys"_s);
        QCOMPARE(list->item(0)->checkState(), Qt::Checked);
        const auto items = list->findItems(u"ci-tests"_s, Qt::MatchExactly);
        QCOMPARE(items.size(), 1);
        items.constFirst()->setCheckState(Qt::Checked);
        QCOMPARE(list->item(0)->checkState(), Qt::Unchecked);
        QCOMPARE(keys->text(), u"ci-tests"_s);
        QTRY_COMPARE(cardValue(u"requestsCard"_s), u"2"_s);
        QCOMPARE(cardValue(u"costCard"_s), u"$1.00"_s);
        QCOMPARE(cardValue(u"errorRateCard"_s), u"50.0%"_s);
        UsageLogModel* log = m_page->logModel();
        QTRY_COMPARE(log->rowCount(), 2);
        for (int row = 0; row < log->rowCount(); ++row)
            QCOMPARE(log->index(row, UsageLogModel::Key).data().toString(), u"ci-tests"_s);
        QTRY_COMPARE(barsOf(child<UsageBreakdownChart>(m_page.get(), u"costByKeyChart"_s)),
                     (QList<QPair<QString, double>>{{u"ci-tests"_s, 1.0}}));

        // A second key, then "All keys" again.
        list->findItems(u"batch-jobs"_s, Qt::MatchExactly).constFirst()->setCheckState(Qt::Checked);
        QCOMPARE(keys->text(), u"2 keys"_s);
        QTRY_COMPARE(cardValue(u"requestsCard"_s), u"3"_s);
        list->item(0)->setCheckState(Qt::Checked);
        QVERIFY(keys->selectedIds().isEmpty());
        QTRY_COMPARE(cardValue(u"requestsCard"_s), u"5"_s);

        // What the API Keys page's "Usage" action calls.
        m_page->setKeyFilter({m_web});
        QCOMPARE(keys->text(), u"prod-web-app"_s);
        QTRY_COMPARE(cardValue(u"requestsCard"_s), u"2"_s);
        QCOMPARE(cardValue(u"costCard"_s), u"$0.75"_s);
        QTRY_COMPARE(log->rowCount(), 2);
        QCOMPARE(m_page->shownQuery().keyIds, QStringList{m_web});
    }

    void logLoadsLazilyAndSortsInTheStore()
    {
        QList<UsageEvent> events;
        for (int i = 0; i < 450; ++i)
            events << makeEvent(i % 2 ? m_web : m_ci, (i + 1) * MinuteMs, u"gpt-4o"_s, 200, 10 + i,
                                5, 1000 + qint64(i * 37 % 450) * 100, u"lazy-%1"_s.arg(i));
        QVERIFY(record(*m_store, events));
        showPage();
        UsageLogModel* log = m_page->logModel();
        QTRY_COMPARE(log->rowCount(), UsageLogModel::PageSize);
        QVERIFY(log->canFetchMore({}));
        // Newest first by default.
        QCOMPARE(log->index(0, UsageLogModel::Time).data(UsageLogModel::RawValueRole).toLongLong(),
                 Now - MinuteMs);
        log->fetchMore({});
        QTRY_COMPARE(log->rowCount(), 2 * UsageLogModel::PageSize);
        log->fetchMore({});
        QTRY_COMPARE(log->rowCount(), 450);
        QTRY_VERIFY(!log->canFetchMore({}));

        // Sorting by cost asks the store again: the most expensive of all 450 comes first.
        auto* table = child<QTableView>(m_page.get(), u"usageLogTable"_s);
        table->sortByColumn(UsageLogModel::Cost, Qt::DescendingOrder);
        QTRY_COMPARE(log->rowCount(), UsageLogModel::PageSize);
        QTRY_COMPARE(
            log->index(0, UsageLogModel::Cost).data(UsageLogModel::RawValueRole).toLongLong(),
            1000 + 449 * 100);
        // Scrolling to the end of the table loads the next page.
        table->scrollToBottom();
        QTRY_VERIFY(log->rowCount() > UsageLogModel::PageSize);
        qint64 previous = std::numeric_limits<qint64>::max();
        for (int row = 0; row < log->rowCount(); ++row) {
            const qint64 cost =
                log->index(row, UsageLogModel::Cost).data(UsageLogModel::RawValueRole).toLongLong();
            QVERIFY(cost <= previous);
            previous = cost;
        }
        // Not sortable columns leave the order alone.
        table->sortByColumn(UsageLogModel::RequestId, Qt::AscendingOrder);
        QCOMPARE(log->sortColumn(), int(UsageLogModel::Cost));
        QCOMPARE(table->horizontalHeader()->sortIndicatorSection(), int(UsageLogModel::Cost));
    }

    void theLogNeitherTrapsThePagesScrollNorLeavesTheTimeColumn()
    {
        QList<UsageEvent> events;
        for (int i = 0; i < 60; ++i)
            events << makeEvent(m_web, (i + 1) * MinuteMs, u"gpt-4o"_s, 200, 10, 5, 1000,
                                u"wheel-%1"_s.arg(i));
        QVERIFY(record(*m_store, events));
        showPage();
        UsageLogModel* log = m_page->logModel();
        QTRY_COMPARE(log->rowCount(), 60);
        auto* table = child<QTableView>(m_page.get(), u"usageLogTable"_s);
        QScrollBar* page = child<QScrollArea>(m_page.get(), u"usageScroll"_s)->verticalScrollBar();
        QTRY_VERIFY(page->maximum() > 0);
        QTRY_VERIFY(table->verticalScrollBar()->maximum() > 0);
        const auto wheelDown = [table] {
            const QPointF at = table->viewport()->rect().center();
            QWheelEvent wheel(at, table->viewport()->mapToGlobal(at), {}, QPoint(0, -120),
                              Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
            QApplication::sendEvent(table->viewport(), &wheel);
        };

        // Scrolling the page down across the log scrolls the page, not the log.
        page->setValue(0);
        table->clearFocus();
        wheelDown();
        QVERIFY(page->value() > 0);
        QCOMPARE(table->verticalScrollBar()->value(), 0);

        // Clicked into, the log scrolls; at its end the page goes on.
        const int pageBefore = page->value();
        table->setFocus();
        QTRY_VERIFY(table->hasFocus());
        wheelDown();
        QVERIFY(table->verticalScrollBar()->value() > 0);
        QCOMPARE(page->value(), pageBefore);
        table->verticalScrollBar()->setValue(table->verticalScrollBar()->maximum());
        wheelDown();
        QVERIFY(page->value() > pageBefore || page->value() == page->maximum());

        // Ctrl+End: the last row, in the Time column still.
        table->setCurrentIndex(log->index(0, UsageLogModel::Time));
        QTest::keyClick(table, Qt::Key_End, Qt::ControlModifier);
        QCOMPARE(table->currentIndex().row(), 59);
        QCOMPARE(table->currentIndex().column(), int(UsageLogModel::Time));
        QTest::keyClick(table, Qt::Key_Home, Qt::ControlModifier);
        QCOMPARE(table->currentIndex().row(), 0);
        QCOMPARE(table->currentIndex().column(), int(UsageLogModel::Time));
    }

    void logModelPassesTheModelTester()
    {
        QList<UsageEvent> events;
        for (int i = 0; i < 450; ++i)
            events << makeEvent(i % 2 ? m_web : m_ci, (i + 1) * MinuteMs, u"gpt-4o"_s,
                                i % 7 ? 200 : 500, 10 + i, 5, 1000 + i, u"t-%1"_s.arg(i));
        QVERIFY(record(*m_store, events));
        UsageLogModel model(m_store->usage());
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        // As a view scrolling to the end would: ask for more until there is no more.
        const auto loadAll = [&model] {
            return QTest::qWaitFor([&model] {
                if (model.canFetchMore({}))
                    model.fetchMore({});
                return !model.isLoading() && !model.canFetchMore({});
            });
        };
        UsageQuery query;
        query.fromMs = Now - DayMs;
        query.toMs = Now + 1;
        model.setQuery(query);
        QVERIFY(loadAll());
        QCOMPARE(model.rowCount(), 450);
        model.sort(UsageLogModel::Latency, Qt::AscendingOrder);
        QVERIFY(loadAll());
        QCOMPARE(model.rowCount(), 450);
        QCOMPARE(model.index(0, UsageLogModel::Latency).data().toString(), u"120 ms"_s);
        QSignalSpy relabelled(&model, &QAbstractItemModel::dataChanged);
        model.setKeyLabels({{m_web, u"prod-web-app"_s}, {m_ci, u"ci-tests"_s}});
        QCOMPARE(relabelled.size(), 1);
        for (int row = 0; row < model.rowCount(); ++row) {
            const QModelIndex key = model.index(row, UsageLogModel::Key);
            QCOMPARE(key.data().toString(), key.data(UsageLogModel::RawValueRole) == m_web
                                                ? u"prod-web-app"_s
                                                : u"ci-tests"_s);
        }
        query.statusClass = UsageQuery::StatusClass::ServerError;
        model.setQuery(query);
        QVERIFY(loadAll());
        QCOMPARE(model.rowCount(), 65);
        model.reload();
        QVERIFY(loadAll());
        QCOMPARE(model.rowCount(), 65);
    }

    void updatesLiveWhenAnotherProcessWrites()
    {
        recordStandardUsage();
        showPage();
        QTRY_COMPARE(cardValue(u"requestsCard"_s), u"5"_s);

        // A second store on the same file stands in for keydeckctl or the server.
        ManualClock otherClock(Now);
        SqliteStore other(m_store->path(), otherClock, *QRandomGenerator::system());
        QFuture<void> opened = other.open();
        QVERIFY(waitForFuture(opened));
        QVERIFY(record(
            other,
            {makeEvent(m_batch, 1 * MinuteMs, u"gpt-4o"_s, 200, 1000, 500, 2'000'000, u"live-1"_s),
             makeEvent(m_batch, 2 * MinuteMs, u"gpt-4o"_s, 503, 0, 0, 0, u"live-2"_s)}));
        QTRY_COMPARE_WITH_TIMEOUT(cardValue(u"requestsCard"_s), u"7"_s, 10000);
        QTRY_COMPARE(cardValue(u"costCard"_s), u"$3.75"_s);
        QTRY_COMPARE(m_page->logModel()->rowCount(), 7);
        QCOMPARE(m_page->logModel()->index(0, UsageLogModel::RequestId).data().toString(),
                 u"live-1"_s);

        // Hidden, the page does not query; shown again, it catches up.
        m_page->hide();
        QVERIFY(record(
            other, {makeEvent(m_batch, 3 * MinuteMs, u"gpt-4o"_s, 200, 1, 1, 1000, u"live-3"_s)}));
        QTest::qWait(1500);
        QCOMPARE(cardValue(u"requestsCard"_s), u"7"_s);
        m_page->show();
        QTRY_COMPARE_WITH_TIMEOUT(cardValue(u"requestsCard"_s), u"8"_s, 10000);
    }

    void exportedCsvReadsBackAsTheSameEvents()
    {
        QList<UsageEvent> events;
        for (int i = 0; i < 12; ++i)
            events << makeEvent(i % 3 ? m_web : m_ci, (i + 1) * HourMs,
                                i % 2 ? u"gpt-4o"_s : u"o3-mini"_s, i == 4 ? 401 : 200, 100 + i,
                                20 * i, 1234 * (i + 1), u"exp-%1"_s.arg(i));
        // Outside the 30 days shown: not exported.
        events << makeEvent(m_web, 50 * DayMs, u"gpt-4o"_s, 200, 1, 1, 1, u"old"_s);
        QVERIFY(record(*m_store, events));
        showPage();
        QTRY_COMPARE(cardValue(u"requestsCard"_s), u"12"_s);

        const QString path = m_dir.filePath(u"export.csv"_s);
        QFuture<qint64> exported = m_page->exportLogs(path);
        QVERIFY(waitForFuture(exported));
        QCOMPARE(exported.result(), 12);

        QFile file(path);
        // Client IPs and request ids: readable by the owner only.
        QCOMPARE(file.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());
        QVERIFY(file.open(QIODevice::ReadOnly));
        CsvReader reader(file);
        QStringList fields;
        QString error;
        QCOMPARE(reader.readRecord(&fields, &error), CsvReader::Result::Record);
        FieldError fieldError;
        const auto header = UsageCodec::csvHeader(fields, &fieldError);
        QVERIFY2(header, qPrintable(fieldError.toString()));
        const QHash<QString, QString> ids{{u"prod-web-app"_s, m_web}, {u"ci-tests"_s, m_ci}};
        QList<UsageEvent> parsed;
        while (reader.readRecord(&fields, &error) == CsvReader::Result::Record) {
            auto event = UsageCodec::fromCsvRecord(fields, *header, &fieldError);
            QVERIFY2(event, qPrintable(fieldError.toString()));
            // The file names keys by label, as a person reads it.
            QVERIFY(ids.contains(event->key));
            event->key = ids.value(event->key);
            parsed << *event;
        }
        QVERIFY(error.isEmpty());
        QList<UsageEvent> expected = events.first(12);
        const auto byTime = [](const UsageEvent& a, const UsageEvent& b) {
            return a.timeMs < b.timeMs;
        };
        std::sort(expected.begin(), expected.end(), byTime);
        QCOMPARE(parsed, expected);
    }

    void exportsChartsAsOnePng()
    {
        recordStandardUsage();
        showPage();
        QTRY_COMPARE(cardValue(u"requestsCard"_s), u"5"_s);
        const QString path = m_dir.filePath(u"charts.png"_s);
        QString error;
        QVERIFY2(m_page->exportCharts(path, &error), qPrintable(error));
        QImage image(path);
        QVERIFY(!image.isNull());
        const QWidget* area = child<QWidget>(m_page.get(), u"chartsArea"_s);
        QCOMPARE(image.size(), area->size() * area->devicePixelRatioF());
        QVERIFY(area->height() > 700);
    }

    void emptyStateImportsAFileAndShowsTheReport()
    {
        showPage();
        auto* empty = child<QWidget>(m_page.get(), u"usageEmptyState"_s);
        QTRY_VERIFY(empty->isVisible());
        QVERIFY(!child<QWidget>(m_page.get(), u"usageToolbar"_s)->isVisible());
        QVERIFY(child<QLabel>(empty, u"emptyLabel"_s)
                    ->text()
                    .startsWith(u"No usage yet — import a usage log below"_s));

        const QString path = m_dir.filePath(u"with-bad-line.jsonl"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(UsageCodec::toJsonLine(
            makeEvent(m_web, HourMs, u"gpt-4o"_s, 200, 10, 10, 10'000, u"i1"_s),
            u"prod-web-app"_s));
        file.write(
            "{\"time\":\"2026-03-15T10:00:00\",\"key\":\"ci-tests\",\"model\":\"gpt-4o\"}\n");
        file.write(UsageCodec::toJsonLine(
            makeEvent(m_ci, 2 * HourMs, u"gpt-4o"_s, 200, 10, 10, 20'000, u"i2"_s), u"ci-tests"_s));
        file.close();

        QTest::mouseClick(child<QWidget>(empty, u"importButton"_s), Qt::LeftButton);
        UsageImportDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = m_page->findChild<UsageImportDialog*>()) && dialog->isVisible());
        dialog->setPath(path);
        auto* run = child<QPushButton>(dialog, u"importRunButton"_s);
        QTest::mouseClick(run, Qt::LeftButton);
        QTRY_VERIFY(!dialog->isImporting());
        QVERIFY2(dialog->reportText().startsWith(u"Nothing was imported."_s),
                 qPrintable(dialog->reportText()));
        QVERIFY2(dialog->reportText().contains(u"line 2"_s), qPrintable(dialog->reportText()));
        QVERIFY(empty->isVisible());

        child<QCheckBox>(dialog, u"skipBadLinesCheck"_s)->setChecked(true);
        QTest::mouseClick(run, Qt::LeftButton);
        QTRY_VERIFY(!dialog->isImporting());
        QVERIFY2(dialog->reportText().startsWith(u"Imported 2 new events from 3 lines."_s),
                 qPrintable(dialog->reportText()));
        QVERIFY2(dialog->reportText().contains(u"line 2: time"_s),
                 qPrintable(dialog->reportText()));
        // Imported: the same file is not offered again (all of it would be duplicates).
        QVERIFY(!run->isEnabled());
        dialog->setPath(path + u" "_s);
        QVERIFY(!run->isEnabled());
        dialog->setPath(m_dir.filePath(u"another.jsonl"_s));
        QVERIFY(run->isEnabled());
        dialog->close();

        // The import is announced; the page leaves its empty state by itself.
        QTRY_VERIFY_WITH_TIMEOUT(!empty->isVisible(), 10000);
        QTRY_COMPARE(cardValue(u"requestsCard"_s), u"2"_s);
        QCOMPARE(cardValue(u"costCard"_s), u"$0.03"_s);
    }

    void aLongImportShowsItsPaceAndCanBeCancelled()
    {
        showPage();
        auto* empty = child<QWidget>(m_page.get(), u"usageEmptyState"_s);
        QTRY_VERIFY(empty->isVisible());
        const QString path = m_dir.filePath(u"long.jsonl"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QByteArray lines;
        for (int i = 0; i < 150'000; ++i) {
            lines += UsageCodec::toJsonLine(
                makeEvent(m_web, HourMs + i, u"gpt-4o"_s, 200, 10, 10, 1'000, u"long-%1"_s.arg(i)),
                u"prod-web-app"_s);
        }
        QCOMPARE(file.write(lines), lines.size());
        file.close();

        m_page->findChild<QAction*>(u"actionImportUsage"_s)->trigger();
        UsageImportDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = m_page->findChild<UsageImportDialog*>()) && dialog->isVisible());
        dialog->setPath(path);
        auto* cancel = child<QPushButton>(dialog, u"importCancelButton"_s);
        QVERIFY(!cancel->isVisible());
        QTest::mouseClick(child<QPushButton>(dialog, u"importRunButton"_s), Qt::LeftButton);
        QTRY_VERIFY(cancel->isVisible());
        auto* pace = child<QLabel>(dialog, u"importProgressLabel"_s);
        QTRY_VERIFY2(pace->text().contains(u" lines read"_s), qPrintable(pace->text()));
        auto* bar = child<QProgressBar>(dialog, u"importProgressBar"_s);
        QCOMPARE(bar->maximum(), 1000);
        QVERIFY(bar->value() > 0);

        // Escape asks what Cancel Import does, and the dialog stays to say how it ended.
        QTest::keyClick(dialog, Qt::Key_Escape);
        QVERIFY(dialog->isVisible());
        QVERIFY(!cancel->isEnabled());
        QTRY_VERIFY2_WITH_TIMEOUT(!dialog->isImporting(),
                                  qPrintable(dialog->reportText() + u" / "_s + pace->text()),
                                  30000);
        QVERIFY2(dialog->reportText().startsWith(u"Nothing was imported."_s),
                 qPrintable(dialog->reportText()));
        QVERIFY2(dialog->reportText().contains(u"cancelled"_s), qPrintable(dialog->reportText()));
        QVERIFY(!cancel->isVisible());
        dialog->close();
        // Nothing of the file was stored, so nothing was announced either.
        QTest::qWait(500);
        QVERIFY(empty->isVisible());
        QCOMPARE(cardValue(u"requestsCard"_s), u"0"_s);
    }
};

QTEST_MAIN(TestUsagePage)
#include "tst_usagepage.moc"
