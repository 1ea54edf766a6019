#pragma once

#include "ApiKeyRecord.h"
#include "KeyEvent.h"
#include "KeyStore.h"
#include "WorkspaceSettings.h"

#include <QList>
#include <QStringList>
#include <optional>

class QSqlQuery;
class SqlDatabase;
class SqlSession;
class StoreError;

// The keys table and what hangs off it (key history, workspace settings), for the store classes
// that read and write keys inside their own transactions. Worker thread only; made per call.
class SqlKeyRows final
{
public:
    // Keeps references to both: temporaries would dangle.
    SqlKeyRows(const SqlSession&& session, const SqlDatabase& database) = delete;
    SqlKeyRows(const SqlSession& session, const SqlDatabase& database);

    enum class Pending
    {
        Excluded,
        Included
    };
    // Every usable key with its derived fields (spend, cycle quota), newest first.
    QList<ApiKeyRecord> all() const;
    // A page of all() filtered; the cursor is "created_at:rowid" of the last key of a page.
    KeyStore::Page page(const KeyListQuery& query) const;
    // The key whose column (id, label, digest) is value, with its derived fields.
    std::optional<ApiKeyRecord> select(const QString& column, const QString& value,
                                       Pending pending = Pending::Excluded) const;
    // StoreError::NotFound if there is none.
    ApiKeyRecord require(const QString& id) const;
    // StoreError::Conflict (field "label") if a key other than exceptId has the label.
    void requireLabelFree(const QString& label, const QString& exceptId) const;
    // StoreError::Invalid naming the fields; stored: the key's settings before an update.
    void validate(const KeySpec& spec, const KeySpec* stored = nullptr) const;
    // Generates the secret and inserts the key.
    CreatedKey insert(const KeySpec& spec, bool pending) const;
    void addEvent(const QString& keyId, KeyEvent::Kind kind, const QString& detail = {}) const;
    // Oldest first; StoreError::NotFound if the key does not exist.
    QList<KeyEvent> events(const QString& keyId) const;
    // Removes keys created in two steps whose activation never came.
    void purgeAbandoned() const;

    WorkspaceSettings settings() const;
    // Validates (StoreError::Invalid naming the fields) and stores.
    void writeSettings(const WorkspaceSettings& settings) const;

    static StoreError notFound(const QString& idOrLabel);
    // The columns an admin sets, bound by bindSpec() as ":column".
    static const QStringList& specColumns();
    static void bindSpec(QSqlQuery& query, const KeySpec& spec);
    // A subscription key's current cycle start; none for a standard key.
    static std::optional<qint64> cycleStart(const KeySpec& spec, qint64 nowMs);

private:
    ApiKeyRecord recordAt(const QSqlQuery& query) const;
    // Spend, and a subscription key's cycle usage, from the usage roll-ups: one key's worth.
    void deriveUsage(ApiKeyRecord* record, qint64 nowMs) const;

    const SqlSession& m_session;
    const SqlDatabase& m_database;
};
