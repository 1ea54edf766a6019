#include "SqliteSession.h"

#include "StoreError.h"

#include <QDir>
#include <QSqlError>

using namespace Qt::StringLiterals;

QSqlQuery SqliteSession::prepare(const QString& sql) const
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        fail(u"Could not prepare a statement"_s, query.lastError());
    return query;
}

void SqliteSession::run(QSqlQuery& query) const
{
    if (!query.exec())
        fail(u"Could not read or write the keys"_s, query.lastError());
}

QSqlQuery SqliteSession::run(const QString& sql) const
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    if (!query.exec(sql))
        fail(u"Could not read or write the keys"_s, query.lastError());
    return query;
}

void SqliteSession::fail(const QString& what, const QSqlError& error) const
{
    fail(what, describe(error));
}

QString SqliteSession::describe(const QSqlError& error)
{
    bool numeric = false;
    const int code = error.nativeErrorCode().toInt(&numeric) & 0xff;
    // SQLITE_BUSY, SQLITE_LOCKED and their extended codes: the busy timeout ran out.
    if (numeric && (code == 5 || code == 6)) {
        return u"another program kept it busy with a write (a large usage import, perhaps) "
               u"longer than KeyDeck waits; nothing was changed, try again when it is done"_s;
    }
    return error.databaseText().isEmpty() ? error.text() : error.databaseText();
}

void SqliteSession::fail(const QString& what, const QString& sqliteError) const
{
    throw StoreError(StoreError::Code::Unavailable,
                     u"%1 (key store %2): %3"_s.arg(
                         what, QDir::toNativeSeparators(m_db.databaseName()), sqliteError));
}

QVariant SqliteSession::optionalValue(const std::optional<qint64>& value)
{
    return value ? QVariant(qlonglong(*value)) : QVariant(QMetaType::fromType<qlonglong>());
}

std::optional<qint64> SqliteSession::optionalAt(const QSqlQuery& query, int column)
{
    if (query.isNull(column))
        return std::nullopt;
    return query.value(column).toLongLong();
}
