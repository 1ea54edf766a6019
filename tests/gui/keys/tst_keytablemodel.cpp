#include "ApiKeyFormat.h"
#include "KeyFilterProxyModel.h"
#include "KeyTableModel.h"
#include "KeyUsage.h"
#include "ManualClock.h"
#include "UsdAmount.h"
#include "UtcTime.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QFont>
#include <QFontDatabase>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>
#include <limits>
#include <numeric>
#include <random>
#include <time.h>

using namespace Qt::StringLiterals;

namespace {
qint64 utc(const QString& text)
{
    return *UtcTime::parseRfc3339(text);
}

const qint64 Now = utc(u"2026-03-01T10:00:00Z"_s);
} // namespace

class TestKeyTableModel : public QObject
{
    Q_OBJECT

private:
    ApiKeyRecord makeRecord(const QString& label, const QString& environment, qint64 createdMs)
    {
        const QString secret = ApiKeyFormat::generate(u"sk-", m_rng);
        ApiKeyRecord record;
        record.id = u"key_%1"_s.arg(++m_nextId);
        record.spec.label = label;
        record.spec.environment = environment;
        record.prefix = u"sk-"_s;
        record.hint = ApiKeyFormat::displayHint(secret);
        record.digestHex = ApiKeyFormat::digestHex(secret);
        record.createdAtMs = createdMs;
        record.updatedAtMs = createdMs;
        m_secrets.insert(record.id, secret);
        return record;
    }

    QVariant cell(const QAbstractItemModel& model, int row, int column, int role = Qt::DisplayRole)
    {
        return model.data(model.index(row, column), role);
    }

    // Waits for the proxy's worker, when it has one.
    static void settle(const KeyFilterProxyModel& proxy) { QTRY_VERIFY(!proxy.isPending()); }

    QStringList labelsInOrder(const QAbstractItemModel& model)
    {
        QStringList labels;
        for (int row = 0; row < model.rowCount(); ++row)
            labels << cell(model, row, KeyTableModel::Label).toString();
        return labels;
    }

    QRandomGenerator m_rng{42};
    int m_nextId = 0;
    QHash<QString, QString> m_secrets;

private Q_SLOTS:
    void initTestCase()
    {
        // A zone with a half-hour offset and no DST makes "shown in local time" unambiguous.
        qputenv("TZ", "Asia/Kolkata");
        tzset();
    }

    void displaysLocalTimesNeverAndMoney()
    {
        ManualClock clock(Now);
        KeyTableModel model(clock);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);

        ApiKeyRecord limited =
            makeRecord(u"prod-web-app"_s, u"prod"_s, utc(u"2026-01-15T12:00:00Z"_s));
        limited.spec.permissions = Permissions(Permission::Read) | Permission::Admin;
        limited.spec.quotaLimitMicros = 25 * UsdAmount::MicrosPerUsd;
        limited.quotaUsedMicros = 1'500'000;
        limited.lastUsedAtMs = utc(u"2026-02-28T23:45:00Z"_s);
        limited.spec.expiresAtMs = utc(u"2027-01-31T00:00:00Z"_s);
        limited.spec.tier = Tier::Pro;
        limited.spec.spendCapDayMicros = 2 * UsdAmount::MicrosPerUsd;
        limited.spec.spendCapMonthMicros = 2000 * UsdAmount::MicrosPerUsd;
        limited.spendMonthMicros = 1'431'830'000;
        limited.spec.owner = u"Web platform"_s;
        ApiKeyRecord open = makeRecord(u"ci-tests"_s, u"dev"_s, utc(u"2026-01-10T08:00:00Z"_s));
        open.spec.type = KeyType::Subscription;
        open.spec.billingCycleDay = 5;
        model.setRecords({limited, open});

        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.columnCount(), int(KeyTableModel::ColumnCount));
        QCOMPARE(cell(model, 0, KeyTableModel::Label).toString(), u"prod-web-app"_s);
        QCOMPARE(cell(model, 0, KeyTableModel::Key).toString(), limited.hint);
        QVERIFY(
            !cell(model, 0, KeyTableModel::Key).toString().contains(m_secrets.value(limited.id)));
        QCOMPARE(cell(model, 0, KeyTableModel::Environment).toString(), u"prod"_s);
        QCOMPARE(cell(model, 0, KeyTableModel::Type).toString(), u"Standard"_s);
        QCOMPARE(cell(model, 1, KeyTableModel::Type).toString(), u"Subscription"_s);
        QVERIFY(cell(model, 1, KeyTableModel::Type, Qt::ToolTipRole).toString().contains(u"day 5"));
        QCOMPARE(cell(model, 0, KeyTableModel::Status).toString(), u"Active"_s);
        QCOMPARE(cell(model, 0, KeyTableModel::Permissions).toString(), u"read, admin"_s);
        // UTC 12:00 is 17:30 in Kolkata; 23:45 UTC is already the next day there.
        QCOMPARE(cell(model, 0, KeyTableModel::Created).toString(), u"2026-01-15 17:30"_s);
        QCOMPARE(cell(model, 0, KeyTableModel::LastUsed).toString(), u"2026-03-01 05:15"_s);
        QCOMPARE(cell(model, 0, KeyTableModel::Expires).toString(), u"2027-01-31 05:30"_s);
        QCOMPARE(cell(model, 0, KeyTableModel::QuotaUsed).toString(), u"$1.50"_s);
        QCOMPARE(cell(model, 0, KeyTableModel::QuotaRemaining).toString(), u"$23.50"_s);
        QCOMPARE(cell(model, 1, KeyTableModel::LastUsed).toString(), u"Never"_s);
        QCOMPARE(cell(model, 1, KeyTableModel::Expires).toString(), u"Never"_s);
        QCOMPARE(cell(model, 1, KeyTableModel::QuotaUsed).toString(), u"$0.00"_s);
        QCOMPARE(cell(model, 1, KeyTableModel::QuotaRemaining).toString(), u"Unlimited"_s);
        // The columns the chooser adds; the quota's bar is 6% full, an unlimited key has none.
        QCOMPARE(cell(model, 0, KeyTableModel::Tier).toString(), u"Pro"_s);
        QCOMPARE(cell(model, 0, KeyTableModel::MonthSpend).toString(), u"$1,431.83"_s);
        QCOMPARE(cell(model, 0, KeyTableModel::Caps).toString(), u"$2.00/day · $2,000.00/month"_s);
        QCOMPARE(cell(model, 1, KeyTableModel::Caps).toString(), u"None"_s);
        QCOMPARE(cell(model, 0, KeyTableModel::Owner).toString(), u"Web platform"_s);
        QCOMPARE(
            cell(model, 0, KeyTableModel::QuotaUsed, KeyTableModel::QuotaFractionRole).toDouble(),
            0.06);
        QVERIFY(
            !cell(model, 1, KeyTableModel::QuotaUsed, KeyTableModel::QuotaFractionRole).isValid());
        QVERIFY(cell(model, 0, KeyTableModel::Caps, Qt::ToolTipRole)
                    .toString()
                    .contains(u"Day spend cap"_s));
        QVERIFY(cell(model, 0, KeyTableModel::QuotaUsed, Qt::ToolTipRole)
                    .toString()
                    .startsWith(u"$1.50 spent"));

        QVERIFY(cell(model, 0, KeyTableModel::Key, Qt::ToolTipRole).toString().contains(u"masked"));
        QCOMPARE(cell(model, 0, KeyTableModel::Key, Qt::FontRole).value<QFont>(),
                 QFontDatabase::systemFont(QFontDatabase::FixedFont));
        QVERIFY(!cell(model, 0, KeyTableModel::Label, Qt::FontRole).isValid());
        QCOMPARE(cell(model, 0, KeyTableModel::Label, KeyTableModel::KeyIdRole).toString(),
                 limited.id);
    }

    void rawValuesSortAfterRealOnes()
    {
        ManualClock clock(Now);
        KeyTableModel model(clock);
        ApiKeyRecord record = makeRecord(u"raw"_s, u"dev"_s, utc(u"2026-02-01T00:00:00Z"_s));
        record.quotaUsedMicros = 42;
        model.setRecords({record});
        constexpr qint64 Max = std::numeric_limits<qint64>::max();
        const int raw = KeyTableModel::RawValueRole;
        QCOMPARE(cell(model, 0, KeyTableModel::Created, raw).toLongLong(), record.createdAtMs);
        QCOMPARE(cell(model, 0, KeyTableModel::LastUsed, raw).toLongLong(), -1);
        QCOMPARE(cell(model, 0, KeyTableModel::Expires, raw).toLongLong(), Max);
        QCOMPARE(cell(model, 0, KeyTableModel::QuotaUsed, raw).toLongLong(), 42);
        QCOMPARE(cell(model, 0, KeyTableModel::QuotaRemaining, raw).toLongLong(), Max);
        QCOMPARE(cell(model, 0, KeyTableModel::Status, raw).toInt(), int(KeyStatus::Active));
        QCOMPARE(cell(model, 0, KeyTableModel::Type, raw).toInt(), int(KeyType::Standard));
    }

    void statusFollowsTheClock()
    {
        ManualClock clock(Now);
        KeyTableModel model(clock);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ApiKeyRecord expiring = makeRecord(u"expiring"_s, u"dev"_s, Now - 1000);
        expiring.spec.expiresAtMs = Now + 60'000;
        ApiKeyRecord revoked = makeRecord(u"revoked"_s, u"dev"_s, Now - 2000);
        revoked.status = KeyStatus::Revoked;
        revoked.revokedAtMs = Now - 500;
        revoked.spec.expiresAtMs = Now - 100; // revoked wins over expired
        ApiKeyRecord disabled = makeRecord(u"disabled"_s, u"dev"_s, Now - 3000);
        disabled.status = KeyStatus::Disabled;
        model.setRecords({expiring, revoked, disabled});

        QCOMPARE(cell(model, 0, KeyTableModel::Status).toString(), u"Active"_s);
        QCOMPARE(cell(model, 1, KeyTableModel::Status).toString(), u"Revoked"_s);
        QCOMPARE(cell(model, 2, KeyTableModel::Status).toString(), u"Disabled"_s);
        const QColor active =
            cell(model, 0, KeyTableModel::Status, Qt::ForegroundRole).value<QColor>();
        const QColor dead =
            cell(model, 1, KeyTableModel::Status, Qt::ForegroundRole).value<QColor>();
        QVERIFY(active.isValid() && dead.isValid() && active != dead);
        QVERIFY(!cell(model, 0, KeyTableModel::Label, Qt::ForegroundRole).isValid());
        QVERIFY(cell(model, 1, KeyTableModel::Label, Qt::ForegroundRole).isValid());
        QVERIFY(!cell(model, 0, KeyTableModel::Status, Qt::DecorationRole).value<QIcon>().isNull());

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.refreshTimeDependentColumns();
        QCOMPARE(changed.count(), 0);
        clock.advanceMs(60'000);
        model.refreshTimeDependentColumns();
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).value<QModelIndex>().row(), 0);
        QCOMPARE(cell(model, 0, KeyTableModel::Status).toString(), u"Expired"_s);
        QCOMPARE(cell(model, 1, KeyTableModel::Status).toString(), u"Revoked"_s);
    }

    // A key whose quota or cap refuses every request does not look like one that works.
    void anActiveKeyAtItsLimitsSaysWhatRequestsGet()
    {
        ManualClock clock(Now);
        KeyTableModel model(clock);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        constexpr qint64 Usd = 1'000'000;
        ApiKeyRecord exhausted = makeRecord(u"exhausted"_s, u"prod"_s, Now);
        exhausted.spec.quotaLimitMicros = 40 * Usd;
        exhausted.quotaUsedMicros = 40 * Usd;
        ApiKeyRecord capped = makeRecord(u"capped"_s, u"prod"_s, Now);
        capped.spec.spendCapDayMicros = 5 * Usd;
        capped.spendDayMicros = 5'760'000;
        ApiKeyRecord near = makeRecord(u"near"_s, u"prod"_s, Now);
        near.spec.spendCapMonthMicros = 100 * Usd;
        near.spendMonthMicros = 85 * Usd;
        ApiKeyRecord fine = makeRecord(u"fine"_s, u"prod"_s, Now);
        fine.spec.quotaLimitMicros = 40 * Usd;
        fine.quotaUsedMicros = 1 * Usd;
        ApiKeyRecord disabled = exhausted;
        disabled.id = u"key_disabled"_s;
        disabled.status = KeyStatus::Disabled;
        model.setRecords({exhausted, capped, near, fine, disabled});
        const QColor red(0xc6, 0x28, 0x28);
        const QColor amber(0xb2, 0x6a, 0x00);

        QCOMPARE(cell(model, 0, KeyTableModel::Status).toString(), u"Quota exhausted"_s);
        QCOMPARE(cell(model, 0, KeyTableModel::Status, Qt::ForegroundRole).value<QColor>(), red);
        const QString quotaTip = cell(model, 0, KeyTableModel::Status, Qt::ToolTipRole).toString();
        QVERIFY2(quotaTip.contains(u"The quota of $40.00 is used up ($40.00 spent): requests fail "
                                   "with 402 insufficient_quota until an admin raises it."_s),
                 qPrintable(quotaTip));

        QCOMPARE(cell(model, 1, KeyTableModel::Status).toString(), u"Day cap reached"_s);
        QCOMPARE(cell(model, 1, KeyTableModel::Status, Qt::ForegroundRole).value<QColor>(), red);
        const QString capTip = cell(model, 1, KeyTableModel::Status, Qt::ToolTipRole).toString();
        // The day ends at midnight UTC, shown in local time (UTC+5:30 here).
        QVERIFY2(capTip.contains(u"The day spend cap of $5.00 is reached ($5.76 spent): requests "
                                 "fail with 429 quota_exceeded until 2026-03-02 05:30."_s),
                 qPrintable(capTip));

        QCOMPARE(cell(model, 2, KeyTableModel::Status).toString(), u"Month cap at 85%"_s);
        QCOMPARE(cell(model, 2, KeyTableModel::Status, Qt::ForegroundRole).value<QColor>(), amber);
        QVERIFY(cell(model, 2, KeyTableModel::Status, Qt::ToolTipRole)
                    .toString()
                    .contains(u"Requests with this key are accepted.\nMonth spend cap: $85.00 of "
                              "$100.00 (85%)"_s));

        QCOMPARE(cell(model, 3, KeyTableModel::Status).toString(), u"Active"_s);
        QVERIFY(cell(model, 3, KeyTableModel::Status, Qt::ToolTipRole)
                    .toString()
                    .startsWith(u"Requests with this key are accepted."_s));
        // A key refused for its status says its status; the limit is not what stops it.
        QCOMPARE(cell(model, 4, KeyTableModel::Status).toString(), u"Disabled"_s);
        // The icon's colour follows the text's.
        QVERIFY(
            cell(model, 0, KeyTableModel::Status, Qt::DecorationRole).value<QIcon>().cacheKey() !=
            cell(model, 3, KeyTableModel::Status, Qt::DecorationRole).value<QIcon>().cacheKey());
        // Sorting by status still sorts by the status itself.
        QCOMPARE(cell(model, 0, KeyTableModel::Status, KeyTableModel::RawValueRole).toInt(),
                 int(KeyStatus::Active));
    }

    void incrementalUpdateKeepsRowsInPlace()
    {
        ManualClock clock(Now);
        KeyTableModel model(clock);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QList<ApiKeyRecord> records;
        for (int i = 0; i < 10; ++i)
            records << makeRecord(u"key-%1"_s.arg(i), u"dev"_s, Now - i * 1000);
        QVERIFY(model.setRecords(records)); // the first load is a reset

        const QPersistentModelIndex tracked = model.index(5, KeyTableModel::Label);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        // A new key on top, one removed, one changed: what a reload after three actions sees.
        QList<ApiKeyRecord> next = records;
        next.prepend(makeRecord(u"new-key"_s, u"prod"_s, Now));
        next.removeAt(3);
        next[7].status = KeyStatus::Disabled;
        QVERIFY(!model.setRecords(next));
        QCOMPARE(resets.count(), 0);
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(labelsInOrder(model).constFirst(), u"new-key"_s);
        QVERIFY(!labelsInOrder(model).contains(u"key-2"_s));
        QVERIFY(tracked.isValid());
        QCOMPARE(tracked.data().toString(), u"key-5"_s);
        QCOMPARE(model.rowForId(next.at(7).id), 7);
        QCOMPARE(cell(model, 7, KeyTableModel::Status).toString(), u"Disabled"_s);
        QCOMPARE(model.environments(), QStringList({u"dev"_s, u"prod"_s}));

        // A reordering cannot be expressed as inserts and removals: reset.
        std::reverse(next.begin(), next.end());
        QVERIFY(model.setRecords(next));
        QCOMPARE(resets.count(), 1);
        QCOMPARE(labelsInOrder(model).constLast(), u"new-key"_s);

        model.removeRecord(next.constLast().id);
        QCOMPARE(model.rowCount(), 9);
        QCOMPARE(model.rowForId(next.constLast().id), -1);
        model.upsertRecord(next.constLast());
        QCOMPARE(model.rowForId(next.constLast().id), 0);
    }

    void proxyFiltersAndSorts_data()
    {
        QTest::addColumn<int>("synchronousRows");
        QTest::newRow("in place") << KeyFilterProxyModel::DefaultSynchronousRows;
        QTest::newRow("on the worker") << 0;
    }

    void proxyFiltersAndSorts()
    {
        QFETCH(int, synchronousRows);
        ManualClock clock(Now);
        KeyTableModel model(clock);
        KeyFilterProxyModel proxy(nullptr, synchronousRows);
        proxy.setSourceModel(&model);
        QAbstractItemModelTester sourceTester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(
            &proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

        ApiKeyRecord web = makeRecord(u"Prod-Web-App"_s, u"prod"_s, Now - 3000);
        web.spec.quotaLimitMicros = 10 * UsdAmount::MicrosPerUsd;
        web.quotaUsedMicros = 9 * UsdAmount::MicrosPerUsd;
        ApiKeyRecord batch = makeRecord(u"batch-jobs"_s, u"prod"_s, Now - 2000);
        batch.spec.models = {u"gpt-4o-mini"_s};
        batch.spec.quotaLimitMicros = 50 * UsdAmount::MicrosPerUsd;
        ApiKeyRecord ci = makeRecord(u"ci-tests"_s, u"staging"_s, Now - 1000);
        ci.spec.expiresAtMs = Now - 1; // expired
        ApiKeyRecord old = makeRecord(u"old-service"_s, u"dev"_s, Now - 4000);
        old.status = KeyStatus::Revoked;
        model.setRecords({ci, batch, web, old});
        settle(proxy);
        QCOMPARE(proxy.rowCount(), 4);

        proxy.setSearchText(u"WEB"_s);
        settle(proxy);
        QCOMPARE(labelsInOrder(proxy), QStringList({u"Prod-Web-App"_s}));
        proxy.setSearchText(u"4o-MINI"_s);
        settle(proxy);
        QCOMPARE(labelsInOrder(proxy), QStringList({u"batch-jobs"_s}));
        proxy.setSearchText(ci.hint.right(4));
        settle(proxy);
        QVERIFY(labelsInOrder(proxy).contains(u"ci-tests"_s));
        proxy.setSearchText(old.id);
        settle(proxy);
        QCOMPARE(labelsInOrder(proxy), QStringList({u"old-service"_s}));
        // A pasted full key finds its record by digest, even though no field contains it.
        proxy.setSearchText(u"  "_s + m_secrets.value(batch.id) + u" "_s);
        settle(proxy);
        QCOMPARE(labelsInOrder(proxy), QStringList({u"batch-jobs"_s}));
        proxy.setSearchText(QString());
        settle(proxy);
        QVERIFY(!proxy.isFiltering());

        proxy.setEnvironmentFilter(u"prod"_s);
        settle(proxy);
        QCOMPARE(proxy.rowCount(), 2);
        proxy.setEnvironmentFilter(QString());
        settle(proxy);
        proxy.setStatusFilter(KeyStatus::Expired);
        settle(proxy);
        QCOMPARE(labelsInOrder(proxy), QStringList({u"ci-tests"_s}));
        proxy.setStatusFilter(KeyStatus::Active);
        settle(proxy);
        QCOMPARE(proxy.rowCount(), 2);
        proxy.setStatusFilter(std::nullopt);
        settle(proxy);

        proxy.sort(KeyTableModel::Label, Qt::AscendingOrder);
        settle(proxy);
        QCOMPARE(labelsInOrder(proxy), QStringList({u"batch-jobs"_s, u"ci-tests"_s,
                                                    u"old-service"_s, u"Prod-Web-App"_s}));
        proxy.sort(KeyTableModel::QuotaRemaining, Qt::AscendingOrder);
        settle(proxy);
        // $1 left, $50 left, then the two unlimited keys (oldest first on a tie).
        QCOMPARE(labelsInOrder(proxy), QStringList({u"Prod-Web-App"_s, u"batch-jobs"_s,
                                                    u"old-service"_s, u"ci-tests"_s}));
        proxy.sort(KeyTableModel::Created, Qt::DescendingOrder);
        settle(proxy);
        QCOMPARE(labelsInOrder(proxy), QStringList({u"ci-tests"_s, u"batch-jobs"_s,
                                                    u"Prod-Web-App"_s, u"old-service"_s}));

        // Rows arriving while sorted and filtered land in place.
        proxy.setEnvironmentFilter(u"prod"_s);
        settle(proxy);
        ApiKeyRecord fresh = makeRecord(u"prod-new"_s, u"prod"_s, Now);
        model.upsertRecord(fresh);
        settle(proxy);
        QCOMPARE(labelsInOrder(proxy).constFirst(), u"prod-new"_s);
        QCOMPARE(proxy.rowCount(), 3);
        model.removeRecord(web.id);
        settle(proxy);
        QCOMPARE(proxy.rowCount(), 2);
    }

    // The worker path: the view keeps its rows until the new order arrives, a superseded order
    // is never shown, and the selection follows its key through every reorder.
    void proxyOrdersOnTheWorker()
    {
        ManualClock clock(Now);
        KeyTableModel model(clock);
        KeyFilterProxyModel proxy(nullptr, 0);
        proxy.setSourceModel(&model);
        QAbstractItemModelTester proxyTester(
            &proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy settled(&proxy, &KeyFilterProxyModel::settled);

        QList<ApiKeyRecord> records;
        QList<int> labels(300);
        std::iota(labels.begin(), labels.end(), 0);
        std::shuffle(labels.begin(), labels.end(), std::mt19937(7));
        for (int i = 0; i < labels.size(); ++i)
            records << makeRecord(u"key-%1"_s.arg(labels.at(i), 3, 10, QChar(u'0')),
                                  i % 2 ? u"prod"_s : u"dev"_s, Now - i * 1000);
        model.setRecords(records);
        QVERIFY(proxy.isPending());
        QCOMPARE(proxy.rowCount(), 0);
        settle(proxy);
        QCOMPARE(proxy.rowCount(), 300);

        proxy.sort(KeyTableModel::Label, Qt::AscendingOrder);
        settle(proxy);
        QCOMPARE(labelsInOrder(proxy).constFirst(), u"key-000"_s);
        QCOMPARE(labelsInOrder(proxy).constLast(), u"key-299"_s);
        const QPersistentModelIndex selected = proxy.index(150, KeyTableModel::Label);
        QCOMPARE(selected.data().toString(), u"key-150"_s);

        const int settledBefore = int(settled.count());
        proxy.setSearchText(u"key-1"_s);
        proxy.setSearchText(u"key-15"_s);
        QVERIFY(proxy.isPending());
        QCOMPARE(proxy.rowCount(), 300);
        settle(proxy);
        QCOMPARE(settled.count(), settledBefore + 1);
        QStringList expected;
        for (int i = 150; i < 160; ++i)
            expected << u"key-%1"_s.arg(i);
        QCOMPARE(labelsInOrder(proxy), expected);
        QCOMPARE(selected.row(), 0);
        QCOMPARE(selected.data().toString(), u"key-150"_s);

        // Usage for every row at once is reordered on the worker when the table sorts by it.
        proxy.setSearchText(QString());
        proxy.sort(KeyTableModel::LastUsed, Qt::DescendingOrder);
        settle(proxy);
        QList<KeyUsage> usage;
        for (const ApiKeyRecord& record : std::as_const(records)) {
            KeyUsage used = KeyUsage::of(record);
            used.lastUsedAtMs = Now - record.spec.label.mid(4).toInt() * 1000;
            usage << used;
        }
        QCOMPARE(model.applyUsage(usage), 300);
        QVERIFY(proxy.isPending());
        settle(proxy);
        QCOMPARE(labelsInOrder(proxy).constFirst(), u"key-000"_s);
        QCOMPARE(labelsInOrder(proxy).at(150), u"key-150"_s);
        QCOMPARE(selected.data().toString(), u"key-150"_s);

        // A key removed while an order is computed is not shown when it arrives.
        proxy.setSearchText(u"key-2"_s);
        const int gone = model.rowForId(records.at(labels.indexOf(250)).id);
        QCOMPARE(model.record(gone).spec.label, u"key-250"_s);
        model.removeRecord(model.record(gone).id);
        settle(proxy);
        QCOMPARE(proxy.rowCount(), 99);
        QVERIFY(!labelsInOrder(proxy).contains(u"key-250"_s));
        QVERIFY(!selected.isValid());

        // One edited row moves at once, without a worker round trip.
        const int source = model.rowForId(records.at(labels.indexOf(299)).id);
        ApiKeyRecord moved = model.record(source);
        moved.lastUsedAtMs = Now + 1000;
        model.upsertRecord(moved);
        QVERIFY(!proxy.isPending());
        QCOMPARE(labelsInOrder(proxy).constFirst(), u"key-299"_s);
    }

    void flagsKeysExpiringSoonAndDueForRotation()
    {
        constexpr qint64 DayMs = 86'400'000;
        const QColor amber(0xb2, 0x6a, 0x00);
        ManualClock clock(Now);
        KeyTableModel model(clock);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ApiKeyRecord soon = makeRecord(u"soon"_s, u"prod"_s, Now - DayMs);
        soon.spec.expiresAtMs = Now + 3 * DayMs;
        ApiKeyRecord later = makeRecord(u"later"_s, u"prod"_s, Now - DayMs);
        later.spec.expiresAtMs = Now + 30 * DayMs;
        ApiKeyRecord old = makeRecord(u"old"_s, u"prod"_s, Now - 100 * DayMs);
        ApiKeyRecord rotated = makeRecord(u"rotated"_s, u"prod"_s, Now - 100 * DayMs);
        rotated.rotatedToId = u"key_new"_s;
        ApiKeyRecord revoked = makeRecord(u"revoked"_s, u"prod"_s, Now - 100 * DayMs);
        revoked.status = KeyStatus::Revoked;
        revoked.revokedAtMs = Now - DayMs;
        revoked.spec.expiresAtMs = Now + 3 * DayMs;
        model.setRecords({soon, later, old, rotated, revoked});

        QCOMPARE(cell(model, 0, KeyTableModel::Expires).toString(), u"in 3 days"_s);
        QCOMPARE(cell(model, 0, KeyTableModel::Expires, Qt::ForegroundRole).value<QColor>(), amber);
        QVERIFY(cell(model, 0, KeyTableModel::Expires, Qt::ToolTipRole)
                    .toString()
                    .startsWith(u"Expires in 3 days"));
        QCOMPARE(cell(model, 1, KeyTableModel::Expires).toString(),
                 KeyTableModel::formatLocalTime(Now + 30 * DayMs));
        QVERIFY(!cell(model, 1, KeyTableModel::Expires, Qt::ForegroundRole).isValid());
        // Revoked keys are past warning.
        QCOMPARE(cell(model, 4, KeyTableModel::Expires).toString(),
                 KeyTableModel::formatLocalTime(Now + 3 * DayMs));

        QCOMPARE(cell(model, 2, KeyTableModel::Status).toString(), u"Active · rotation due"_s);
        QCOMPARE(cell(model, 2, KeyTableModel::Status, Qt::ForegroundRole).value<QColor>(), amber);
        QVERIFY(cell(model, 2, KeyTableModel::Status, Qt::ToolTipRole)
                    .toString()
                    .contains(u"Rotation due: created 100 days ago"));
        QCOMPARE(cell(model, 0, KeyTableModel::Status).toString(), u"Active"_s);
        // Rotated already: pending until it is revoked, and never also "due".
        QCOMPARE(cell(model, 3, KeyTableModel::Status).toString(), u"Active · rotation pending"_s);
        QCOMPARE(cell(model, 3, KeyTableModel::Status, Qt::ForegroundRole).value<QColor>(), amber);
        QVERIFY(cell(model, 3, KeyTableModel::Status, Qt::ToolTipRole)
                    .toString()
                    .contains(u"Rotation pending: replaced by"));
        QCOMPARE(cell(model, 4, KeyTableModel::Status).toString(), u"Revoked"_s);
        // The raw status sorts as before: the flag is not a status.
        QCOMPARE(cell(model, 2, KeyTableModel::Status, KeyTableModel::RawValueRole).toInt(),
                 int(KeyStatus::Active));

        // The workspace settings move the thresholds.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setLifecycleThresholds(40, 120);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(cell(model, 1, KeyTableModel::Expires).toString(), u"in 30 days"_s);
        QCOMPARE(cell(model, 2, KeyTableModel::Status).toString(), u"Active"_s);

        // Time alone changes the flags, and the view hears of it.
        model.setLifecycleThresholds(14, 90);
        changed.clear();
        clock.advanceMs(17 * DayMs);
        model.refreshTimeDependentColumns();
        QCOMPARE(cell(model, 1, KeyTableModel::Expires).toString(), u"in 13 days"_s);
        QCOMPARE(cell(model, 0, KeyTableModel::Status).toString(), u"Expired"_s);
        QVERIFY(changed.count() >= 2);
    }
};

QTEST_MAIN(TestKeyTableModel)
#include "tst_keytablemodel.moc"
