#include "CliStoreOpener.h"
#include "KeydeckCtl.h"
#include "RestStoreOpener.h"
#include "SavedAdminKey.h"
#include "SecretVault.h"
#include "SqliteStore.h"
#include "SqliteStoreOpener.h"
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
        return SavedAdminKey::read(vault, server,
                                   u"set KEYDECK_ADMIN_KEY, or save the key with the server's "
                                   "profile on the KeyDeck app's Connections page"_s);
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
