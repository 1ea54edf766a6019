#include "UsageWriter.h"

#include "IpAddress.h"
#include "PlainText.h"
#include "SqlSession.h"
#include "StoreError.h"
#include "UsdAmount.h"

using namespace Qt::StringLiterals;

namespace {
// The limits UsageCodec applies to import files.
constexpr qint64 MaxTokens = 1'000'000'000;
constexpr qint64 MaxLatencyMs = 100'000'000;
constexpr qint64 MaxCostMicros = 1'000'000'000'000 * UsdAmount::MicrosPerUsd;
constexpr int MaxTextLength = 256;

std::optional<FieldError> checkText(const QString& field, const QString& text, bool required)
{
    if (required && text.isEmpty())
        return FieldError{field, u"is required"_s};
    if (text.size() > MaxTextLength)
        return FieldError{field, u"is longer than %1 characters"_s.arg(MaxTextLength)};
    if (const auto problem = PlainText::problem(text))
        return FieldError{field, *problem};
    return std::nullopt;
}

std::optional<FieldError> checkCount(const QString& field, qint64 value, qint64 max)
{
    if (value < 0 || value > max)
        return FieldError{field, u"must be a whole number from 0 to %1"_s.arg(max)};
    return std::nullopt;
}

// The driver binds a null QString as NULL; optional text columns hold '' instead.
QString textOrEmpty(const QString& text)
{
    return text.isNull() ? u""_s : text;
}
} // namespace

UsageWriter::UsageWriter(const SqlSession& session, PriceTable prices,
                         std::optional<qint64> importId)
    : m_session(session)
    , m_prices(std::move(prices))
    // Only a repeated request_id is skipped; any other constraint failure still fails the write.
    , m_insert(session,
               u"INSERT INTO usage_events (time_ms, key_id, model, endpoint, status, "
               "prompt_tokens, completion_tokens, cost_micros, latency_ms, client_ip, request_id, "
               "import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
               "ON CONFLICT (request_id) WHERE request_id IS NOT NULL DO NOTHING"_s)
    , m_rollup(session, importId ? UsageRollup::Target::Staging : UsageRollup::Target::Store)
    , m_importId(importId)
{}

std::optional<FieldError> UsageWriter::normalize(UsageEvent& event)
{
    std::optional<FieldError> error = checkText(u"key"_s, event.key, true);
    if (!error)
        error = checkText(u"model"_s, event.model, true);
    if (!error)
        error = checkText(u"endpoint"_s, event.endpoint, false);
    if (!error)
        error = checkText(u"request_id"_s, event.requestId, false);
    if (!error && (event.status < 100 || event.status > 599))
        error = FieldError{u"status"_s, u"must be a whole number from 100 to 599"_s};
    if (!error)
        error = checkCount(u"prompt_tokens"_s, event.promptTokens, MaxTokens);
    if (!error)
        error = checkCount(u"completion_tokens"_s, event.completionTokens, MaxTokens);
    if (!error)
        error = checkCount(u"latency_ms"_s, event.latencyMs, MaxLatencyMs);
    if (!error && event.costMicros && (*event.costMicros < 0 || *event.costMicros > MaxCostMicros))
        error = FieldError{u"cost_usd"_s,
                           u"must be from 0 to %1 USD"_s.arg(UsdAmount::format(MaxCostMicros))};
    if (!error && !event.clientIp.isEmpty()) {
        QString why;
        const auto address = IpAddress::parse(event.clientIp, &why);
        if (address)
            event.clientIp = address->toString();
        else
            error = FieldError{u"ip"_s, why};
    }
    return error;
}

bool UsageWriter::add(UsageEvent event)
{
    if (!event.costMicros)
        event.costMicros =
            m_prices.costMicros(event.model, event.promptTokens, event.completionTokens);
    m_insert.bind(0, event.timeMs);
    m_insert.bind(1, event.key);
    m_insert.bind(2, event.model);
    m_insert.bind(3, textOrEmpty(event.endpoint));
    m_insert.bind(4, event.status);
    m_insert.bind(5, event.promptTokens);
    m_insert.bind(6, event.completionTokens);
    m_insert.bind(7, *event.costMicros);
    m_insert.bind(8, event.latencyMs);
    m_insert.bind(9, textOrEmpty(event.clientIp));
    // Empty is no request id: NULL, which the unique index leaves out.
    if (event.requestId.isEmpty())
        m_insert.bindNull(10);
    else
        m_insert.bind(10, event.requestId);
    if (m_importId)
        m_insert.bind(11, *m_importId);
    else
        m_insert.bindNull(11);
    if (m_insert.run() != 1) {
        if (!m_importId)
            refuseIfHeldByAnImport(event.requestId);
        return false;
    }
    m_rollup.add(event);
    if (++m_pending >= FlushEvery) {
        m_rollup.flush();
        m_pending = 0;
    }
    return true;
}

void UsageWriter::refuseIfHeldByAnImport(const QString& requestId) const
{
    // A running import holds it: that import may yet fail and drop it, so it is not a duplicate
    // to skip. The caller's transaction rolls back; trying again later settles it.
    QSqlQuery held = m_session.prepare(
        u"SELECT 1 FROM usage_events WHERE request_id = ? AND import_id IN (SELECT id FROM "
        "usage_imports)"_s);
    held.addBindValue(requestId);
    m_session.run(held);
    if (held.next()) {
        throw StoreError(StoreError::Code::Unavailable,
                         u"A usage import still running holds request id \"%1\"; nothing was "
                         "recorded, try again when it is done."_s.arg(requestId));
    }
}

void UsageWriter::finish()
{
    m_rollup.flush();
    m_pending = 0;
}
