#include "GatewayApi.h"

#include "ApiError.h"
#include "ApiKeyFormat.h"
#include "ApiKeyRecord.h"
#include "Clock.h"
#include "IpAddress.h"
#include "KeyAccess.h"
#include "KeyCache.h"
#include "KeyStore.h"
#include "KeyValidator.h"
#include "RateLimiter.h"
#include "RequestCredential.h"
#include "RequestIds.h"
#include "RequestLog.h"
#include "SpendAllowance.h"
#include "SpendStore.h"
#include "SseBuffer.h"
#include "StoreConnection.h"
#include "StoreError.h"
#include "StreamSink.h"
#include "TierLimits.h"
#include "UpstreamClient.h"
#include "UpstreamRouter.h"
#include "UpstreamUsage.h"
#include "UsageMeter.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <mutex>

using namespace Qt::StringLiterals;

// One request on its way through the gateway, shared by the I/O thread that took it, the store
// thread that looked its key up, and the upstream client's threads that relay its answer.
struct GatewayApi::Exchange
{
    Exchange(bool anthropicDialect, HttpRequest httpRequest, HttpResponder responder)
        : anthropic(anthropicDialect)
        , request(std::move(httpRequest))
        , respond(std::move(responder))
        , usage(anthropicDialect ? UpstreamUsage::Dialect::Anthropic
                                 : UpstreamUsage::Dialect::OpenAi)
    {
        elapsed.start();
    }

    const bool anthropic;
    const HttpRequest request;
    const HttpResponder respond;
    QElapsedTimer elapsed;
    qint64 timeMs = 0;
    QString requestId;
    std::shared_ptr<const ApiKeyRecord> key;
    QJsonObject body;
    QString model;
    // Where it goes (UpstreamRouter::route), once the model is known to be allowed.
    const UpstreamRouter::Upstream* route = nullptr;
    bool stream = false;
    bool clientWantsUsage = false;
    // Why the body is not a JSON object, said once the key is known to be good.
    QString bodyProblem;
    // Admitted by the rate limiter with this estimate, to be settled once the answer is in.
    bool admitted = false;
    RateLimiter::Limits limits;
    qint64 estimatedTokens = 0;
    // The most completion tokens the answer may have: the request's own limit, or the ceiling.
    qint64 completionLimit = 0;
    bool completionLimitGiven = false;
    // The spend reserved for it, settled with its usage event.
    QString reservationId;
    // Deleted while the request was on its way: nothing to meter it to.
    bool keyGone = false;
    QList<QPair<QByteArray, QByteArray>> rateHeaders;

    // The answer, filled on the upstream client's threads.
    std::mutex mutex;
    UpstreamUsage usage;
    SseBuffer events;
    std::shared_ptr<UpstreamClient::Exchange> upstream;
    std::shared_ptr<StreamSink> sink;
    QList<QByteArray> queued;
    bool streaming = false;
    bool upstreamDone = false;
    // The stream broke off (the upstream failed or sent an event too large).
    bool broken = false;
    bool clientLeft = false;
    qint64 queuedBytes = 0;
    bool tooLarge = false;
    int status = 0;
    QByteArray contentType;
    QByteArray answer;

    QString actor() const { return key ? u"%1 (%2)"_s.arg(key->id, key->hint) : QString(); }
    HttpResponse finished(HttpResponse response) const
    {
        response.headers.append(qMakePair(QByteArray("x-request-id"), requestId.toLatin1()));
        response.headers.append(rateHeaders);
        response.actor = actor();
        return response;
    }
};

namespace {

ApiError revokedError()
{
    return ApiError(ApiError::Code::RevokedApiKey, u"this API key was revoked"_s);
}

ApiError disabledError()
{
    return ApiError(ApiError::Code::DisabledApiKey, u"this API key is disabled"_s);
}

ApiError expiredError()
{
    return ApiError(ApiError::Code::ExpiredApiKey, u"this API key has expired"_s);
}

ApiError unknownKeyError()
{
    return ApiError(ApiError::Code::InvalidApiKey, u"this API key is not known to this server"_s);
}

bool isEventStream(const QByteArray& contentType)
{
    return contentType.trimmed().toLower().startsWith("text/event-stream");
}

QByteArray headerOf(const UpstreamClient::Headers& headers, const QByteArray& name)
{
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

} // namespace

GatewayApi::GatewayApi(Services services)
    : m_services(std::move(services))
{}

GatewayApi::~GatewayApi() = default;

void GatewayApi::addRoutes(ApiRouter& router)
{
    const auto route = [this](bool anthropic) {
        return [this, anthropic](ApiRouter::Call call, HttpResponder respond) {
            handle(anthropic, call, std::move(respond));
        };
    };
    router.add("POST", u"/v1/chat/completions"_s, route(false));
    router.add("POST", u"/v1/completions"_s, route(false));
    router.add("POST", u"/v1/embeddings"_s, route(false));
    router.add("GET", u"/v1/models"_s, route(false));
    router.add("POST", u"/v1/messages"_s, route(true));
}

void GatewayApi::handle(bool anthropic, const ApiRouter::Call& call, HttpResponder respond)
{
    auto exchange = std::make_shared<Exchange>(anthropic, call.request, std::move(respond));
    exchange->timeMs = m_services.clock.nowUtcMs();
    exchange->requestId = m_services.requestIds.next();
    // Read before the key is known, so a refused request is metered under the model it asked
    // for; checked only after the key (a stranger learns nothing from the body's problems).
    if (call.request.method == "POST") {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(call.request.body, &parseError);
        if (parseError.error != QJsonParseError::NoError)
            exchange->bodyProblem =
                u"the body is not valid JSON: %1 at byte %2"_s.arg(parseError.errorString())
                    .arg(parseError.offset);
        else if (!document.isObject())
            exchange->bodyProblem = u"the body must be a JSON object"_s;
        exchange->body = document.object();
        exchange->model = exchange->body.value(u"model"_s).toString();
        exchange->stream = exchange->body.value(u"stream"_s).toBool();
        exchange->clientWantsUsage =
            exchange->body.value(u"stream_options"_s).toObject().value(u"include_usage"_s).toBool();
    }
    const std::optional<QString> credential = RequestCredential::of(call.request);
    if (!credential)
        return refuse(exchange,
                      ApiError(ApiError::Code::MissingApiKey,
                               u"no API key: send Authorization: Bearer KEY or x-api-key: KEY"_s));
    // Format and checksum, before any lookup: a typo costs the store nothing.
    if (!ApiKeyFormat::isWellFormed(*credential))
        return refuse(exchange, ApiError(ApiError::Code::InvalidApiKey,
                                         u"the API key is not a valid KeyDeck key"_s));
    const QByteArray digest = ApiKeyFormat::digestHex(*credential);
    if (std::shared_ptr<const ApiKeyRecord> cached = m_services.keys.find(digest))
        return authorize(exchange, std::move(cached));
    lookUp(exchange, digest);
}

void GatewayApi::lookUp(const std::shared_ptr<Exchange>& exchange, const QByteArray& digest)
{
    const quint64 generation = m_services.keys.generation();
    m_services.storeThread.post([this, exchange, digest, generation] {
        QObject* context = m_services.storeThread.context();
        m_services.store.keys()
            .findKeyByDigest(digest)
            .then(context,
                  [this, exchange, digest, generation](const ApiKeyRecord& key) {
                      m_services.keys.put(digest, key, generation);
                      authorize(exchange, std::make_shared<const ApiKeyRecord>(key));
                  })
            .onFailed(context,
                      [this, exchange](const StoreError& error) {
                          if (error.code() == StoreError::Code::NotFound)
                              return refuse(exchange, unknownKeyError());
                          refuse(exchange, ApiError::fromStoreError(error));
                      })
            .onFailed(context, [this, exchange](const std::exception& error) {
                refuse(exchange,
                       ApiError(ApiError::Code::Internal, QString::fromUtf8(error.what())));
            });
    });
}

std::optional<ApiError> GatewayApi::keyRefusal(const ApiKeyRecord& key, qint64 nowUtcMs,
                                               const QString& clientAddress)
{
    const std::optional<IpAddress> client = IpAddress::parse(clientAddress);
    switch (KeyAccess::check(key, nowUtcMs, client, Permission::Read)) {
    case KeyAccess::Verdict::Revoked:
        return revokedError();
    case KeyAccess::Verdict::Disabled:
        return disabledError();
    case KeyAccess::Verdict::Expired:
        return expiredError();
    case KeyAccess::Verdict::IpNotAllowed:
        return ApiError(ApiError::Code::IpNotAllowed,
                        u"this API key may not be used from %1"_s.arg(client ? client->toString()
                                                                             : u"this address"_s));
    case KeyAccess::Verdict::InsufficientPermissions:
        return ApiError(ApiError::Code::InsufficientPermissions,
                        u"this API key lacks the read permission, which API calls need"_s);
    case KeyAccess::Verdict::Allowed:
        break;
    }
    return std::nullopt;
}

std::optional<ApiError> GatewayApi::modelRefusal(const ApiKeyRecord& key, const QString& model)
{
    if (model.isEmpty())
        return ApiError(ApiError::Code::InvalidValue, u"model: is required (a string)"_s,
                        u"model"_s);
    if (!KeyValidator::isModelName(model))
        return ApiError(ApiError::Code::InvalidValue, u"model: is not a model name"_s, u"model"_s);
    if (!KeyAccess::modelAllowed(key.spec, model))
        return ApiError(ApiError::Code::ModelNotAllowed,
                        u"this API key may not use the model %1"_s.arg(model), u"model"_s);
    return std::nullopt;
}

void GatewayApi::authorize(const std::shared_ptr<Exchange>& exchange,
                           std::shared_ptr<const ApiKeyRecord> key)
{
    exchange->key = std::move(key);
    if (const std::optional<ApiError> refusal = keyRefusal(
            *exchange->key, m_services.clock.nowUtcMs(), exchange->request.clientAddress))
        return refuse(exchange, *refusal);
    if (exchange->request.method == "POST") {
        if (!exchange->bodyProblem.isEmpty())
            return refuse(exchange, ApiError(ApiError::Code::InvalidJson, exchange->bodyProblem));
        if (const std::optional<ApiError> refusal = modelRefusal(*exchange->key, exchange->model))
            return refuse(exchange, *refusal);
        exchange->route = m_services.upstreams.route(exchange->anthropic, exchange->model);
        if (!exchange->route)
            return refuse(
                exchange,
                ApiError(ApiError::Code::ModelNotFound,
                         u"no upstream of this gateway serves the model %1"_s.arg(exchange->model),
                         u"model"_s));
    }
    admit(exchange);
}

void GatewayApi::admit(const std::shared_ptr<Exchange>& exchange)
{
    const KeySpec& spec = exchange->key->spec;
    const TierLimits tier = TierLimits::forTier(spec.tier);
    exchange->limits.requestsPerMinute =
        spec.rpmOverride ? spec.rpmOverride : tier.requestsPerMinute;
    exchange->limits.tokensPerMinute = spec.tpmOverride ? spec.tpmOverride : tier.tokensPerMinute;
    if (exchange->request.method == "POST") {
        // About four bytes a token in any tokenizer, close enough for a minute's allowance; the
        // answer's usage settles the difference.
        exchange->estimatedTokens = (exchange->request.body.size() + 3) / 4;
        if (exchange->request.path != "/v1/embeddings") {
            const QJsonValue limit = exchange->body.contains(u"max_completion_tokens"_s)
                                         ? exchange->body.value(u"max_completion_tokens"_s)
                                         : exchange->body.value(u"max_tokens"_s);
            exchange->completionLimitGiven = limit.isDouble() && limit.toInteger() > 0;
            exchange->completionLimit =
                exchange->completionLimitGiven ? limit.toInteger() : DefaultCompletionCeiling;
            exchange->estimatedTokens += exchange->completionLimit;
        }
    }
    const RateLimiter::Decision decision =
        m_services.limiter.admit(exchange->key->id, exchange->limits, exchange->estimatedTokens);
    exchange->rateHeaders = RateLimiter::headers(decision.standing);
    if (!decision.allowed) {
        ApiError error(
            ApiError::Code::RateLimitExceeded,
            decision.byTokens
                ? u"this API key's tokens per minute (%1) are used up; retry in %2"_s
                      .arg(*exchange->limits.tokensPerMinute)
                      .arg(QString::fromLatin1(RateLimiter::duration(decision.retryAfterMs)))
                : u"this API key's requests per minute (%1) are used up; retry in %2"_s
                      .arg(*exchange->limits.requestsPerMinute)
                      .arg(QString::fromLatin1(RateLimiter::duration(decision.retryAfterMs))));
        error.setRetryAfterSeconds(qMax<qint64>(1, (decision.retryAfterMs + 999) / 1000));
        return refuse(exchange, error);
    }
    exchange->admitted = true;
    if (exchange->request.method == "POST" && SpendAllowance::isLimited(spec))
        return reserve(exchange);
    forward(exchange);
}

void GatewayApi::reserve(const std::shared_ptr<Exchange>& exchange)
{
    SpendStore::Claim claim;
    claim.keyId = exchange->key->id;
    claim.model = exchange->model;
    // Money is not estimated: every token of a byte-level tokenizer covers at least one byte of
    // the body, so its length bounds the prompt from above.
    claim.promptTokens = exchange->request.body.size();
    claim.completionTokens = exchange->completionLimit;
    claim.holder = m_services.spendHolder;
    m_services.storeThread.post([this, exchange, claim] {
        QObject* context = m_services.storeThread.context();
        m_services.spend.reserveSpend(claim)
            .then(context,
                  [this, exchange](const SpendStore::Admission& admission) {
                      using Verdict = SpendStore::Admission::Verdict;
                      // The store knew better than the cache: the next request reads the key.
                      if (admission.verdict != Verdict::Reserved &&
                          admission.verdict != Verdict::Refused)
                          m_services.keys.invalidate();
                      switch (admission.verdict) {
                      case Verdict::Reserved:
                          exchange->reservationId = admission.reservationId;
                          return forward(exchange);
                      case Verdict::NotFound:
                          exchange->keyGone = true;
                          return refuse(exchange, unknownKeyError());
                      case Verdict::Revoked:
                          return refuse(exchange, revokedError());
                      case Verdict::Disabled:
                          return refuse(exchange, disabledError());
                      case Verdict::Expired:
                          return refuse(exchange, expiredError());
                      case Verdict::Refused:
                          break;
                      }
                      const SpendAllowance::Refusal& refusal = *admission.refusal;
                      using Kind = SpendAllowance::Refusal::Kind;
                      const ApiError::Code code = refusal.kind == Kind::SpendCap
                                                      ? ApiError::Code::QuotaExceeded
                                                  : refusal.kind == Kind::MonthlyRequests
                                                      ? ApiError::Code::RateLimitExceeded
                                                      : ApiError::Code::InsufficientQuota;
                      ApiError error(code, SpendAllowance::describe(refusal));
                      // 402 asks for money, not patience: it has no Retry-After.
                      if (refusal.kind != Kind::Quota && refusal.resetsAtMs)
                          error.setRetryAfterSeconds(qMax<qint64>(
                              1, (*refusal.resetsAtMs - m_services.clock.nowUtcMs() + 999) / 1000));
                      refuse(exchange, error);
                  })
            .onFailed(context,
                      [this, exchange](const StoreError& error) {
                          refuse(exchange, ApiError::fromStoreError(error));
                      })
            .onFailed(context, [this, exchange](const std::exception& error) {
                refuse(exchange,
                       ApiError(ApiError::Code::Internal, QString::fromUtf8(error.what())));
            });
    });
}

void GatewayApi::settle(const std::shared_ptr<Exchange>& exchange)
{
    if (!exchange->admitted)
        return;
    qint64 actual = exchange->estimatedTokens;
    {
        const std::lock_guard lock(exchange->mutex);
        if (exchange->usage.known())
            actual = exchange->usage.promptTokens() + exchange->usage.completionTokens();
        // Never reached the upstream, or refused there: no tokens were used.
        else if (exchange->status == 0 || exchange->status >= 400)
            actual = 0;
    }
    m_services.limiter.settle(exchange->key->id, exchange->limits, exchange->estimatedTokens,
                              actual);
}

void GatewayApi::refuse(const std::shared_ptr<Exchange>& exchange, const ApiError& error)
{
    meter(exchange, error.httpStatus());
    exchange->respond(
        exchange->finished(exchange->anthropic ? error.toAnthropicResponse() : error.toResponse()));
}

void GatewayApi::meter(const std::shared_ptr<Exchange>& exchange, int status)
{
    settle(exchange);
    // Listing models uses none; a request whose key is unknown has no one to be metered to.
    if (!exchange->key || exchange->keyGone || exchange->request.method != "POST")
        return;
    UsageEvent event;
    event.timeMs = exchange->timeMs;
    event.key = exchange->key->id;
    event.model = KeyValidator::isModelName(exchange->model) ? exchange->model : u"unknown"_s;
    event.endpoint = QString::fromLatin1(exchange->request.path);
    event.status = status;
    {
        const std::lock_guard lock(exchange->mutex);
        // A stream cut off before its usage: the prompt as the upstream counted it at the
        // start, and a token a piece relayed.
        event.promptTokens = exchange->usage.promptTokens();
        event.completionTokens = exchange->usage.known() ? exchange->usage.completionTokens()
                                                         : exchange->usage.contentPieces();
    }
    event.latencyMs = exchange->elapsed.elapsed();
    event.clientIp = exchange->request.clientAddress;
    event.requestId = exchange->requestId;
    m_services.meter.record(std::move(event), exchange->reservationId);
}

QByteArray GatewayApi::modelList(const ApiKeyRecord& key, const QJsonArray& upstreamModels) const
{
    QJsonArray models = upstreamModels;
    QSet<QString> listed;
    for (const QJsonValue& model : upstreamModels)
        listed.insert(model.toObject().value(u"id"_s).toString());
    for (const QString& model : m_services.upstreams.configuredModels()) {
        if (listed.contains(model))
            continue;
        listed.insert(model);
        const UpstreamRouter::Upstream* upstream = m_services.upstreams.route(false, model);
        models.append(QJsonObject{{u"id"_s, model},
                                  {u"object"_s, u"model"_s},
                                  {u"created"_s, 0},
                                  {u"owned_by"_s, upstream ? upstream->name : u"keydeck"_s}});
    }
    QJsonArray allowed;
    for (const QJsonValue& model : std::as_const(models)) {
        if (KeyAccess::modelAllowed(key.spec, model.toObject().value(u"id"_s).toString()))
            allowed.append(model);
    }
    return QJsonDocument(QJsonObject{{u"object"_s, u"list"_s}, {u"data"_s, allowed}})
        .toJson(QJsonDocument::Compact);
}

void GatewayApi::forward(const std::shared_ptr<Exchange>& exchange)
{
    const HttpRequest& in = exchange->request;
    if (in.method == "GET") {
        exchange->route = m_services.upstreams.fallback();
        // Nothing to ask: the configured models are the whole list.
        if (!exchange->route) {
            HttpResponse response;
            response.status = 200;
            response.contentType = "application/json";
            response.body = modelList(*exchange->key, {});
            meter(exchange, 200);
            return exchange->respond(exchange->finished(std::move(response)));
        }
    }
    const UpstreamRouter::Upstream& target = *exchange->route;
    UpstreamClient::Request out;
    out.method = in.method;
    // The upstream's base URL ends where our /v1 does.
    out.path = in.path.mid(3);
    if (!in.query.isEmpty())
        out.path += '?' + in.query;
    out.body = in.body;
    const bool completions = in.path == "/v1/chat/completions" || in.path == "/v1/completions";
    const bool askUsage = completions && exchange->stream && !exchange->clientWantsUsage;
    // A reservation counted the ceiling for an answer without a limit: the upstream is held to it.
    const bool holdToCeiling = completions && !exchange->reservationId.isEmpty() &&
                               !exchange->completionLimitGiven &&
                               SpendAllowance::limitsSpend(exchange->key->spec);
    if (askUsage || holdToCeiling) {
        QJsonObject body = exchange->body;
        if (askUsage) {
            // Usage comes only when asked for; the extra chunk is not relayed.
            QJsonObject options = body.value(u"stream_options"_s).toObject();
            options[u"include_usage"_s] = true;
            body[u"stream_options"_s] = options;
        }
        if (holdToCeiling)
            body[in.path == "/v1/completions" ? u"max_tokens"_s : u"max_completion_tokens"_s] =
                exchange->completionLimit;
        out.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    }
    const auto addHeader = [&out](const QByteArray& name, const QByteArray& value) {
        out.headers.append(qMakePair(name, value));
    };
    if (in.method == "POST")
        addHeader("Content-Type", "application/json");
    addHeader("Accept", exchange->stream ? "text/event-stream" : "application/json");
    addHeader("User-Agent", "keydeck-server");
    if (exchange->anthropic) {
        const QByteArray version = in.header("anthropic-version");
        addHeader("anthropic-version", version.isEmpty() ? QByteArray("2023-06-01") : version);
        if (!in.header("anthropic-beta").isEmpty())
            addHeader("anthropic-beta", in.header("anthropic-beta"));
    }
    if (!target.apiKey.isEmpty()) {
        // Anthropic's API takes its key as x-api-key alone; an OpenAI-compatible one as a
        // bearer token, and the one-line upstream, which may speak both, gets both.
        if (target.kind != UpstreamConfig::Kind::Anthropic)
            addHeader("Authorization", "Bearer " + target.apiKey);
        if (target.kind == UpstreamConfig::Kind::Anthropic || (!target.kind && exchange->anthropic))
            addHeader("x-api-key", target.apiKey);
    }

    UpstreamClient::Handler handler;
    handler.head = [exchange](int status, const UpstreamClient::Headers& headers) {
        const QByteArray contentType = headerOf(headers, "content-type");
        std::unique_lock lock(exchange->mutex);
        exchange->status = status;
        exchange->contentType =
            contentType.isEmpty() ? QByteArray("application/json") : contentType;
        if (!(exchange->stream && status >= 200 && status < 300 && isEventStream(contentType)))
            return;
        exchange->streaming = true;
        lock.unlock();
        HttpResponse response;
        response.status = status;
        response.contentType = "text/event-stream";
        response.stream = [exchange](const std::shared_ptr<StreamSink>& sink) {
            std::unique_lock attach(exchange->mutex);
            exchange->sink = sink;
            for (const QByteArray& bytes : std::as_const(exchange->queued))
                sink->write(bytes);
            exchange->queued.clear();
            if (exchange->upstreamDone)
                exchange->broken ? sink->abort() : sink->finish();
            attach.unlock();
            // The client went away: the upstream stops working for it at once. Read when it
            // happens (the upstream exchange may be set after this), held weakly (the sink
            // outlives nothing it would keep).
            sink->setClosedHandler([weak = std::weak_ptr<Exchange>(exchange)] {
                const std::shared_ptr<Exchange> gone = weak.lock();
                if (!gone)
                    return;
                std::shared_ptr<UpstreamClient::Exchange> upstream;
                {
                    const std::lock_guard closed(gone->mutex);
                    upstream = gone->upstream;
                    gone->clientLeft = true;
                }
                if (upstream)
                    upstream->cancel();
            });
        };
        exchange->respond(exchange->finished(std::move(response)));
    };
    handler.data = [exchange](const QByteArray& bytes) {
        const std::lock_guard lock(exchange->mutex);
        if (!exchange->streaming) {
            exchange->answer += bytes;
            if (exchange->answer.size() > MaxAnswerBytes) {
                exchange->tooLarge = true;
                return false;
            }
            return true;
        }
        for (const SseBuffer::Event& event : exchange->events.feed(bytes)) {
            const bool usageOnly = exchange->usage.readEvent(event.name, event.data);
            if (usageOnly && !exchange->anthropic && !exchange->clientWantsUsage)
                continue;
            if (exchange->sink) {
                if (!exchange->sink->write(event.raw))
                    return false;
                continue;
            }
            // Before the client's connection takes the stream, a bounded wait.
            exchange->queuedBytes += event.raw.size();
            if (exchange->queuedBytes > MaxQueuedBytes)
                return false;
            exchange->queued << event.raw;
        }
        return !exchange->events.overflowed();
    };
    handler.done = [this, exchange](std::optional<UpstreamClient::Failure> failure,
                                    const QString& why) {
        if (failure)
            m_services.log.error(u"the upstream failed"_s,
                                 {{u"request_id"_s, exchange->requestId}, {u"error"_s, why}});
        std::unique_lock lock(exchange->mutex);
        exchange->upstreamDone = true;
        if (exchange->streaming) {
            // A stream that broke off must not look finished: the client's connection is cut
            // without the last chunk, so no SDK takes a part for the whole.
            const bool clientLeft =
                exchange->clientLeft || failure == UpstreamClient::Failure::Cancelled;
            exchange->broken = failure.has_value() || exchange->events.overflowed();
            if (!exchange->broken && !exchange->events.rest().trimmed().isEmpty() && exchange->sink)
                exchange->sink->write(exchange->events.rest() + "\n\n");
            if (exchange->sink)
                exchange->broken ? exchange->sink->abort() : exchange->sink->finish();
            const int status = clientLeft         ? ClientClosedRequest
                               : exchange->broken ? 502
                                                  : exchange->status;
            lock.unlock();
            meter(exchange, status);
            return;
        }
        const int status = exchange->status;
        const QByteArray answer = std::exchange(exchange->answer, {});
        const QByteArray contentType = exchange->contentType;
        const bool tooLarge = exchange->tooLarge;
        lock.unlock();
        if (tooLarge)
            return refuse(exchange, ApiError(ApiError::Code::UpstreamUnavailable,
                                             u"the upstream's answer is larger than %1 bytes"_s.arg(
                                                 MaxAnswerBytes)));
        if (failure) {
            // The reason is in the log; a client learns nothing of the network behind us.
            if (*failure == UpstreamClient::Failure::Timeout && status == 0)
                return refuse(exchange, ApiError(ApiError::Code::UpstreamTimeout,
                                                 u"the upstream did not answer in time"_s));
            return refuse(exchange, ApiError(ApiError::Code::UpstreamUnavailable,
                                             u"the upstream cannot be reached"_s));
        }
        // The upstream refusing our own credentials is our problem, not the client's key: its
        // words (which may quote part of the upstream's key) go to the log only.
        if (status == 401 || status == 403 || status == 407) {
            m_services.log.error(u"the upstream refused the gateway's credentials"_s,
                                 {{u"request_id"_s, exchange->requestId},
                                  {u"status"_s, status},
                                  {u"answer"_s, QString::fromUtf8(answer.left(1024))}});
            return refuse(exchange,
                          ApiError(ApiError::Code::UpstreamUnavailable,
                                   u"the upstream refused the gateway; its operator is told"_s));
        }
        HttpResponse response;
        response.status = status;
        response.contentType = contentType;
        response.body = answer;
        if (status >= 200 && status < 300) {
            if (exchange->request.method == "GET" && exchange->key)
                response.body =
                    modelList(*exchange->key,
                              QJsonDocument::fromJson(answer).object().value(u"data"_s).toArray());
            const std::lock_guard usageLock(exchange->mutex);
            exchange->usage.readBody(answer);
        }
        meter(exchange, status);
        exchange->respond(exchange->finished(std::move(response)));
    };
    std::shared_ptr<UpstreamClient::Exchange> upstream =
        target.client->send(std::move(out), std::move(handler));
    const std::lock_guard lock(exchange->mutex);
    exchange->upstream = std::move(upstream);
}
