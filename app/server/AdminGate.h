#pragma once

#include "ApiKeyRecord.h"
#include "ApiRouter.h"
#include "AuditEntry.h"
#include "StoreThread.h"

#include <memory>

class AuthThrottle;
class Clock;
class RequestLog;
class StoreConnection;

// The door of /v1/admin/: authenticates the caller's key (admin permission, not revoked,
// expired or disabled, from an allowed address), slows down addresses that keep failing, and
// records in the audit log every request that changes something and every refused one before
// it is answered. The work runs on the store thread.
class AdminGate final
{
    Q_DISABLE_COPY_MOVE(AdminGate)

public:
    // Runs on the store thread with the authenticated admin key.
    using Work = std::function<void(const ApiKeyRecord& actor, const ApiRouter::Call& call,
                                    HttpResponder respond)>;

    // masterDigest: the SHA-256 hex of the master admin key (ServerConfig::adminKeySha256),
    // or empty for none.
    AdminGate(StoreConnection& store, StoreThread storeThread, const Clock& clock,
              AuthThrottle& throttle, RequestLog& log, QByteArray masterDigest = {});

    // How the audit log and the request log name the master key.
    static constexpr QLatin1StringView MasterKeyId{"master"};

    // action: what the audit log calls it ("key.revoke").
    ApiRouter::Handler authorized(const QString& action, Work work);
    // The same for a method of an API that does not need to know who asked.
    template <typename Api>
    ApiRouter::Handler authorized(const QString& action, Api* api,
                                  void (Api::*method)(const ApiRouter::Call&, HttpResponder))
    {
        return authorized(action, [api, method](const ApiKeyRecord&, const ApiRouter::Call& call,
                                                HttpResponder respond) {
            (api->*method)(call, std::move(respond));
        });
    }

private:
    void authenticate(const ApiRouter::Call& call, const QByteArray& digest, Work work,
                      const std::shared_ptr<AuditEntry>& entry, HttpResponder respond);
    void runAsMaster(const ApiRouter::Call& call, const QString& credential, const Work& work,
                     const std::shared_ptr<AuditEntry>& entry, HttpResponder respond);
    void audited(const std::shared_ptr<AuditEntry>& entry, HttpResponse response,
                 const HttpResponder& respond);

    StoreConnection& m_store;
    StoreThread m_storeThread;
    const Clock& m_clock;
    AuthThrottle& m_throttle;
    RequestLog& m_log;
    const QByteArray m_masterDigest;
};
