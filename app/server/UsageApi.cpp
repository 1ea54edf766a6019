#include "UsageApi.h"

#include "AdminGate.h"
#include "AdminReply.h"
#include "Clock.h"
#include "KeyStore.h"
#include "RequestUpload.h"
#include "StoreConnection.h"
#include "UsageJson.h"
#include "UsageQueryParams.h"
#include "UsageSeries.h"

#include <QDateTime>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTimeZone>

using namespace Qt::StringLiterals;
using namespace AdminReply;

namespace {

HttpResponse badParam(const QString& name, const QString& message)
{
    return errorResponse(ApiError::Code::InvalidValue, u"%1: %2"_s.arg(name, message), name);
}

QString param(const QUrlQuery& query, const QString& name)
{
    return query.queryItemValue(name, QUrl::FullyDecoded);
}

// "tz": an IANA zone for hour and day buckets; UTC without it.
std::optional<QTimeZone> zoneOf(const QUrlQuery& query, const HttpResponder& respond)
{
    if (!query.hasQueryItem(u"tz"_s))
        return QTimeZone::utc();
    const QTimeZone zone(param(query, u"tz"_s).toUtf8());
    if (!zone.isValid()) {
        respond(badParam(u"tz"_s, u"must be an IANA time zone such as Europe/Berlin"_s));
        return std::nullopt;
    }
    return zone;
}

// Hour or day points as rows named by their start in the zone, as keydeckctl prints them.
QList<UsageGroupRow> timeRows(const QList<UsageSeries::Point>& points, const QTimeZone& zone)
{
    QList<UsageGroupRow> rows;
    rows.reserve(points.size());
    for (const UsageSeries::Point& point : points) {
        rows << UsageGroupRow{
            QDateTime::fromMSecsSinceEpoch(point.startMs, zone).toString(Qt::ISODate),
            point.startMs, point.totals};
    }
    return rows;
}

// Dense hour or day buckets are built in memory: a range of centuries by the hour is refused.
bool tooManyBuckets(const UsageQuery& query, UsageSeries::BucketSize size,
                    const HttpResponder& respond)
{
    const qint64 bucketMs =
        size == UsageSeries::BucketSize::Hour ? UsageSeries::HourMs : 24 * UsageSeries::HourMs;
    if ((query.toMs - query.fromMs) / bucketMs < UsageSeries::MaxDenseBuckets)
        return false;
    respond(badParam(u"from"_s,
                     u"the range holds more than %1 %2 buckets; ask for a shorter "
                     "range or larger buckets"_s.arg(UsageSeries::MaxDenseBuckets)
                         .arg(size == UsageSeries::BucketSize::Hour ? u"hour"_s : u"day"_s)));
    return true;
}

HttpResponse summaryWithRows(const UsageQuery& query, const QList<UsageGroupRow>& rows,
                             const UsageJson::Labels* labels)
{
    UsageTotals totals;
    for (const UsageGroupRow& row : rows)
        totals.merge(row.totals);
    QJsonObject body = UsageJson::summaryToJson(totals, query.fromMs, query.toMs);
    body[u"rows"_s] = UsageJson::groupsToJson(rows, labels);
    return HttpResponse::json(200, QJsonDocument(body));
}

} // namespace

UsageApi::UsageApi(StoreConnection& store, StoreThread storeThread, const Clock& clock,
                   AdminGate& gate)
    : m_store(store)
    , m_storeThread(storeThread)
    , m_clock(clock)
    , m_gate(gate)
{}

void UsageApi::addRoutes(ApiRouter& router)
{
    const auto bind = [this](const QString& action,
                             void (UsageApi::*method)(const ApiRouter::Call&, HttpResponder)) {
        return m_gate.authorized(action, this, method);
    };
    router.add("GET", u"/v1/admin/usage/summary"_s, bind(u"usage.summary"_s, &UsageApi::summary));
    router.add("GET", u"/v1/admin/usage/series"_s, bind(u"usage.series"_s, &UsageApi::series));
    router.add("GET", u"/v1/admin/usage/logs"_s, bind(u"usage.logs"_s, &UsageApi::logs));
    router.add("GET", u"/v1/admin/usage/logs/count"_s,
               bind(u"usage.logs.count"_s, &UsageApi::logCount));
    router.add("GET", u"/v1/admin/usage/keys"_s, bind(u"usage.keys"_s, &UsageApi::keyUsage));
    router.add("GET", u"/v1/admin/usage/models"_s, bind(u"usage.models"_s, &UsageApi::models));
    router.add("GET", u"/v1/admin/usage/prices"_s, bind(u"usage.prices.show"_s, &UsageApi::prices));
    router.add("PUT", u"/v1/admin/usage/prices"_s,
               bind(u"usage.prices.update"_s, &UsageApi::updatePrices));
    router.add("POST", u"/v1/admin/usage/events"_s,
               bind(u"usage.record"_s, &UsageApi::recordEvents));
    router.addUpload("POST", u"/v1/admin/usage/import"_s,
                     bind(u"usage.import"_s, &UsageApi::importUpload));
}

void UsageApi::withQuery(const ApiRouter::Call& call, const QStringList& extraParams,
                         const HttpResponder& respond, std::function<void(UsageQuery)> next)
{
    const QUrlQuery url(QString::fromUtf8(call.request.query));
    if (!knownQuery(url, UsageQueryParams::names() + extraParams, respond))
        return;
    FieldError error;
    const std::optional<UsageQueryParams::Parsed> parsed =
        UsageQueryParams::fromUrlQuery(url, m_clock.nowUtcMs(), &error);
    if (!parsed) {
        respond(badParam(error.field, error.message));
        return;
    }
    const UsageQuery query = parsed->query;
    const QStringList refs = parsed->keys;
    findKeys(m_store.keys(), refs, m_storeThread.context(), respond, u"key"_s, true,
             [query, refs, respond, next = std::move(next)](const QList<ApiKeyRecord>& keys) {
                 UsageQuery resolved = query;
                 QSet<QString> named;
                 for (const ApiKeyRecord& key : keys) {
                     resolved.keyIds << key.id;
                     named << key.id << key.spec.label;
                 }
                 // A deleted key keeps its usage, so its id still selects it; a label that
                 // names no key is a mistake worth saying.
                 static const QRegularExpression keyId(u"^key_[0-9A-Za-z]{16}$"_s);
                 for (const QString& ref : refs) {
                     if (named.contains(ref))
                         continue;
                     if (!keyId.match(ref).hasMatch()) {
                         respond(errorResponse(ApiError::Code::NotFound,
                                               u"key: no key has the id or label %1"_s.arg(ref),
                                               u"key"_s));
                         return;
                     }
                     resolved.keyIds << ref;
                 }
                 next(resolved);
             });
}

void UsageApi::summary(const ApiRouter::Call& call, HttpResponder respond)
{
    const QUrlQuery url(QString::fromUtf8(call.request.query));
    const QString by = param(url, u"by"_s);
    static const QStringList groupings{u"key"_s, u"model"_s, u"hour"_s, u"day"_s};
    if (url.hasQueryItem(u"by"_s) && !groupings.contains(by)) {
        respond(badParam(u"by"_s, u"must be key, model, hour or day"_s));
        return;
    }
    const std::optional<QTimeZone> zone = zoneOf(url, respond);
    if (!zone)
        return;
    QObject* context = m_storeThread.context();
    UsageStore& usage = m_store.usage();
    withQuery(
        call, {u"by"_s, u"tz"_s}, respond,
        [this, by, zone = *zone, context, &usage, respond](const UsageQuery& query) {
            if (by.isEmpty()) {
                reply(usage.usageTotals(query), context, respond,
                      [query](const UsageTotals& totals) {
                          return HttpResponse::json(200, QJsonDocument(UsageJson::summaryToJson(
                                                             totals, query.fromMs, query.toMs)));
                      });
            } else if (by == u"model"_s) {
                reply(usage.usageGroups(query, UsageStore::Grouping::Model), context, respond,
                      [query](const QList<UsageGroupRow>& rows) {
                          return summaryWithRows(query, rows, nullptr);
                      });
            } else if (by == u"key"_s) {
                whenDone(usage.usageGroups(query, UsageStore::Grouping::Key), context, respond,
                         [this, query, context, respond](const QList<UsageGroupRow>& rows) {
                             QStringList ids;
                             for (const UsageGroupRow& row : rows)
                                 ids << row.group;
                             // Keys deleted since keep their usage; they have no label.
                             findKeys(m_store.keys(), ids, context, respond, u"key"_s, true,
                                      [query, rows, respond](const QList<ApiKeyRecord>& keys) {
                                          UsageJson::Labels labels;
                                          for (const ApiKeyRecord& key : keys)
                                              labels.insert(key.id, key.spec.label);
                                          respond(summaryWithRows(query, rows, &labels));
                                      });
                         });
            } else {
                const auto size =
                    by == u"hour"_s ? UsageSeries::BucketSize::Hour : UsageSeries::BucketSize::Day;
                if (tooManyBuckets(query, size, respond))
                    return;
                reply(usage.usageSeries(query, size, zone), context, respond,
                      [query, zone](const QList<UsageSeries::Point>& points) {
                          return summaryWithRows(query, timeRows(points, zone), nullptr);
                      });
            }
        });
}

void UsageApi::series(const ApiRouter::Call& call, HttpResponder respond)
{
    const QUrlQuery url(QString::fromUtf8(call.request.query));
    const QString by = url.hasQueryItem(u"by"_s) ? param(url, u"by"_s) : u"slot"_s;
    if (by != u"slot"_s && by != u"hour"_s && by != u"day"_s) {
        respond(badParam(u"by"_s, u"must be slot (15 minutes), hour or day"_s));
        return;
    }
    const std::optional<QTimeZone> zone = zoneOf(url, respond);
    if (!zone)
        return;
    QObject* context = m_storeThread.context();
    UsageStore& usage = m_store.usage();
    withQuery(
        call, {u"by"_s, u"tz"_s}, respond,
        [by, zone = *zone, context, &usage, respond](const UsageQuery& query) {
            if (by != u"slot"_s) {
                const auto size =
                    by == u"hour"_s ? UsageSeries::BucketSize::Hour : UsageSeries::BucketSize::Day;
                if (tooManyBuckets(query, size, respond))
                    return;
                reply(usage.usageSeries(query, size, zone), context, respond,
                      [](const QList<UsageSeries::Point>& points) {
                          return listResponse(UsageJson::pointsToJson(points));
                      });
                return;
            }
            reply(usage.usageSlots(query), context, respond, [](QList<UsageSeries::Point> points) {
                // Slots as the store has them: only those with usage, in order.
                std::sort(points.begin(), points.end(),
                          [](const auto& a, const auto& b) { return a.startMs < b.startMs; });
                return listResponse(UsageJson::pointsToJson(points));
            });
        });
}

void UsageApi::logs(const ApiRouter::Call& call, HttpResponder respond)
{
    const QUrlQuery url(QString::fromUtf8(call.request.query));
    std::optional<UsageStore::LogColumn> column = UsageStore::LogColumn::Time;
    if (url.hasQueryItem(u"sort"_s)) {
        column = UsageStore::logColumnNamed(param(url, u"sort"_s));
        if (!column) {
            respond(badParam(u"sort"_s,
                             u"must be one of %1"_s.arg(UsageStore::logColumnNames().join(u", "))));
            return;
        }
    }
    const QString orderName = url.hasQueryItem(u"order"_s) ? param(url, u"order"_s) : u"desc"_s;
    if (orderName != u"asc"_s && orderName != u"desc"_s) {
        respond(badParam(u"order"_s, u"must be asc or desc"_s));
        return;
    }
    const Qt::SortOrder order = orderName == u"asc"_s ? Qt::AscendingOrder : Qt::DescendingOrder;
    const int limit = pageLimit(url, DefaultLogLimit);
    if (limit < 1 || limit > MaxLogLimit) {
        respond(badParam(u"limit"_s, u"must be a whole number from 1 to %1"_s.arg(MaxLogLimit)));
        return;
    }
    const QString cursor = param(url, u"cursor"_s);
    QObject* context = m_storeThread.context();
    UsageStore& usage = m_store.usage();
    withQuery(call, {u"sort"_s, u"order"_s, u"limit"_s, u"cursor"_s}, respond,
              [=, &usage](const UsageQuery& query) {
                  reply(usage.usageLogs(query, *column, order, cursor, limit), context, respond,
                        [](const UsageStore::LogPage& page) {
                            return listResponse(UsageJson::eventsToJson(page.events),
                                                page.nextCursor);
                        });
              });
}

void UsageApi::logCount(const ApiRouter::Call& call, HttpResponder respond)
{
    QObject* context = m_storeThread.context();
    UsageStore& usage = m_store.usage();
    withQuery(call, {}, respond, [context, &usage, respond](const UsageQuery& query) {
        reply(usage.usageLogCount(query), context, respond, [](qint64 count) {
            return HttpResponse::json(200, QJsonDocument(QJsonObject{{u"count"_s, count}}));
        });
    });
}

void UsageApi::keyUsage(const ApiRouter::Call& call, HttpResponder respond)
{
    if (!knownQuery(QUrlQuery(QString::fromUtf8(call.request.query)), {}, respond))
        return;
    reply(m_store.usage().keyUsage(), m_storeThread.context(), respond,
          [](const QList<KeyUsage>& usage) {
              return listResponse(UsageJson::keyUsageToJson(usage));
          });
}

void UsageApi::models(const ApiRouter::Call& call, HttpResponder respond)
{
    if (!knownQuery(QUrlQuery(QString::fromUtf8(call.request.query)), {}, respond))
        return;
    reply(
        m_store.usage().usageModels(), m_storeThread.context(), respond,
        [](const QStringList& models) { return listResponse(QJsonArray::fromStringList(models)); });
}

void UsageApi::prices(const ApiRouter::Call& call, HttpResponder respond)
{
    if (!knownQuery(QUrlQuery(QString::fromUtf8(call.request.query)), {}, respond))
        return;
    reply(m_store.usage().priceTable(), m_storeThread.context(), respond,
          [](const PriceTable& table) {
              return HttpResponse::json(200, QJsonDocument(table.toJson()));
          });
}

void UsageApi::updatePrices(const ApiRouter::Call& call, HttpResponder respond)
{
    if (!knownQuery(QUrlQuery(QString::fromUtf8(call.request.query)), {}, respond))
        return;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(call.request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        respond(errorResponse(ApiError::Code::InvalidJson,
                              u"the body must be a JSON object of model -> prices"_s));
        return;
    }
    QString error;
    QString field;
    const std::optional<PriceTable> table = PriceTable::fromJson(document.object(), &error, &field);
    if (!table) {
        respond(invalid(u"The price table is not valid."_s, {FieldError{field, error}}));
        return;
    }
    reply(m_store.usage().setPriceTable(*table), m_storeThread.context(), respond,
          [](const PriceTable& saved) {
              return HttpResponse::json(200, QJsonDocument(saved.toJson()));
          });
}

void UsageApi::recordEvents(const ApiRouter::Call& call, HttpResponder respond)
{
    const std::optional<QJsonObject> body = bodyObject(call.request, {u"events"_s}, respond);
    if (!body)
        return;
    const QJsonArray array = body->value(u"events"_s).toArray();
    if (!body->value(u"events"_s).isArray() || array.size() > MaxRecordedEvents) {
        respond(badParam(u"events"_s,
                         u"must be an array of at most %1 usage events"_s.arg(MaxRecordedEvents)));
        return;
    }
    QString error;
    const std::optional<QList<UsageEvent>> events = UsageJson::eventsFromJson(array, &error);
    if (!events) {
        // "[1]: key: is required" -> events[1].key, as the member is named in JSON.
        respond(invalid(u"The usage events are not valid."_s,
                        {FieldError{u"events"_s + error.section(u':', 0, 0) + u'.' +
                                        error.section(u':', 1, 1).trimmed(),
                                    error.section(u':', 2).trimmed()}}));
        return;
    }
    reply(m_store.usage().recordUsage(*events), m_storeThread.context(), respond,
          [](qint64 recorded) {
              return HttpResponse::json(200, QJsonDocument(QJsonObject{{u"recorded"_s, recorded}}));
          });
}

void UsageApi::importUpload(const ApiRouter::Call& call, HttpResponder respond)
{
    const QUrlQuery url(QString::fromUtf8(call.request.query));
    if (!knownQuery(url, {u"format"_s, u"skip_bad_lines"_s, u"name"_s}, respond))
        return;
    UsageImportOptions options;
    if (url.hasQueryItem(u"format"_s)) {
        const QString format = param(url, u"format"_s);
        if (format == u"jsonl"_s) {
            options.format = UsageCodec::Format::JsonLines;
        } else if (format == u"csv"_s) {
            options.format = UsageCodec::Format::Csv;
        } else {
            respond(badParam(u"format"_s, u"must be jsonl or csv"_s));
            return;
        }
    } else if (call.request.header("content-type").startsWith("text/csv")) {
        options.format = UsageCodec::Format::Csv;
    }
    if (url.hasQueryItem(u"skip_bad_lines"_s)) {
        const QString skip = param(url, u"skip_bad_lines"_s);
        if (skip != u"true"_s && skip != u"false"_s) {
            respond(badParam(u"skip_bad_lines"_s, u"must be true or false"_s));
            return;
        }
        options.skipBadLines = skip == u"true"_s;
    }
    // The name shows in messages, and gives the format when none is said.
    const QString name = url.hasQueryItem(u"name"_s) ? param(url, u"name"_s) : u"upload.jsonl"_s;
    if (!call.request.upload) {
        respond(errorResponse(ApiError::Code::BadRequest, u"the upload has no body"_s));
        return;
    }
    const StoreThread storeThread = m_storeThread;
    UsageStore& usage = m_store.usage();
    call.request.upload->receive(
        [storeThread, &usage, options, name, respond](std::shared_ptr<UploadFile> file, int status,
                                                      const QString& error) {
            if (!file) {
                respond(ApiError::fromHttpStatus(status, error).toResponse());
                return;
            }
            storeThread.post([storeThread, &usage, options, name, respond, file] {
                // The source holds the spooled file until the import is done with it.
                UsageSource source{name, [file](QString* openError) -> std::unique_ptr<QIODevice> {
                                       auto device = std::make_unique<QFile>(file->path());
                                       if (!device->open(QIODevice::ReadOnly)) {
                                           *openError = device->errorString();
                                           return nullptr;
                                       }
                                       return device;
                                   }};
                reply(usage.importUsage(source, options), storeThread.context(), respond,
                      [name](const UsageImportReport& report) {
                          return HttpResponse::json(
                              200, QJsonDocument(UsageJson::importReportToJson(report, name)));
                      });
            });
        });
}
