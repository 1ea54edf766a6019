#pragma once

#include "RestSettings.h"
#include "StoreConnection.h"
#include "StoreError.h"

#include <QObject>
#include <QPromise>
#include <functional>
#include <memory>

class RestAuditStore;
class RestClient;
class RestEventStream;
class RestKeyStore;
class RestLifecycleStore;
class RestUsageStore;

// A keydeck-server seen through the store interfaces: every call is a request to its admin
// API with the admin key, and every change - this client's or another admin's - is announced
// from the server's events stream, which reconnects by itself when it breaks.
class RestStore final : public QObject, public StoreConnection
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestStore)

public:
    // Where the admin key comes from when it is not in the settings (the keychain): asked once,
    // by open(). Its failure is open()'s.
    using AdminKeySource = std::function<QFuture<QString>()>;

    explicit RestStore(RestSettings settings, AdminKeySource adminKey = {},
                       QObject* parent = nullptr);
    ~RestStore() override;

    // Checks that a keydeck-server answers (GET /healthz, which says its version), that it takes
    // the key (GET /v1/admin/workspace), then follows the events stream;
    // done once the stream is up, or after StreamWaitMs without it (it keeps trying).
    QFuture<void> open() override;
    KeyStore& keys() override;
    UsageStore& usage() override;
    LifecycleStore& lifecycle() override;
    AuditStore& audit() override;
    QString serverVersion() const override { return m_serverVersion; }

    // Whether changes are being heard now.
    bool isLive() const;
    static constexpr int StreamWaitMs = 5000;

Q_SIGNALS:
    // The events stream came up (again: resumed, and everything was announced as changed, since
    // anything may have changed meanwhile) or was lost, and why.
    void live(bool resumed);
    void lost(const StoreError& why);

private:
    void openWithKey(const std::shared_ptr<QPromise<void>>& promise);
    void checkKey(const std::shared_ptr<QPromise<void>>& promise);

    AdminKeySource m_adminKeySource;
    QString m_serverVersion;
    std::unique_ptr<RestClient> m_client;
    std::unique_ptr<RestKeyStore> m_keys;
    std::unique_ptr<RestUsageStore> m_usage;
    std::unique_ptr<RestLifecycleStore> m_lifecycle;
    std::unique_ptr<RestAuditStore> m_audit;
    std::unique_ptr<RestEventStream> m_events;
};
