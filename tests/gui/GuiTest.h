#pragma once

#include <QApplication>
#include <QMessageBox>
#include <QObject>
#include <QString>
#include <QWidget>

// Shared by the GUI tests: finding widgets by objectName and answering modal boxes the way a
// user would (clicking the button, never a position).
class GuiTest final
{
public:
    template <typename T> static T* child(QObject* parent, const QString& name)
    {
        T* found = parent->findChild<T*>(name);
        if (!found)
            qWarning("no child %s", qPrintable(name));
        return found;
    }

    template <typename T> static T* visibleTopLevel()
    {
        const QWidgetList widgets = QApplication::topLevelWidgets();
        for (QWidget* widget : widgets) {
            if (auto* match = qobject_cast<T*>(widget); match && match->isVisible())
                return match;
        }
        return nullptr;
    }

    // What the box offered, filled in when it was answered.
    struct ModalAnswer
    {
        QString objectName;
        bool noWasDefault = false;
        bool answered = false;
    };

    // Answers the next modal QMessageBox from the event loop by clicking `button`.
    static void answerNextModal(QObject* context, ModalAnswer* answer,
                                QMessageBox::StandardButton button);
};
