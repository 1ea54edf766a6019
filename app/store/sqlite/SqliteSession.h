#pragma once

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <optional>
#include <type_traits>

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

    // A bindable value for an optional integer column (NULL when empty), and back.
    static QVariant optionalValue(const std::optional<qint64>& value);
    static std::optional<qint64> optionalAt(const QSqlQuery& query, int column);

    // work() in a write transaction, rolled back if it throws. BEGIN IMMEDIATE takes the write
    // lock up front, so a check made inside (label free, key not revoked) still holds at COMMIT
    // even with another process writing.
    template <typename Work> auto write(Work work) const
    {
        return inTransaction(u"BEGIN IMMEDIATE", std::move(work));
    }
    // work() in a read transaction: everything it reads comes from one snapshot of the file.
    template <typename Work> auto read(Work work) const
    {
        return inTransaction(u"BEGIN", std::move(work));
    }

private:
    template <typename Work> auto inTransaction(QStringView begin, Work work) const
    {
        run(begin.toString());
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
};
