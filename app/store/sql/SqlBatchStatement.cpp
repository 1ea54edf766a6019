#include "SqlBatchStatement.h"

#include "SqlSession.h"

#include <QSqlDriver>
#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace {
sqlite3* sqliteConnection(const SqlSession& session)
{
    const QVariant handle = session.database().driver()->handle();
    if (qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3* const*>(handle.constData());
}
} // namespace

SqlBatchStatement::SqlBatchStatement(const SqlSession& session, const QString& sql)
    : m_session(session)
    , m_connection(session.dialect() == SqlDialect::Sqlite ? sqliteConnection(session) : nullptr)
{
    if (!m_connection) {
        m_query = session.prepare(sql);
        return;
    }
    const QByteArray utf8 = sql.toUtf8();
    if (sqlite3_prepare_v3(m_connection, utf8.constData(), int(utf8.size()),
                           SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr) != SQLITE_OK) {
        sqlite3_finalize(m_statement);
        m_statement = nullptr;
        session.fail(u"Could not prepare a statement"_s,
                     QString::fromUtf8(sqlite3_errmsg(m_connection)));
    }
    m_texts.resize(sqlite3_bind_parameter_count(m_statement));
}

SqlBatchStatement::~SqlBatchStatement()
{
    sqlite3_finalize(m_statement);
}

void SqlBatchStatement::bind(int position, qint64 value)
{
    if (m_statement)
        sqlite3_bind_int64(m_statement, position + 1, value);
    else
        m_query.bindValue(position, qlonglong(value));
}

void SqlBatchStatement::bind(int position, const QString& text)
{
    if (text.isNull()) {
        bindNull(position);
        return;
    }
    if (!m_statement) {
        m_query.bindValue(position, text);
        return;
    }
    QByteArray& utf8 = m_texts[position];
    utf8 = text.toUtf8();
    // An empty QByteArray's data() is "", so '' stays '' and is not taken for NULL.
    sqlite3_bind_text(m_statement, position + 1, utf8.constData(), int(utf8.size()), SQLITE_STATIC);
}

void SqlBatchStatement::bindNull(int position)
{
    if (m_statement)
        sqlite3_bind_null(m_statement, position + 1);
    else
        m_query.bindValue(position, QVariant(QMetaType::fromType<qlonglong>()));
}

qint64 SqlBatchStatement::run()
{
    if (!m_statement) {
        m_session.run(m_query);
        return m_query.numRowsAffected();
    }
    const int result = sqlite3_step(m_statement);
    if (result != SQLITE_DONE && result != SQLITE_ROW) {
        // The connection's message names the constraint or column, as Qt's own errors do; read
        // before the reset, which starts the statement over.
        const QString message = QString::fromUtf8(sqlite3_errmsg(m_connection));
        sqlite3_reset(m_statement);
        const int primary = result & 0xff;
        m_session.fail(u"Could not read or write the keys"_s,
                       primary == SQLITE_BUSY || primary == SQLITE_LOCKED ? SqlSession::busyText()
                                                                          : message);
    }
    sqlite3_reset(m_statement);
    return sqlite3_changes64(m_connection);
}
