#include "ServerCommand.h"
#include "ServerStoreOpener.h"
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
    QCoreApplication::setOrganizationName(u"KeyDeck"_s);
    QCoreApplication::setApplicationName(u"keydeck-server"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(KEYDECK_VERSION));

    SystemClock clock;
    // The one place keydeck-server picks its store implementation: a postgres:// URL is a
    // PostgreSQL database, anything else a SQLite file.
    SqliteStoreOpener files(SqliteStore::defaultPath(), clock, *QRandomGenerator::system());
    ServerStoreOpener stores(files, clock, *QRandomGenerator::system());
    QTextStream out(stdout);
    QTextStream err(stderr);
    ServerCommand command(app.arguments().mid(1), ServerConfigLoader::processEnvironment(), stores,
                          clock, *QRandomGenerator::system(), out, err);
    QObject::connect(&command, &ServerCommand::finished, &app,
                     [](int code) { QCoreApplication::exit(code); });
    QTimer::singleShot(0, &command, &ServerCommand::start);
    return app.exec();
}
