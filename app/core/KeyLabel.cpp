#include "KeyLabel.h"

#include <QList>

using namespace Qt::StringLiterals;

namespace {
// Position of the "-v" of a trailing "-vN" (N >= 2, no leading zero), or -1.
qsizetype suffixAt(QStringView label)
{
    const qsizetype at = label.lastIndexOf(u"-v");
    if (at <= 0 || at + 2 >= label.size())
        return -1;
    const QStringView digits = label.mid(at + 2);
    if (digits.front() == u'0' || digits.size() > 6)
        return -1;
    for (QChar c : digits) {
        if (c < u'0' || c > u'9')
            return -1;
    }
    return digits.toInt() >= 2 ? at : -1;
}
} // namespace

int KeyLabel::version(QStringView label)
{
    const qsizetype at = suffixAt(label);
    return at < 0 ? 1 : label.mid(at + 2).toInt();
}

QString KeyLabel::base(QStringView label)
{
    const qsizetype at = suffixAt(label);
    return (at < 0 ? label : label.left(at)).toString();
}

QString KeyLabel::nextVersion(QStringView label)
{
    const QString suffix = u"-v"_s + QString::number(version(label) + 1);
    QList<uint> stem = base(label).toUcs4();
    const qsizetype room = MaxLength - suffix.size();
    if (stem.size() > room)
        stem.resize(room);
    while (!stem.isEmpty() && (stem.last() == u' ' || stem.last() == u'-'))
        stem.removeLast();
    return QString::fromUcs4(reinterpret_cast<const char32_t*>(stem.constData()), stem.size()) +
           suffix;
}
