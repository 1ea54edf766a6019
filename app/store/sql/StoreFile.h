#pragma once

#include <QString>

// The local store's file on disk: who may read it, and which file it is.
class StoreFile final
{
public:
    // Before SQLite opens path: creates missing folders 0700 and a missing database file 0600
    // whatever the umask (SQLite gives -wal and -shm the database file's mode), and narrows an
    // existing database, -wal and -shm to 0600: they hold digests, labels, usage and client
    // addresses. Folders that exist already are left as they are (think of --store ~/x.sqlite).
    // False with *error saying what failed.
    static bool prepare(const QString& path, QString* error);
    // Names the file itself rather than its path (device and inode): a copy, a restored backup
    // or a file moved to another file system has another identity. Empty if it cannot be read.
    static QString identity(const QString& path);
};
