#pragma once

#include "ApiError.h"
#include "ApiRouter.h"
#include "StoreThread.h"

#include <QByteArray>
#include <QJsonArray>
#include <memory>
#include <optional>

class Clock;
class KeyCache;
class RateLimiter;
class RequestIds;
class RequestLog;
class SpendStore;
class StoreConnection;
class UpstreamRouter;
class UsageMeter;
struct ApiKeyRecord;

// The API traffic door (/v1/chat/completions, /v1/completions, /v1/embeddings, /v1/models,
// /v1/messages): every request's key is checked in SPEC §5's order - format and checksum
// offline, known, revoked, disabled, expired, client address, permission, model - then the
// request's rate (RPM/TPM) is admitted, then (for a key with a spend cap or a quota) its
// worst-case cost is reserved in the store, which checks the key's state once more, then it
// goes to the upstream with the upstream's own key,
// its answer (a stream piece by piece) comes back, and one usage event per request is metered,
// refusals included.
class GatewayApi final
{
    Q_DISABLE_COPY_MOVE(GatewayApi)

public:
    struct Services
    {
        StoreConnection& store;
        StoreThread storeThread;
        const Clock& clock;
        KeyCache& keys;
        RateLimiter& limiter;
        UpstreamRouter& upstreams;
        UsageMeter& meter;
        RequestLog& log;
        RequestIds& requestIds;
        // Keys with a spend cap or a quota are admitted by reservation, made in this holder's
        // name (SpendLeases).
        SpendStore& spend;
        QString spendHolder;
    };

    explicit GatewayApi(Services services);
    ~GatewayApi();

    void addRoutes(ApiRouter& router);

    // The checks of a key found (cached or read), in SPEC §5's order: its state, the client's
    // address, the read permission; then the model the request names. nullopt: allowed.
    static std::optional<ApiError> keyRefusal(const ApiKeyRecord& key, qint64 nowUtcMs,
                                              const QString& clientAddress);
    static std::optional<ApiError> modelRefusal(const ApiKeyRecord& key, const QString& model);

    // The largest answer read whole (one not streamed).
    static constexpr qint64 MaxAnswerBytes = 32 * 1024 * 1024;
    // Stream events that may wait for the client's connection to take the stream.
    static constexpr qint64 MaxQueuedBytes = 1024 * 1024;
    // Metered for a client that hung up before its answer ended (as nginx logs it).
    static constexpr int ClientClosedRequest = 499;
    // What a request without max_tokens is taken to use at most, until its answer says; a
    // request reserving spend is sent upstream with it as its limit, so the reservation holds.
    static constexpr qint64 DefaultCompletionCeiling = 4096;

    struct Exchange;

private:
    void handle(bool anthropic, const ApiRouter::Call& call, HttpResponder respond);
    void lookUp(const std::shared_ptr<Exchange>& exchange, const QByteArray& digest);
    void authorize(const std::shared_ptr<Exchange>& exchange,
                   std::shared_ptr<const ApiKeyRecord> key);
    void admit(const std::shared_ptr<Exchange>& exchange);
    void reserve(const std::shared_ptr<Exchange>& exchange);
    void forward(const std::shared_ptr<Exchange>& exchange);
    // GET /v1/models: the upstream's list (upstreamModels) and the configured models, only
    // those the key may use.
    QByteArray modelList(const ApiKeyRecord& key, const QJsonArray& upstreamModels) const;
    void settle(const std::shared_ptr<Exchange>& exchange);
    void refuse(const std::shared_ptr<Exchange>& exchange, const ApiError& error);
    void meter(const std::shared_ptr<Exchange>& exchange, int status);

    Services m_services;
};
