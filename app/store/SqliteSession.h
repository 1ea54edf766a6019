#pragma once

#include <QSqlDatabase>
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

private:
    QSqlDatabase m_db;
};
