#include "HelpWindow.h"

#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QFile>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextBrowser>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

HelpWindow::HelpWindow(QWidget* parent)
    : QDialog(parent)
{
    setObjectName(u"helpWindow"_s);
    setWindowTitle(u"KeyDeck Help"_s);
    m_browser = new QTextBrowser(this);
    m_browser->setObjectName(u"helpBrowser"_s);
    m_browser->setOpenLinks(false);
    QFile guide(u":/docs/README.md"_s);
    if (guide.open(QIODevice::ReadOnly))
        m_browser->setMarkdown(QString::fromUtf8(guide.readAll()));
    else
        m_browser->setPlainText(u"The guide is missing from this build of KeyDeck."_s);
    connect(m_browser, &QTextBrowser::anchorClicked, this, [](const QUrl& url) {
        if (url.scheme() == u"https" || url.scheme() == u"http")
            QDesktopServices::openUrl(url);
    });

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_browser, 1);
    layout->addWidget(buttons);
    resize(820, 640);
}

bool HelpWindow::showSection(const QString& heading)
{
    for (QTextBlock block = m_browser->document()->begin(); block.isValid(); block = block.next()) {
        if (block.blockFormat().headingLevel() > 0 && block.text() == heading) {
            QTextCursor cursor(block);
            m_browser->setTextCursor(cursor);
            // The heading at the top of the view, not merely somewhere on screen.
            m_browser->verticalScrollBar()->setValue(m_browser->verticalScrollBar()->maximum());
            m_browser->ensureCursorVisible();
            return true;
        }
    }
    return false;
}
