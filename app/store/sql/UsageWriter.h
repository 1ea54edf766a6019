#pragma once

#include "FieldError.h"
#include "PriceTable.h"
#include "SqlBatchStatement.h"
#include "UsageRollup.h"

#include <optional>

class SqlSession;

// Stores events and their roll-ups inside the caller's transaction. Statements are prepared once
// and reused; roll-up deltas are flushed every FlushEvery stored events, so a million-event
// import holds a few thousand deltas at a time.
class UsageWriter final
{
public:
    static constexpr int FlushEvery = 20'000;

    // prices: for events that come without a cost. importId: the events are an import's, stored
    // hidden (usage_events.import_id) with their roll-ups staged, until the import is published.
    // Keeps a reference to the session: a temporary would dangle.
    UsageWriter(const SqlSession&& session, PriceTable prices,
                std::optional<qint64> importId = std::nullopt) = delete;
    UsageWriter(const SqlSession& session, PriceTable prices,
                std::optional<qint64> importId = std::nullopt);

    // event.key must be the id of a stored key. False when an event with the same request_id is
    // already stored: it is then not counted again.
    bool add(UsageEvent event);
    // Writes the roll-up deltas still in memory; call before COMMIT.
    void finish();

    // For events that do not come through UsageCodec (recordUsage): the same limits, the same
    // field names as the import file. Folds the client IP to its canonical form.
    static std::optional<FieldError> normalize(UsageEvent& event);

private:
    void refuseIfHeldByAnImport(const QString& requestId) const;

    const SqlSession& m_session;
    PriceTable m_prices;
    SqlBatchStatement m_insert;
    UsageRollup m_rollup;
    std::optional<qint64> m_importId;
    int m_pending = 0;
};
