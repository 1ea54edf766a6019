#pragma once

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

// The worker thread's connection with statement helpers: every SQLite failure becomes a
// StoreError::Unavailable that names the store file.
class SqliteSession final
{
public:
    explicit SqliteSession(QSqlDatabase db)
        : m_db(std::move(db))
    {}

    const QSqlDatabase& database() const { return m_db; }
    // Forward-only: rows are read once, in order, without Qt caching them.
    QSqlQuery prepare(const QString& sql) const;
    void run(QSqlQuery& query) const;
    QSqlQuery run(const QString& sql) const;
    [[noreturn]] void fail(const QString& what, const QString& sqliteError) const;
    [[noreturn]] void fail(const QString& what, const QSqlError& error) const;
    // What a failed statement means to a user: "busy" in words (another program holds the write
    // lock), else SQLite's own message; never the driver's ("Unable to fetch row").
    static QString describe(const QSqlError& error);

private:
    QSqlDatabase m_db;
};
