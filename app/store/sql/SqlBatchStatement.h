#pragma once

#include <QByteArrayList>
#include <QSqlQuery>
#include <QString>

class SqlSession;
struct sqlite3;
struct sqlite3_stmt;

// A write run many times in one transaction: an import's events and their roll-ups. On SQLite it
// runs straight on the driver's connection, because Qt SQL's binding (a formatted placeholder
// name and a hash lookup per value) costs more than SQLite's insert itself; elsewhere it is a
// prepared QSqlQuery. Positions count from 0, as QSqlQuery's do; a value stays bound until it is
// bound again. The session must outlive it.
class SqlBatchStatement final
{
    Q_DISABLE_COPY_MOVE(SqlBatchStatement)

public:
    SqlBatchStatement(const SqlSession&& session, const QString& sql) = delete;
    SqlBatchStatement(const SqlSession& session, const QString& sql);
    ~SqlBatchStatement();

    void bind(int position, qint64 value);
    // A null QString binds NULL; an empty one, ''.
    void bind(int position, const QString& text);
    void bindNull(int position);
    // Runs it with the values bound; the rows it inserted, updated or deleted.
    qint64 run();

private:
    const SqlSession& m_session;
    sqlite3* m_connection = nullptr;
    sqlite3_stmt* m_statement = nullptr;
    // The bound texts' UTF-8, alive until they are bound again.
    QByteArrayList m_texts;
    QSqlQuery m_query;
};
