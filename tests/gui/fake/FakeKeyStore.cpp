#include "FakeKeyStore.h"

using namespace Qt::StringLiterals;

FakeKeyStore::FakeKeyStore(FakeBehaviour& behaviour, QObject* parent)
    : KeyStore(parent)
    , m_behaviour(behaviour)
{}

QString FakeKeyStore::location() const
{
    return u"test: fake store"_s;
}

ApiKeyRecord& FakeKeyStore::require(const QString& id)
{
    for (ApiKeyRecord& record : m_keys) {
        if (record.id == id)
            return record;
    }
    throw StoreError(StoreError::Code::NotFound, u"There is no key \"%1\"."_s.arg(id));
}

QFuture<CreatedKey> FakeKeyStore::createKey(const KeySpec& spec)
{
    return m_behaviour.answer<CreatedKey>(this, [this, spec] {
        CreatedKey created;
        created.record.id = u"key_fake%1"_s.arg(m_keys.size());
        created.record.spec = spec;
        m_keys.prepend(created.record);
        Q_EMIT keysChanged();
        return created;
    });
}

QFuture<CreatedKey> FakeKeyStore::createPendingKey(const KeySpec& spec)
{
    return createKey(spec);
}

QFuture<ApiKeyRecord> FakeKeyStore::activateKey(const QString& id)
{
    return m_behaviour.answer<ApiKeyRecord>(this, [this, id] { return require(id); });
}

QFuture<QList<ApiKeyRecord>> FakeKeyStore::listKeys()
{
    return m_behaviour.answer<QList<ApiKeyRecord>>(this, [this] { return m_keys; });
}

// By position in the list, which is all a test double that never changes its keys between
// pages needs; its keys have no expiry, so a stored status is the effective one.
QFuture<KeyStore::Page> FakeKeyStore::listKeysPage(const KeyListQuery& query)
{
    return m_behaviour.answer<Page>(this, [this, query] {
        QList<ApiKeyRecord> matching;
        for (const ApiKeyRecord& record : std::as_const(m_keys)) {
            if ((query.environment.isEmpty() || record.spec.environment == query.environment) &&
                (!query.status || record.status == *query.status) &&
                (query.search.isEmpty() ||
                 record.spec.label.contains(query.search, Qt::CaseInsensitive)))
                matching << record;
        }
        const qsizetype from = query.cursor.toLongLong();
        Page page;
        page.keys = matching.mid(from, query.limit);
        if (from + query.limit < matching.size())
            page.nextCursor = QString::number(from + query.limit);
        page.total = query.cursor.isEmpty() ? matching.size() : -1;
        return page;
    });
}

QFuture<ApiKeyRecord> FakeKeyStore::findKey(const QString& idOrLabel)
{
    return m_behaviour.answer<ApiKeyRecord>(this, [this, idOrLabel] {
        for (const ApiKeyRecord& record : std::as_const(m_keys)) {
            if (record.spec.label == idOrLabel)
                return record;
        }
        return require(idOrLabel);
    });
}

QFuture<ApiKeyRecord> FakeKeyStore::findKeyByDigest(const QByteArray& digestHex)
{
    return m_behaviour.answer<ApiKeyRecord>(this, [this, digestHex] {
        for (const ApiKeyRecord& record : std::as_const(m_keys)) {
            if (record.digestHex == digestHex)
                return record;
        }
        throw StoreError(StoreError::Code::NotFound, u"No key has this secret."_s);
    });
}

QFuture<ApiKeyRecord> FakeKeyStore::updateKey(const QString& id, const KeySpec& spec)
{
    return m_behaviour.answer<ApiKeyRecord>(this, [this, id, spec] {
        ApiKeyRecord& record = require(id);
        record.spec = spec;
        Q_EMIT keysChanged();
        return record;
    });
}

QFuture<ApiKeyRecord> FakeKeyStore::setKeyStatus(const QString& id, KeyStatus status)
{
    return m_behaviour.answer<ApiKeyRecord>(this, [this, id, status] {
        ApiKeyRecord& record = require(id);
        record.status = status;
        Q_EMIT keysChanged();
        return record;
    });
}

QFuture<void> FakeKeyStore::deleteKey(const QString& id)
{
    return m_behaviour.answer<void>(this, [this, id] {
        require(id);
        m_keys.removeIf([&id](const ApiKeyRecord& record) { return record.id == id; });
        Q_EMIT keysChanged();
    });
}

QFuture<WorkspaceSettings> FakeKeyStore::workspaceSettings()
{
    return m_behaviour.answer<WorkspaceSettings>(this, [this] { return m_settings; });
}

QFuture<WorkspaceSettings> FakeKeyStore::updateWorkspaceSettings(const WorkspaceSettings& settings)
{
    return m_behaviour.answer<WorkspaceSettings>(this, [this, settings] {
        m_settings = settings;
        Q_EMIT keysChanged();
        return settings;
    });
}
