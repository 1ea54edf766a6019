#pragma once

#include "KeyStore.h"
#include "ManualClock.h"
#include "StoreConnection.h"
#include "UsageStore.h"

#include <QObject>
#include <functional>
#include <memory>

// What every UsageStore promises, written against KeyStore and UsageStore only, so the REST
// store runs the very same tests. The factory returns a fresh, empty, opened store for each test
// function, seen through both interfaces; the clock it is given is the one the store must use.
class UsageStoreContract final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsageStoreContract)

public:
    using Factory = std::function<std::unique_ptr<StoreConnection>(ManualClock& clock)>;

    explicit UsageStoreContract(Factory factory, QObject* parent = nullptr);
    ~UsageStoreContract() override;

    // 2026-01-01T00:00:00Z, a Thursday: where each test's clock starts.
    static constexpr qint64 StartMs = 1'767'225'600'000;

private Q_SLOTS:
    void init();
    void cleanup();

    void recordedEventsAddUpInTotalsSlotsAndLogs();
    void repeatedRequestIdIsStoredOnce();
    void unknownKeyRefusesTheWholeBatch();
    void invalidEventRefusesTheWholeBatch_data();
    void invalidEventRefusesTheWholeBatch();
    void eventsWithoutCostArePricedFromThePriceTable();
    void invalidPriceTableChangesNothing_data();
    void invalidPriceTableChangesNothing();
    void statusClassFilters();
    void keyAndModelFilters();
    void rollupReadsCountWholeSlotsAndLogsExactTimes();
    void seriesFoldsDenseBucketsInTheZone_data();
    void seriesFoldsDenseBucketsInTheZone();
    void aKeysDaySeriesCountsWholeAndPartialDays_data();
    void aKeysDaySeriesCountsWholeAndPartialDays();
    void groupsAreHighestCostFirst();
    void groupsOverSeveralDaysCountPartialDays();
    void logsPageAndSortStably_data();
    void logsPageAndSortStably();
    void aBackdatedEventDuringPagingNeitherRepeatsNorSkipsARow();
    void aCursorFromElsewhereIsRefusedNamingTheField();
    void importReadsAStreamOfUnknownLength();
    void readsGoOnWhileAnImportWaitsForItsInput();
    void modelsListEveryModelSeen();
    void derivedKeyFieldsFollowUsage();
    void spendWindowsFollowTheClock_data();
    void spendWindowsFollowTheClock();
    void deletedKeyKeepsItsHistory();
    void keyUsageIsWhatTheListedKeysDerive();
    void usageChangedFollowsEveryRecordedBatch();

private:
    KeyStore& keys() { return m_store->keys(); }
    UsageStore& usage() { return m_store->usage(); }
    // The new key's id, or empty (and a test failure) when it could not be created.
    QString createKey(const QString& label, std::optional<qint64> quotaMicros = std::nullopt);
    // Keys a and b, and their usage around [from, to) (06:00 on one day to 18:00 three days
    // later: partial days at both ends) recorded; inside: the events in the range, alternating
    // between the keys and the statuses. a is empty when that failed.
    struct SeveralDays
    {
        QString a;
        QString b;
        qint64 from = 0;
        qint64 to = 0;
        QList<UsageEvent> inside;
    };
    SeveralDays recordSeveralDaysOfUsage();
    std::optional<ApiKeyRecord> findKey(const QString& id);

    Factory m_factory;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<StoreConnection> m_store;
};
