#include "UpstreamConfig.h"

using namespace Qt::StringLiterals;

bool UpstreamConfig::serves(const QString& model) const
{
    for (const QString& pattern : models) {
        if (pattern.endsWith(u'*') ? model.startsWith(QStringView(pattern).chopped(1))
                                   : model == pattern)
            return true;
    }
    return false;
}

QStringList UpstreamConfig::exactModels() const
{
    QStringList exact;
    for (const QString& pattern : models) {
        if (!pattern.endsWith(u'*'))
            exact << pattern;
    }
    return exact;
}

QString UpstreamConfig::kindName(Kind kind)
{
    return kind == Kind::Anthropic ? u"anthropic"_s : u"openai"_s;
}
