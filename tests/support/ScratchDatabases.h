#pragma once

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

// Databases made for one test program on the PostgreSQL cluster the PG* variables name
// (pg_virtualenv sets them; ./dev.sh test runs the tests inside one), dropped when it ends.
class ScratchDatabases final
{
    Q_DISABLE_COPY_MOVE(ScratchDatabases)

public:
    ScratchDatabases() = default;
    ~ScratchDatabases();

    // Reaches the cluster; false, with why in error(), when there is none.
    bool connect();
    // The postgres:// URL of a new, empty database named after stem and this process; empty,
    // with why in error(), when there is no cluster to make it on.
    QString create(const QString& stem);
    const QString& error() const { return m_error; }
    // The connection to the cluster's maintenance database, once create() succeeded.
    QSqlDatabase admin() const;
    // The name of the database a URL of create() names.
    static QString nameOf(const QString& url);

private:
    QString m_connection;
    QStringList m_databases;
    QString m_error;
};
