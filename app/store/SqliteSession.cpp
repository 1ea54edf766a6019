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
        fail(u"Could not prepare a statement"_s, query.lastError().text());
    return query;
}

void SqliteSession::run(QSqlQuery& query) const
{
    if (!query.exec())
        fail(u"Could not read or write the keys"_s, query.lastError().text());
}

QSqlQuery SqliteSession::run(const QString& sql) const
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    if (!query.exec(sql))
        fail(u"Could not read or write the keys"_s, query.lastError().text());
    return query;
}

void SqliteSession::fail(const QString& what, const QString& sqliteError) const
{
    throw StoreError(StoreError::Code::Unavailable,
                     u"%1 (key store %2): %3"_s.arg(
                         what, QDir::toNativeSeparators(m_db.databaseName()), sqliteError));
}
