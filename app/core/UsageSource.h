#pragma once

#include <QIODevice>
#include <QString>
#include <functional>
#include <memory>

// Where a usage import reads from: a name for messages (and for telling JSON Lines from CSV by
// its extension) and a way to open it. A store opens it on the side that reads - a local store
// on its own thread, a remote store on the client, to upload the bytes as they are read - so a
// file is never held in memory whole.
struct UsageSource
{
    QString name;
    // nullptr with *error saying why when it cannot be opened.
    std::function<std::unique_ptr<QIODevice>(QString* error)> open;

    // A file on this computer.
    static UsageSource file(const QString& path);
};
