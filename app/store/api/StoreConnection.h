#pragma once

#include <QFuture>
#include <QString>

class AuditStore;
class KeyStore;
class LifecycleStore;
class SpendStore;
class UsageStore;

// One store - a local file or a server - seen through the interfaces the UI, keydeckctl and
// the server use. Each program's main() (and the Connections page) picks the implementation;
// nothing else knows which it is.
class StoreConnection
{
    Q_DISABLE_COPY_MOVE(StoreConnection)

public:
    StoreConnection() = default;
    virtual ~StoreConnection() = default;

    // Reaches the store (creating or migrating what it must). Fails with a StoreError; the
    // interfaces fail every call with the same error until it succeeds.
    virtual QFuture<void> open() = 0;
    virtual KeyStore& keys() = 0;
    virtual UsageStore& usage() = 0;
    virtual LifecycleStore& lifecycle() = 0;
    virtual AuditStore& audit() = 0;
    // The spend ledger a gateway admits requests by: a store in a database has one; a client of
    // a server (RestStore) has none - the server it reaches keeps its own.
    virtual SpendStore* spend() { return nullptr; }
    // What a server store says it runs ("keydeck-server 0.9.0") once open; empty for a file.
    virtual QString serverVersion() const { return {}; }
};
