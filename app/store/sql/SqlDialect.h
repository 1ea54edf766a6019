#pragma once

// The two SQL databases a store can live in: a local SQLite file, or a PostgreSQL server that
// several keydeck-server instances share. The SQL is the same but for the few spellings
// SqlSession gives.
enum class SqlDialect
{
    Sqlite,
    Postgres
};
