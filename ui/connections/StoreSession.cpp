#include "StoreSession.h"

#include "ConnectionSettings.h"
#include "ErrorText.h"
#include "MainWindow.h"
#include "StoreConnection.h"

using namespace Qt::StringLiterals;

StoreSession::StoreSession(ConnectionsPage::Factory factory, Services services, QObject* parent)
    : QObject(parent)
    , m_factory(std::move(factory))
    , m_services(std::move(services))
{}

StoreSession::~StoreSession()
{
    m_window.reset();
    m_connection.reset();
}

void StoreSession::start()
{
    const QString last = m_services.connections.lastChoice();
    const std::optional<ServerProfile> profile =
        last.isEmpty() ? std::nullopt : m_services.connections.profile(last);
    if (!profile)
        return openLocal({});
    const ConnectionChoice choice = ConnectionChoice::of(*profile);
    open(choice, u"Connected to %1."_s.arg(choice.server.url.toString()), true,
         [this, choice](const std::exception& error) {
             openLocal(u"Could not connect to %1 (%2): %3 KeyDeck opened this computer's store "
                       "instead."_s.arg(choice.title(), choice.server.url.toString(),
                                        ErrorText::describe(error)));
         });
}

void StoreSession::openLocal(const QString& notice)
{
    open(ConnectionChoice::local(), notice, false, [this](const std::exception& error) {
        Q_EMIT failedToStart(u"The key store could not be opened:\n%1\n\n%2"_s.arg(
            m_services.localLocation, ErrorText::describe(error)));
    });
}

void StoreSession::switchTo(const ConnectionChoice& choice)
{
    open(choice,
         choice.isLocal()
             ? u"Now on this computer's store."_s
             : u"Connected to %1 (%2)."_s.arg(choice.title(), choice.server.url.toString()),
         true, [this, choice](const std::exception& error) {
             if (m_window && m_window->connectionsPage())
                 m_window->connectionsPage()->showConnectFailure(choice, error);
         });
}

void StoreSession::open(const ConnectionChoice& choice, const QString& notice, bool good,
                        std::function<void(const std::exception&)> failed)
{
    m_pending = m_factory(choice);
    m_pending->open()
        .then(this,
              [this, choice, notice, good] { show(std::move(m_pending), choice, notice, good); })
        .onFailed(this, [this, failed = std::move(failed)](const std::exception& error) {
            m_pending.reset();
            failed(error);
        });
}

void StoreSession::show(std::unique_ptr<StoreConnection> connection, const ConnectionChoice& choice,
                        const QString& notice, bool good)
{
    auto* page = new ConnectionsPage(m_services.connections, m_services.vault, m_factory, choice,
                                     m_services.localLocation);
    connect(page, &ConnectionsPage::connectRequested, this, &StoreSession::switchTo);
    auto window = std::make_unique<MainWindow>(connection->keys(), connection->usage(),
                                               connection->lifecycle(), m_services.vault,
                                               m_services.clock, m_services.uiSettings, page);
    if (m_window) {
        window->restoreGeometry(m_window->saveGeometry());
        window->showPage(page);
    } else if (!notice.isEmpty()) {
        window->showPage(page);
    }
    if (!notice.isEmpty()) {
        if (good)
            page->showConnected(notice);
        else
            page->showNotice(notice);
    }
    window->show();
    // The old window goes before the store its pages use.
    m_window = std::move(window);
    m_connection = std::move(connection);
    m_current = choice;
    m_services.connections.setLastChoice(choice.isLocal() ? QString() : choice.server.name);
    Q_EMIT switched();
}
