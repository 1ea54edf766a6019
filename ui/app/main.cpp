#include "ConnectionSettings.h"
#include "DesktopStores.h"
#include "MainWindow.h"
#include "SecretVault.h"
#include "StoreSession.h"
#include "SystemClock.h"
#include "UiSettings.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QSettings>

using namespace Qt::StringLiterals;

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"KeyDeck"_s);
    QApplication::setApplicationName(u"KeyDeck"_s);
    QApplication::setApplicationVersion(QStringLiteral(KEYDECK_VERSION));
    QApplication::setDesktopFileName(u"keydeck"_s);
    QApplication::setStyle(u"Fusion"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Desktop console for the API keys of an "
                                     "OpenAI-compatible AI API"_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption storeOption(
        u"store"_s, u"The local key store (default: %1)."_s.arg(DesktopStores::defaultLocalPath()),
        u"PATH"_s);
    parser.addOption(storeOption);
    parser.process(app);
    const QString localPath =
        parser.isSet(storeOption) ? parser.value(storeOption) : DesktopStores::defaultLocalPath();

    const SystemClock clock;
    // Shared with keydeckctl: which keys' secrets this computer's keychain holds.
    SecretIndex secretIndex(SecretIndex::defaultPath(SecretVault::DefaultService.toString()), clock);
    SecretVault vault;
    vault.setIndex(&secretIndex);
    QSettings settings;
    UiSettings uiSettings(settings);
    ConnectionSettings connections(settings);
    // The one place the desktop app picks its store implementations.
    const DesktopStores stores(localPath, clock, vault);
    StoreSession session([&stores](const ConnectionChoice& choice) { return stores.make(choice); },
                         {vault, clock, uiSettings, connections, u"local: "_s + localPath});
    QObject::connect(&session, &StoreSession::failedToStart, &app, [](const QString& why) {
        QMessageBox::critical(nullptr, u"KeyDeck"_s, why);
        QApplication::exit(1);
    });
    session.start();
    return QApplication::exec();
}
