#include "PlainText.h"

using namespace Qt::StringLiterals;

std::optional<QString> PlainText::problem(QStringView text)
{
    for (QChar c : text) {
        const QChar::Category category = c.category();
        if (category == QChar::Other_Control || c == QChar::LineSeparator ||
            c == QChar::ParagraphSeparator)
            return u"must not contain line breaks or control characters"_s;
        if (category == QChar::Other_Format)
            return u"must not contain invisible formatting characters (bidi overrides, "
                   u"zero-width characters)"_s;
        if (c == QChar::ReplacementCharacter)
            return u"is not valid UTF-8"_s;
    }
    return std::nullopt;
}
