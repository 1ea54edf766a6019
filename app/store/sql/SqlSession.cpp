#include "SqlSession.h"

#include "StoreError.h"

#include <QDir>
#include <QSqlError>

using namespace Qt::StringLiterals;

namespace {
// The one advisory lock key of a KeyDeck store's writers ("KeyDeck" in ASCII).
constexpr qint64 WriterLockKey = 0x4b'6579'4465'636bLL;
} // namespace

void SqlSession::beginWrite() const
{
    if (m_dialect == SqlDialect::Sqlite) {
        run(QStringLiteral("BEGIN IMMEDIATE"));
        return;
    }
    run(QStringLiteral("BEGIN"));
    try {
        run(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(WriterLockKey));
    } catch (...) {
        QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
        throw;
    }
}

void SqlSession::beginRead() const
{
    // PostgreSQL's default (read committed) takes a snapshot per statement.
    run(m_dialect == SqlDialect::Sqlite ? QStringLiteral("BEGIN")
                                        : QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ"));
}

QSqlQuery SqlSession::prepare(const QString& sql) const
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        fail(u"Could not prepare a statement"_s, query.lastError());
    return query;
}

void SqlSession::run(QSqlQuery& query) const
{
    if (!query.exec())
        fail(u"Could not read or write the keys"_s, query.lastError());
}

QSqlQuery SqlSession::run(const QString& sql) const
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    if (!query.exec(sql))
        fail(u"Could not read or write the keys"_s, query.lastError());
    return query;
}

void SqlSession::fail(const QString& what, const QSqlError& error) const
{
    fail(what, describe(error));
}

QString SqlSession::describe(const QSqlError& error)
{
    bool numeric = false;
    const int code = error.nativeErrorCode().toInt(&numeric) & 0xff;
    // SQLITE_BUSY, SQLITE_LOCKED and their extended codes: the busy timeout ran out. (A
    // PostgreSQL SQLSTATE has five characters: never one of these.)
    if (numeric && error.nativeErrorCode().size() < 5 && (code == 5 || code == 6))
        return busyText();
    return error.databaseText().isEmpty() ? error.text() : error.databaseText();
}

QString SqlSession::busyText()
{
    return u"another program kept it busy with a write (a large usage import, perhaps) longer "
           u"than KeyDeck waits; nothing was changed, try again when it is done"_s;
}

void SqlSession::fail(const QString& what, const QString& databaseError) const
{
    const QString store = m_dialect == SqlDialect::Sqlite
                              ? QDir::toNativeSeparators(m_db.databaseName())
                              : u"%1 on %2"_s.arg(m_db.databaseName(), m_db.hostName());
    throw StoreError(StoreError::Code::Unavailable,
                     u"%1 (key store %2): %3"_s.arg(what, store, databaseError));
}

QVariant SqlSession::optionalValue(const std::optional<qint64>& value)
{
    return value ? QVariant(qlonglong(*value)) : QVariant(QMetaType::fromType<qlonglong>());
}

std::optional<qint64> SqlSession::optionalAt(const QSqlQuery& query, int column)
{
    if (query.isNull(column))
        return std::nullopt;
    return query.value(column).toLongLong();
}
