#pragma once

#include <QDialog>

class QTextBrowser;

// Help → KeyDeck Help (F1): the guide that ships inside the app (the README), readable offline.
// Links to web pages open in the browser; links into the source tree are not followed.
class HelpWindow final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HelpWindow)

public:
    explicit HelpWindow(QWidget* parent = nullptr);

    // Scrolls to the first heading that reads exactly this ("The desktop app").
    bool showSection(const QString& heading);

private:
    QTextBrowser* m_browser = nullptr;
};
