#include "ErrorText.h"
#include "MainWindow.h"
#include "SecretVault.h"
#include "SqliteStore.h"
#include "SystemClock.h"
#include "UiSettings.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QRandomGenerator>
#include <QSettings>
#include <memory>

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
        u"store"_s, u"The local key store (default: %1)."_s.arg(SqliteStore::defaultPath()),
        u"PATH"_s);
    parser.addOption(storeOption);
    parser.process(app);

    const SystemClock clock;
    // The one place the desktop app picks its store implementation.
    SqliteStore store(parser.isSet(storeOption) ? parser.value(storeOption)
                                                : SqliteStore::defaultPath(),
                      clock, *QRandomGenerator::system());
    SecretVault vault;
    QSettings settings;
    UiSettings uiSettings(settings);
    std::unique_ptr<MainWindow> window;

    // The window appears once the store is open, so its first load cannot race the migration.
    store.open()
        .then(&app,
              [&] {
                  window = std::make_unique<MainWindow>(
                      store.keys(), store.usage(), store.lifecycle(), vault, clock, uiSettings);
                  window->show();
              })
        .onFailed(&app, [&](const std::exception& error) {
            QMessageBox::critical(nullptr, u"KeyDeck"_s,
                                  u"The key store could not be opened:\n%1\n\n%2"_s.arg(
                                      store.path(), ErrorText::describe(error)));
            QApplication::exit(1);
        });
    return QApplication::exec();
}
