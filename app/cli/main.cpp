#include "KeydeckCtl.h"
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

    QString defaultStore = qEnvironmentVariable("KEYDECK_STORE");
    if (defaultStore.isEmpty())
        defaultStore = SqliteStore::defaultPath();

    SystemClock clock;
    // The one place keydeckctl picks its store implementation.
    SqliteStoreOpener stores(defaultStore, clock, *QRandomGenerator::system());
    QTextStream out(stdout);
    QTextStream err(stderr);
    KeydeckCtl ctl(app.arguments().mid(1), stores, clock, out, err);
    QObject::connect(&ctl, &KeydeckCtl::finished, &app,
                     [](int code) { QCoreApplication::exit(code); });
    QTimer::singleShot(0, &ctl, &KeydeckCtl::start);
    return app.exec();
}
