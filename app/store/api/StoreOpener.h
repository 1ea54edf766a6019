#pragma once

#include "StoreConnection.h"

#include <QString>
#include <memory>

// Makes connections to stores named by a location (a file path for the local store, a URL
// for a server): what keydeckctl is given by its main() so that it never knows which kind of
// store it talks to.
class StoreOpener
{
    Q_DISABLE_COPY_MOVE(StoreOpener)

public:
    StoreOpener() = default;
    virtual ~StoreOpener() = default;

    // Where a store is when none is named.
    virtual QString defaultLocation() const = 0;
    // Whether there is a store at location yet (a command that only reads does not create one).
    virtual bool exists(const QString& location) const = 0;
    // An unopened connection; open() creates the store if it is missing.
    virtual std::unique_ptr<StoreConnection> connect(const QString& location) = 0;
};
