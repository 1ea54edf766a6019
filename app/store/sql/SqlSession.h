#pragma once

#include "SqlDialect.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <optional>
#include <type_traits>

// The worker thread's connection with statement helpers: every database failure becomes a
// StoreError::Unavailable that names the store.
class SqlSession final
{
public:
    explicit SqlSession(QSqlDatabase db)
        : m_db(std::move(db))
        , m_dialect(m_db.driverName() == QStringLiteral("QPSQL") ? SqlDialect::Postgres
                                                                 : SqlDialect::Sqlite)
    {}

    const QSqlDatabase& database() const { return m_db; }
    SqlDialect dialect() const { return m_dialect; }
    // The larger of two values: SQLite's max(a, b), PostgreSQL's greatest(a, b).
    QString greatest() const
    {
        return m_dialect == SqlDialect::Postgres ? QStringLiteral("greatest")
                                                 : QStringLiteral("max");
    }
    // A table of this connection's own, and a table of the store, named unambiguously.
    QString tempTable(const QString& name) const
    {
        return (m_dialect == SqlDialect::Postgres ? QStringLiteral("pg_temp.")
                                                  : QStringLiteral("temp.")) +
               name;
    }
    QString storeTable(const QString& name) const
    {
        return m_dialect == SqlDialect::Postgres ? name : QStringLiteral("main.") + name;
    }
    // The column that orders a table's rows as they were inserted: SQLite's rowid, the seq
    // column of PostgreSQL's keys.
    QString insertionOrder() const
    {
        return m_dialect == SqlDialect::Postgres ? QStringLiteral("seq") : QStringLiteral("rowid");
    }
    // Starts the transaction write() runs in; COMMIT or ROLLBACK ends it.
    void beginWrite() const;
    // Forward-only: rows are read once, in order, without Qt caching them.
    QSqlQuery prepare(const QString& sql) const;
    void run(QSqlQuery& query) const;
    QSqlQuery run(const QString& sql) const;
    [[noreturn]] void fail(const QString& what, const QString& databaseError) const;
    [[noreturn]] void fail(const QString& what, const QSqlError& error) const;
    // What a failed statement means to a user: "busy" in words (another program holds the write
    // lock), else the database's own message; never the driver's ("Unable to fetch row").
    static QString describe(const QSqlError& error);
    // What describe() says of SQLite's busy and locked errors.
    static QString busyText();

    // A bindable value for an optional integer column (NULL when empty), and back.
    static QVariant optionalValue(const std::optional<qint64>& value);
    static std::optional<qint64> optionalAt(const QSqlQuery& query, int column);

    // work() in a write transaction, rolled back if it throws. The write lock is taken up front
    // (SQLite's BEGIN IMMEDIATE, a PostgreSQL advisory lock every writer of the store takes), so
    // a check made inside (label free, key not revoked) still holds at COMMIT even with another
    // process writing.
    template <typename Work> auto write(Work work) const
    {
        return inTransaction(true, std::move(work));
    }
    // work() in a read transaction: everything it reads comes from one snapshot of the store.
    template <typename Work> auto read(Work work) const
    {
        return inTransaction(false, std::move(work));
    }

private:
    void beginRead() const;

    template <typename Work> auto inTransaction(bool writes, Work work) const
    {
        if (writes)
            beginWrite();
        else
            beginRead();
        try {
            if constexpr (std::is_void_v<std::invoke_result_t<Work>>) {
                work();
                run(QStringLiteral("COMMIT"));
            } else {
                auto result = work();
                run(QStringLiteral("COMMIT"));
                return result;
            }
        } catch (...) {
            QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
            throw;
        }
    }

    QSqlDatabase m_db;
    SqlDialect m_dialect;
};
