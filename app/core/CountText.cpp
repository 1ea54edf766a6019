#include "CountText.h"

#include <QLocale>

QString CountText::grouped(qint64 n)
{
    // The C locale's digits with its group separator switched back on.
    QLocale locale = QLocale::c();
    locale.setNumberOptions(QLocale::DefaultNumberOptions);
    return locale.toString(n);
}
