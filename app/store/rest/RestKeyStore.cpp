#include "RestKeyStore.h"

#include "KeyJson.h"
#include "RestClient.h"
#include "RestReply.h"
#include "WorkspaceJson.h"

#include <QJsonArray>
#include <QPromise>
#include <QtConcurrent>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

QString keyPath(const QString& id, const QString& action = {})
{
    QString path = u"/v1/admin/keys/"_s + RestClient::segment(id);
    if (!action.isEmpty())
        path += u'/' + action;
    return path;
}

// Requests that take no settings still send {}, as the API documents.
const QJsonDocument EmptyBody{QJsonObject()};

} // namespace

RestKeyStore::RestKeyStore(RestClient& client, QObject* parent)
    : KeyStore(parent)
    , m_client(client)
{}

QString RestKeyStore::location() const
{
    return m_client.location();
}

QString RestKeyStore::vaultEntryOf(const QString& keyId) const
{
    const QUrl server = m_client.settings().serverUrl.adjusted(
        QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::StripTrailingSlash);
    return server.toString() + u'/' + keyId;
}

ApiKeyRecord RestKeyStore::recordOf(const QJsonObject& object) const
{
    QString error;
    ApiKeyRecord record = RestReply::must(KeyJson::recordFromJson(object, &error), error);
    record.vaultEntry = vaultEntryOf(record.id);
    record.ownsVaultEntry = true;
    return record;
}

CreatedKey RestKeyStore::createdOf(const QByteArray& body) const
{
    const QJsonObject object = RestReply::object(body);
    CreatedKey created{recordOf(object), object.value(u"secret"_s).toString()};
    if (created.secret.isEmpty())
        RestReply::malformed(u"secret: missing from a new key"_s);
    return created;
}

QFuture<CreatedKey> RestKeyStore::create(const KeySpec& spec, bool pending)
{
    QJsonObject body = KeyJson::specToJson(spec);
    if (pending)
        body.insert(u"pending"_s, true);
    return m_client.send("POST", u"/v1/admin/keys"_s, {}, QJsonDocument(body))
        .then(QtFuture::Launch::Async,
              [this](const QByteArray& reply) { return createdOf(reply); });
}

QFuture<CreatedKey> RestKeyStore::createKey(const KeySpec& spec)
{
    return create(spec, false);
}

QFuture<CreatedKey> RestKeyStore::createPendingKey(const KeySpec& spec)
{
    return create(spec, true);
}

QFuture<ApiKeyRecord> RestKeyStore::recordCall(const QByteArray& method, const QString& path,
                                               const QJsonDocument& body)
{
    return m_client.send(method, path, {}, body)
        .then(QtFuture::Launch::Async,
              [this](const QByteArray& reply) { return recordOf(RestReply::object(reply)); });
}

QFuture<ApiKeyRecord> RestKeyStore::activateKey(const QString& id)
{
    return recordCall("POST", keyPath(id, u"activate"_s), EmptyBody);
}

void RestKeyStore::collect(const QString& cursor, const std::shared_ptr<Collection>& collection)
{
    QUrlQuery params;
    params.addQueryItem(u"limit"_s, QString::number(KeyListQuery::MaxLimit));
    if (!cursor.isEmpty())
        params.addQueryItem(u"cursor"_s, QString::fromLatin1(QUrl::toPercentEncoding(cursor)));
    m_client.send("GET", u"/v1/admin/keys"_s, params)
        .then(this,
              [this, collection](const QByteArray& reply) {
                  // The next page is asked for before this one is read, so the server works
                  // on it while the pool turns this one into records.
                  const std::optional<QString> next = RestReply::nextCursorOf(reply);
                  collection->pages << QtConcurrent::run([this, reply] {
                      QList<ApiKeyRecord> records;
                      const RestReply::List list = RestReply::list(reply);
                      records.reserve(list.data.size());
                      for (const QJsonValue& key : list.data)
                          records << recordOf(key.toObject());
                      return records;
                  });
                  if (!next)
                      return finish(collection);
                  collect(*next, collection);
              })
        .onFailed(this, [collection](const StoreError& error) {
            collection->promise.setException(error);
            collection->promise.finish();
        });
}

void RestKeyStore::finish(const std::shared_ptr<Collection>& collection)
{
    QtFuture::whenAll(collection->pages.begin(), collection->pages.end())
        .then(this, [collection](const QList<QFuture<QList<ApiKeyRecord>>>& pages) {
            QList<ApiKeyRecord> all;
            try {
                for (const QFuture<QList<ApiKeyRecord>>& page : pages)
                    all += page.result();
            } catch (const StoreError& error) {
                collection->promise.setException(error);
                collection->promise.finish();
                return;
            }
            collection->promise.addResult(all);
            collection->promise.finish();
        });
}

QFuture<QList<ApiKeyRecord>> RestKeyStore::listKeys()
{
    auto collection = std::make_shared<Collection>();
    collection->promise.start();
    QFuture<QList<ApiKeyRecord>> future = collection->promise.future();
    collect({}, collection);
    return future;
}

QFuture<KeyStore::Page> RestKeyStore::listKeysPage(const KeyListQuery& query)
{
    QUrlQuery params;
    params.addQueryItem(u"limit"_s, QString::number(query.limit));
    const auto add = [&params](const QString& name, const QString& value) {
        if (!value.isEmpty())
            params.addQueryItem(name, QString::fromLatin1(QUrl::toPercentEncoding(value)));
    };
    add(u"cursor"_s, query.cursor);
    add(u"environment"_s, query.environment);
    add(u"search"_s, query.search);
    if (query.status)
        add(u"status"_s, KeyEnums::statusName(*query.status));
    return m_client.send("GET", u"/v1/admin/keys"_s, params)
        .then(QtFuture::Launch::Async, [this](const QByteArray& reply) {
            const RestReply::List list = RestReply::list(reply);
            Page page;
            page.nextCursor = list.nextCursor;
            page.total = list.body.value(u"total"_s).toInteger(-1);
            page.keys.reserve(list.data.size());
            for (const QJsonValue& key : list.data)
                page.keys << recordOf(key.toObject());
            return page;
        });
}

QFuture<ApiKeyRecord> RestKeyStore::findKey(const QString& idOrLabel)
{
    if (idOrLabel.isEmpty())
        return QtFuture::makeExceptionalFuture<ApiKeyRecord>(
            StoreError(StoreError::Code::NotFound, u"No key has an empty id or label."_s));
    return recordCall("GET", keyPath(idOrLabel));
}

QFuture<ApiKeyRecord> RestKeyStore::findKeyByDigest(const QByteArray& digestHex)
{
    // Nothing else is the digest of a key, so nothing else names one.
    const bool hex =
        digestHex.size() == 64 && std::all_of(digestHex.cbegin(), digestHex.cend(), [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        });
    if (!hex)
        return QtFuture::makeExceptionalFuture<ApiKeyRecord>(
            StoreError(StoreError::Code::NotFound, u"No key has a secret with that digest."_s));
    return recordCall("GET", u"/v1/admin/key-digests/"_s +
                                 RestClient::segment(QString::fromLatin1(digestHex)));
}

QFuture<ApiKeyRecord> RestKeyStore::updateKey(const QString& id, const KeySpec& spec)
{
    // The API's PATCH also takes a label; an update here names its key by id, so the id is
    // checked to be one first.
    const QJsonDocument body(KeyJson::specToJson(spec));
    return findKey(id)
        .then(this,
              [this, id, body](const ApiKeyRecord& found) {
                  if (found.id != id)
                      throw StoreError(StoreError::Code::NotFound,
                                       u"No key has the id %1."_s.arg(id));
                  return recordCall("PATCH", keyPath(id), body);
              })
        .unwrap();
}

QFuture<ApiKeyRecord> RestKeyStore::setKeyStatus(const QString& id, KeyStatus status)
{
    switch (status) {
    case KeyStatus::Active:
        return recordCall("POST", keyPath(id, u"enable"_s), EmptyBody);
    case KeyStatus::Disabled:
        return recordCall("POST", keyPath(id, u"disable"_s), EmptyBody);
    case KeyStatus::Revoked:
        return recordCall("POST", keyPath(id, u"revoke"_s), EmptyBody);
    case KeyStatus::Expired:
        break;
    }
    return QtFuture::makeExceptionalFuture<ApiKeyRecord>(StoreError(
        StoreError::Code::Invalid, u"A key's status cannot be set to expired."_s,
        {FieldError{u"status"_s,
                    u"expired follows from the expiry date; set \"expires\" instead"_s}}));
}

QFuture<void> RestKeyStore::deleteKey(const QString& id)
{
    return m_client.send("DELETE", keyPath(id)).then([](const QByteArray&) {});
}

QFuture<WorkspaceSettings> RestKeyStore::workspaceSettings()
{
    return m_client.send("GET", u"/v1/admin/workspace"_s)
        .then(QtFuture::Launch::Async, [](const QByteArray& reply) {
            FieldErrors errors;
            const WorkspaceSettings settings =
                WorkspaceJson::fromJson(RestReply::object(reply), WorkspaceSettings(), &errors);
            if (!errors.isEmpty())
                RestReply::malformed(errors.first().toString());
            return settings;
        });
}

QFuture<WorkspaceSettings> RestKeyStore::updateWorkspaceSettings(const WorkspaceSettings& settings)
{
    return m_client
        .send("PATCH", u"/v1/admin/workspace"_s, {}, QJsonDocument(WorkspaceJson::toJson(settings)))
        .then(QtFuture::Launch::Async, [](const QByteArray& reply) {
            FieldErrors errors;
            const WorkspaceSettings saved =
                WorkspaceJson::fromJson(RestReply::object(reply), WorkspaceSettings(), &errors);
            if (!errors.isEmpty())
                RestReply::malformed(errors.first().toString());
            return saved;
        });
}
