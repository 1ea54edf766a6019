#include "CliStoreOpener.h"
#include "KeydeckCtl.h"
#include "RestStoreOpener.h"
#include "SecretVault.h"
#include "ServerProfile.h"
#include "SqliteStore.h"
#include "SqliteStoreOpener.h"
#include "StoreError.h"
#include "SystemClock.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QTextStream>
#include <QTimer>

using namespace Qt::StringLiterals;

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    // The same names as the desktop app, so both default to the same store.
    QCoreApplication::setOrganizationName(u"KeyDeck"_s);
    QCoreApplication::setApplicationName(u"KeyDeck"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(KEYDECK_VERSION));

    QString defaultStore = qEnvironmentVariable("KEYDECK_SERVER");
    if (defaultStore.isEmpty())
        defaultStore = qEnvironmentVariable("KEYDECK_STORE");
    if (defaultStore.isEmpty())
        defaultStore = SqliteStore::defaultPath();

    SystemClock clock;
    // The one place keydeckctl picks its store implementations: a file, or a server whose
    // admin key is $KEYDECK_ADMIN_KEY or else the one the Connections page saved for its URL.
    SqliteStoreOpener files(SqliteStore::defaultPath(), clock, *QRandomGenerator::system());
    SecretVault vault;
    RestSettings serverDefaults;
    serverDefaults.adminKey = qEnvironmentVariable("KEYDECK_ADMIN_KEY");
    serverDefaults.caFile = qEnvironmentVariable("KEYDECK_CA_FILE");
    RestStoreOpener servers(serverDefaults, [&vault](const QUrl& server) {
        return vault.readCredential(ServerProfile::adminKeyEntry(server))
            .onFailed([server](const SecretVault::Error& error) -> QString {
                if (error.code() != SecretVault::Error::Code::NotFound)
                    throw StoreError(
                        StoreError::Code::Unavailable,
                        u"cannot read the admin key for %1 from the keychain: %2 "
                        "(or set KEYDECK_ADMIN_KEY)"_s.arg(server.toString(), error.message()));
                throw StoreError(StoreError::Code::Unauthorized,
                                 u"no admin key for %1: set KEYDECK_ADMIN_KEY, or save the key "
                                 "with the server's profile on the KeyDeck app's Connections "
                                 "page"_s.arg(server.toString()));
            });
    });
    CliStoreOpener stores(defaultStore, files, servers);
    QTextStream out(stdout);
    QTextStream err(stderr);
    KeydeckCtl ctl(app.arguments().mid(1), stores, clock, out, err);
    QObject::connect(&ctl, &KeydeckCtl::finished, &app,
                     [](int code) { QCoreApplication::exit(code); });
    QTimer::singleShot(0, &ctl, &KeydeckCtl::start);
    return app.exec();
}
