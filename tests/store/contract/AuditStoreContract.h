#pragma once

#include "AuditStore.h"
#include "KeyStore.h"
#include "ManualClock.h"
#include "StoreConnection.h"

#include <QObject>
#include <functional>
#include <memory>

// What every AuditStore promises: append-only entries timed by the store's clock, newest
// first by a cursor that never repeats or skips an entry, rows that outlive their key, and no
// key kept in any field. Written against the store interfaces only; the factory returns a
// fresh, empty, opened store for each test function.
class AuditStoreContract final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditStoreContract)

public:
    using Factory = std::function<std::unique_ptr<StoreConnection>(ManualClock& clock)>;

    explicit AuditStoreContract(Factory factory, QObject* parent = nullptr);
    ~AuditStoreContract() override;

    static constexpr qint64 StartMs = 1'767'225'600'000;

private Q_SLOTS:
    void init();
    void cleanup();

    void recordsAndPagesNewestFirst();
    void pagingIgnoresEntriesRecordedMeanwhile();
    void entriesOutliveTheKeyTheyName();
    void aRefusalWithNoKnownActorIsKept();
    void aKeyInAnyFieldIsKeptAsItsHint();
    void badCursorOrLimitIsInvalid_data();
    void badCursorOrLimitIsInvalid();

private:
    AuditStore& audit() { return m_store->audit(); }
    AuditEntry record(const QString& action, const QString& target = {});

    Factory m_factory;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<StoreConnection> m_store;
};
