#include "GuiTest.h"

#include <QAbstractButton>
#include <QPushButton>
#include <QTest>
#include <QTimer>

void GuiTest::answerNextModal(QObject* context, ModalAnswer* answer,
                              QMessageBox::StandardButton button)
{
    *answer = {};
    QTimer::singleShot(0, context, [answer, button] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box)
            return;
        answer->objectName = box->objectName();
        answer->noWasDefault = box->defaultButton() == box->button(QMessageBox::No);
        QTest::mouseClick(box->button(button), Qt::LeftButton);
        answer->answered = true;
    });
}
