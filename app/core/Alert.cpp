#include "Alert.h"

using namespace Qt::StringLiterals;

QString Alert::severityName(Severity severity)
{
    switch (severity) {
    case Severity::Notice:
        return u"notice"_s;
    case Severity::Warning:
        return u"warning"_s;
    case Severity::Critical:
        return u"critical"_s;
    }
    return {};
}

std::optional<Alert::Severity> Alert::severityFromName(QStringView name)
{
    for (const Severity severity : {Severity::Notice, Severity::Warning, Severity::Critical}) {
        if (name == severityName(severity))
            return severity;
    }
    return std::nullopt;
}

QString Alert::severityText(Severity severity)
{
    QString text = severityName(severity);
    if (!text.isEmpty())
        text[0] = text.at(0).toUpper();
    return text;
}
