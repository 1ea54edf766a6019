#include "RestStore.h"

#include "RestAuditStore.h"
#include "RestClient.h"
#include "RestEventStream.h"
#include "RestKeyStore.h"
#include "RestLifecycleStore.h"
#include "RestUsageStore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPromise>
#include <QTimer>

using namespace Qt::StringLiterals;

RestStore::RestStore(RestSettings settings, AdminKeySource adminKey, QObject* parent)
    : QObject(parent)
    , m_adminKeySource(std::move(adminKey))
    , m_client(std::make_unique<RestClient>(std::move(settings)))
    , m_keys(std::make_unique<RestKeyStore>(*m_client))
    , m_usage(std::make_unique<RestUsageStore>(*m_client))
    , m_lifecycle(std::make_unique<RestLifecycleStore>(*m_client, *m_keys))
    , m_audit(std::make_unique<RestAuditStore>(*m_client))
    , m_events(std::make_unique<RestEventStream>(*m_client))
{
    connect(m_events.get(), &RestEventStream::keysChanged, m_keys.get(), &KeyStore::keysChanged);
    connect(m_events.get(), &RestEventStream::usageChanged, m_usage.get(),
            &UsageStore::usageChanged);
    connect(m_events.get(), &RestEventStream::alertsChanged, m_lifecycle.get(),
            &LifecycleStore::alertsChanged);
    connect(m_events.get(), &RestEventStream::live, this, [this](bool resumed) {
        if (resumed) {
            Q_EMIT m_keys->keysChanged();
            Q_EMIT m_usage->usageChanged();
            Q_EMIT m_lifecycle->alertsChanged();
        }
        Q_EMIT live(resumed);
    });
    connect(m_events.get(), &RestEventStream::lost, this, &RestStore::lost);
    connect(m_events.get(), &RestEventStream::live, m_keys.get(),
            [this] { Q_EMIT m_keys->reachabilityChanged(true, {}); });
    connect(m_events.get(), &RestEventStream::lost, m_keys.get(), [this](const StoreError& why) {
        Q_EMIT m_keys->reachabilityChanged(false, why.message());
    });
}

// The stream first: its reply belongs to the client's network manager.
RestStore::~RestStore()
{
    m_events.reset();
}

QFuture<void> RestStore::open()
{
    auto promise = std::make_shared<QPromise<void>>();
    promise->start();
    if (!m_adminKeySource) {
        openWithKey(promise);
        return promise->future();
    }
    m_adminKeySource()
        .then(this,
              [this, promise](const QString& key) {
                  m_client->setAdminKey(key);
                  openWithKey(promise);
              })
        .onFailed(this,
                  [promise](const StoreError& error) {
                      promise->setException(error);
                      promise->finish();
                  })
        .onFailed(this, [promise](const std::exception& error) {
            promise->setException(
                StoreError(StoreError::Code::Unauthorized,
                           u"No admin key for this server: "_s + QString::fromUtf8(error.what())));
            promise->finish();
        });
    return promise->future();
}

void RestStore::openWithKey(const std::shared_ptr<QPromise<void>>& promise)
{
    // /healthz answers without a key and says the server's version. When it fails (a server
    // whose store is down, or not a keydeck-server at all), the key check that follows says
    // what is wrong.
    m_client->send("GET", u"/healthz"_s)
        .onFailed([](const StoreError&) { return QByteArray(); })
        .then(this,
              [this, promise](const QByteArray& health) {
                  if (!health.isEmpty()) {
                      const QJsonObject body = QJsonDocument::fromJson(health).object();
                      if (!body.contains(u"version"_s))
                          throw StoreError(StoreError::Code::Unavailable,
                                           u"%1 answers, but is not a keydeck-server"_s.arg(
                                               m_client->settings().serverUrl.toString()));
                      m_serverVersion = u"keydeck-server "_s + body.value(u"version"_s).toString();
                  }
                  checkKey(promise);
              })
        .onFailed(this, [promise](const StoreError& error) {
            promise->setException(error);
            promise->finish();
        });
}

void RestStore::checkKey(const std::shared_ptr<QPromise<void>>& promise)
{
    m_client->send("GET", u"/v1/admin/workspace"_s)
        .then(this,
              [this, promise](const QByteArray&) {
                  if (m_events->isLive()) {
                      promise->finish();
                      return;
                  }
                  // Whichever comes first; the others find the promise finished.
                  auto done = std::make_shared<bool>(false);
                  const auto finish = [promise, done] {
                      if (!*done) {
                          *done = true;
                          promise->finish();
                      }
                  };
                  connect(m_events.get(), &RestEventStream::live, this, finish,
                          Qt::SingleShotConnection);
                  connect(m_events.get(), &RestEventStream::lost, this, finish,
                          Qt::SingleShotConnection);
                  QTimer::singleShot(StreamWaitMs, this, finish);
                  m_events->start();
              })
        .onFailed(this, [promise](const StoreError& error) {
            promise->setException(error);
            promise->finish();
        });
}

KeyStore& RestStore::keys()
{
    return *m_keys;
}

UsageStore& RestStore::usage()
{
    return *m_usage;
}

LifecycleStore& RestStore::lifecycle()
{
    return *m_lifecycle;
}

AuditStore& RestStore::audit()
{
    return *m_audit;
}

bool RestStore::isLive() const
{
    return m_events->isLive();
}
