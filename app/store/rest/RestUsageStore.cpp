#include "RestUsageStore.h"

#include "RestClient.h"
#include "RestReply.h"
#include "UsageJson.h"
#include "UsageQueryParams.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryFile>
#include <QThread>
#include <QtConcurrent>

using namespace Qt::StringLiterals;

namespace {

QString encoded(const QString& text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text));
}

// The source, opened here, as a device the upload can state the length of.
std::shared_ptr<QIODevice> openForUpload(const UsageSource& source, QThread* uploader)
{
    QString error;
    std::unique_ptr<QIODevice> device = source.open(&error);
    if (!device)
        throw StoreError(StoreError::Code::Invalid,
                         u"The usage file %1 cannot be read."_s.arg(source.name),
                         {FieldError{u"file"_s, error}});
    std::shared_ptr<QIODevice> upload;
    if (!device->isSequential()) {
        upload = std::move(device);
    } else {
        auto spool = std::make_shared<QTemporaryFile>();
        if (!spool->open())
            throw StoreError(StoreError::Code::Unavailable,
                             u"Cannot make a temporary file for the upload: "_s +
                                 spool->errorString());
        QByteArray chunk(1 << 20, Qt::Uninitialized);
        // Until a read gives nothing, as the local import reads: atEnd() of a pipe says
        // nothing of what is to come.
        for (;;) {
            const qint64 read = device->read(chunk.data(), chunk.size());
            if (read == 0 || (read < 0 && device->atEnd()))
                break;
            if (read < 0)
                throw StoreError(StoreError::Code::Invalid,
                                 u"The usage file %1 cannot be read."_s.arg(source.name),
                                 {FieldError{u"file"_s, device->errorString()}});
            if (spool->write(chunk.constData(), read) != read)
                throw StoreError(StoreError::Code::Unavailable,
                                 u"Cannot write the upload's temporary file: "_s +
                                     spool->errorString());
        }
        spool->flush();
        spool->seek(0);
        upload = std::move(spool);
    }
    upload->moveToThread(uploader);
    return upload;
}

} // namespace

RestUsageStore::RestUsageStore(RestClient& client, QObject* parent)
    : UsageStore(parent)
    , m_client(client)
{}

QFuture<qint64> RestUsageStore::recordUsage(const QList<UsageEvent>& events)
{
    if (events.size() > MaxRecordedEvents)
        return QtFuture::makeExceptionalFuture<qint64>(StoreError(
            StoreError::Code::Invalid, u"Too many usage events for one request."_s,
            {FieldError{u"events"_s,
                        u"at most %1 events a call on a server store"_s.arg(MaxRecordedEvents)}}));
    const QJsonObject body{{u"events"_s, UsageJson::eventsToJson(events)}};
    return m_client.send("POST", u"/v1/admin/usage/events"_s, {}, QJsonDocument(body))
        .then(QtFuture::Launch::Async,
              [](const QByteArray& reply) {
                  const QJsonValue recorded = RestReply::object(reply).value(u"recorded"_s);
                  if (!recorded.isDouble())
                      RestReply::malformed(u"recorded: not a number"_s);
                  return recorded.toInteger();
              })
        .onFailed([](const StoreError& error) -> qint64 {
            // The API names a member of one event (events[3].model); a store names the member.
            static const QRegularExpression member(u"^events\\[(\\d+)\\]\\.(.+)$"_s);
            FieldErrors fields;
            for (const FieldError& field : error.fieldErrors()) {
                const QRegularExpressionMatch match = member.match(field.field);
                fields << (match.hasMatch()
                               ? FieldError{match.captured(2),
                                            u"event %1: %2"_s.arg(match.captured(1).toInt() + 1)
                                                .arg(field.message)}
                               : field);
            }
            StoreError mapped(error.code(), error.message(), fields);
            mapped.setRetryAfterMs(error.retryAfterMs());
            throw mapped;
        });
}

QFuture<UsageImportReport> RestUsageStore::importUsage(const UsageSource& source,
                                                       const UsageImportOptions& options)
{
    QUrlQuery params;
    // The file's name says its format and shows in messages; where it is stays here.
    params.addQueryItem(u"name"_s, encoded(QFileInfo(source.name).fileName()));
    if (options.format)
        params.addQueryItem(u"format"_s,
                            *options.format == UsageCodec::Format::Csv ? u"csv"_s : u"jsonl"_s);
    params.addQueryItem(u"skip_bad_lines"_s, options.skipBadLines ? u"true"_s : u"false"_s);
    RestClient* client = &m_client;
    QThread* uploader = m_client.thread();
    return QtConcurrent::run([source, uploader] { return openForUpload(source, uploader); })
        .then(QtFuture::Launch::Sync,
              [client, params](const std::shared_ptr<QIODevice>& device) {
                  return client->upload(u"/v1/admin/usage/import"_s, params, device,
                                        "application/octet-stream");
              })
        .unwrap()
        .then(QtFuture::Launch::Async, [](const QByteArray& reply) {
            QString error;
            return RestReply::must(
                UsageJson::importReportFromJson(RestReply::object(reply), &error), error);
        });
}

QFuture<UsageTotals> RestUsageStore::usageTotals(const UsageQuery& query)
{
    return m_client.send("GET", u"/v1/admin/usage/summary"_s, UsageQueryParams::toUrlQuery(query))
        .then(QtFuture::Launch::Async, [](const QByteArray& reply) {
            QString error;
            return RestReply::must(UsageJson::totalsFromJson(RestReply::object(reply), &error),
                                   error);
        });
}

QFuture<QList<UsageSeries::Point>> RestUsageStore::usageSlots(const UsageQuery& query)
{
    QUrlQuery params = UsageQueryParams::toUrlQuery(query);
    params.addQueryItem(u"by"_s, u"slot"_s);
    return m_client.send("GET", u"/v1/admin/usage/series"_s, params)
        .then(QtFuture::Launch::Async, [](const QByteArray& reply) {
            QString error;
            return RestReply::must(UsageJson::pointsFromJson(RestReply::list(reply).data, &error),
                                   error);
        });
}

QFuture<QList<UsageSeries::Point>> RestUsageStore::usageSeries(const UsageQuery& query,
                                                               UsageSeries::BucketSize size,
                                                               const QTimeZone& zone)
{
    // The server folds buckets in zones it knows by name, and refuses ranges of more dense
    // buckets than it builds; anything else is folded here, with the same result.
    const qint64 bucketMs =
        size == UsageSeries::BucketSize::Hour ? UsageSeries::HourMs : 24 * UsageSeries::HourMs;
    if (!QTimeZone::isTimeZoneIdAvailable(zone.id()) ||
        (query.toMs - query.fromMs) / bucketMs >= UsageSeries::MaxDenseBuckets)
        return UsageStore::usageSeries(query, size, zone);
    QUrlQuery params = UsageQueryParams::toUrlQuery(query);
    params.addQueryItem(u"by"_s, size == UsageSeries::BucketSize::Hour ? u"hour"_s : u"day"_s);
    params.addQueryItem(u"tz"_s, encoded(QString::fromUtf8(zone.id())));
    return m_client.send("GET", u"/v1/admin/usage/series"_s, params)
        .then(QtFuture::Launch::Async, [](const QByteArray& reply) {
            QString error;
            return RestReply::must(UsageJson::pointsFromJson(RestReply::list(reply).data, &error),
                                   error);
        });
}

QFuture<QList<UsageGroupRow>> RestUsageStore::usageGroups(const UsageQuery& query,
                                                          Grouping grouping)
{
    QUrlQuery params = UsageQueryParams::toUrlQuery(query);
    params.addQueryItem(u"by"_s, grouping == Grouping::Key ? u"key"_s : u"model"_s);
    return m_client.send("GET", u"/v1/admin/usage/summary"_s, params)
        .then(QtFuture::Launch::Async, [](const QByteArray& reply) {
            const QJsonObject body = RestReply::object(reply);
            if (!body.value(u"rows"_s).isArray())
                RestReply::malformed(u"rows: not an array"_s);
            QString error;
            return RestReply::must(
                UsageJson::groupsFromJson(body.value(u"rows"_s).toArray(), &error), error);
        });
}

QFuture<UsageStore::LogPage> RestUsageStore::usageLogs(const UsageQuery& query,
                                                       LogColumn sortColumn, Qt::SortOrder order,
                                                       const QString& cursor, int limit)
{
    QUrlQuery params = UsageQueryParams::toUrlQuery(query);
    params.addQueryItem(u"sort"_s, UsageStore::logColumnName(sortColumn));
    params.addQueryItem(u"order"_s, order == Qt::AscendingOrder ? u"asc"_s : u"desc"_s);
    params.addQueryItem(u"limit"_s, QString::number(limit));
    if (!cursor.isEmpty())
        params.addQueryItem(u"cursor"_s, encoded(cursor));
    return m_client.send("GET", u"/v1/admin/usage/logs"_s, params)
        .then(QtFuture::Launch::Async, [](const QByteArray& reply) {
            const RestReply::List list = RestReply::list(reply);
            QString error;
            LogPage page;
            page.events = RestReply::must(UsageJson::eventsFromJson(list.data, &error), error);
            page.nextCursor = list.nextCursor;
            return page;
        });
}

QFuture<qint64> RestUsageStore::usageLogCount(const UsageQuery& query)
{
    return m_client
        .send("GET", u"/v1/admin/usage/logs/count"_s, UsageQueryParams::toUrlQuery(query))
        .then(QtFuture::Launch::Async, [](const QByteArray& reply) {
            const QJsonValue count = RestReply::object(reply).value(u"count"_s);
            if (!count.isDouble())
                RestReply::malformed(u"count: not a number"_s);
            return count.toInteger();
        });
}

QFuture<QList<KeyUsage>> RestUsageStore::keyUsage()
{
    return m_client.send("GET", u"/v1/admin/usage/keys"_s)
        .then(QtFuture::Launch::Async, [](const QByteArray& reply) {
            QString error;
            return RestReply::must(UsageJson::keyUsageFromJson(RestReply::list(reply).data, &error),
                                   error);
        });
}

QFuture<QStringList> RestUsageStore::usageModels()
{
    return m_client.send("GET", u"/v1/admin/usage/models"_s)
        .then(QtFuture::Launch::Async, [](const QByteArray& reply) {
            QStringList models;
            for (const QJsonValue& model : RestReply::list(reply).data) {
                if (!model.isString())
                    RestReply::malformed(u"data: a model that is not a string"_s);
                models << model.toString();
            }
            return models;
        });
}

QFuture<PriceTable> RestUsageStore::priceTable()
{
    return m_client.send("GET", u"/v1/admin/usage/prices"_s)
        .then(QtFuture::Launch::Async, [](const QByteArray& reply) {
            QString error;
            return RestReply::must(PriceTable::fromJson(RestReply::object(reply), &error), error);
        });
}

QFuture<PriceTable> RestUsageStore::setPriceTable(const PriceTable& table)
{
    return m_client.send("PUT", u"/v1/admin/usage/prices"_s, {}, QJsonDocument(table.toJson()))
        .then(QtFuture::Launch::Async, [](const QByteArray& reply) {
            QString error;
            return RestReply::must(PriceTable::fromJson(RestReply::object(reply), &error), error);
        });
}
