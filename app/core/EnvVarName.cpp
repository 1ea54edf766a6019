#include "EnvVarName.h"

#include <QSet>

using namespace Qt::StringLiterals;

namespace {
bool isAsciiLetter(QChar c)
{
    return (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z');
}

bool isAsciiDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

// Upper-cased ASCII letters and digits; any other run of characters becomes one "_".
QString identifierPart(QStringView text)
{
    QString out;
    bool pendingUnderscore = false;
    for (QChar c : text) {
        if (isAsciiLetter(c) || isAsciiDigit(c)) {
            if (pendingUnderscore && !out.isEmpty())
                out += u'_';
            pendingUnderscore = false;
            out += c.toUpper();
        } else {
            pendingUnderscore = true;
        }
    }
    return out;
}

// A name part may start with a digit ("sk-42-"); the whole name may not.
QString joined(const QStringList& parts)
{
    QStringList nonEmpty;
    for (const QString& part : parts) {
        if (!part.isEmpty())
            nonEmpty << part;
    }
    QString name = nonEmpty.join(u'_');
    if (!name.isEmpty() && isAsciiDigit(name.front()))
        name.prepend(u'_');
    return name;
}

QString describe(char32_t c)
{
    if (c == U' ')
        return u"a space"_s;
    if (QChar::isPrint(c))
        return u"\"%1\""_s.arg(QString::fromUcs4(&c, 1));
    return u"U+"_s + QString::number(c, 16).toUpper().rightJustified(4, u'0');
}
} // namespace

bool EnvVarName::isValid(QStringView name, QString* error)
{
    auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    if (name.isEmpty())
        return fail(u"is empty; use letters, digits and _, e.g. AISA_API_KEY"_s);
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar c = name.at(i);
        if (isAsciiLetter(c) || isAsciiDigit(c) || c == u'_')
            continue;
        char32_t point = c.unicode();
        if (c.isHighSurrogate() && i + 1 < name.size() && name.at(i + 1).isLowSurrogate())
            point = QChar::surrogateToUcs4(c, name.at(i + 1));
        return fail(u"contains %1; use only letters A-Z, digits and _"_s.arg(describe(point)));
    }
    if (isAsciiDigit(name.front()))
        return fail(u"starts with a digit, which sh does not accept in a variable name"_s);
    return true;
}

QString EnvVarName::brand(QStringView prefix)
{
    QStringView rest = prefix;
    if (rest.startsWith(u"sk-"))
        rest = rest.mid(3);
    return identifierPart(rest);
}

QString EnvVarName::labelPart(QStringView label)
{
    return identifierPart(label);
}

QString EnvVarName::apiKey(QStringView prefix)
{
    return joined({brand(prefix), u"API_KEY"_s});
}

QString EnvVarName::apiKeyFor(QStringView prefix, QStringView label)
{
    return joined({brand(prefix), labelPart(label), u"API_KEY"_s});
}

QString EnvVarName::baseUrl(QStringView prefix)
{
    const QString b = brand(prefix);
    return joined({b.isEmpty() ? u"API"_s : b, u"BASE_URL"_s});
}

QStringList EnvVarName::defaults(QStringView prefix, const QStringList& labels)
{
    if (labels.size() == 1)
        return {apiKey(prefix)};
    QStringList names;
    QSet<QString> taken{baseUrl(prefix)};
    for (const QString& label : labels) {
        const QString base = apiKeyFor(prefix, label);
        QString name = base;
        for (int n = 2; taken.contains(name); ++n)
            name = base + u'_' + QString::number(n);
        taken.insert(name);
        names << name;
    }
    return names;
}
