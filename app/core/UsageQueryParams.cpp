#include "UsageQueryParams.h"

#include "UtcTime.h"

using namespace Qt::StringLiterals;

namespace {

constexpr std::pair<UsageQuery::StatusClass, const char16_t*> StatusNames[] = {
    {UsageQuery::StatusClass::All, u"all"},
    {UsageQuery::StatusClass::Success, u"success"},
    {UsageQuery::StatusClass::ClientError, u"client_error"},
    {UsageQuery::StatusClass::ServerError, u"server_error"},
    {UsageQuery::StatusClass::Errors, u"errors"},
};

// Every value of a repeated parameter, blanks dropped. Never split at commas: a model name
// may hold one.
QStringList listOf(const QUrlQuery& url, const QString& name)
{
    QStringList values;
    for (const QString& value : url.allQueryItemValues(name, QUrl::FullyDecoded)) {
        if (!value.trimmed().isEmpty())
            values << value.trimmed();
    }
    return values;
}

bool fail(FieldError* error, const QString& field, const QString& message)
{
    if (error)
        *error = {field, message};
    return false;
}

} // namespace

QStringList UsageQueryParams::names()
{
    return {u"key"_s, u"key_id"_s, u"model"_s, u"status"_s, u"from"_s, u"to"_s};
}

QString UsageQueryParams::statusClassName(UsageQuery::StatusClass statusClass)
{
    for (const auto& [value, name] : StatusNames) {
        if (value == statusClass)
            return QString::fromUtf16(name);
    }
    return u"all"_s;
}

std::optional<UsageQuery::StatusClass> UsageQueryParams::statusClassFromName(QStringView name)
{
    for (const auto& [value, text] : StatusNames) {
        if (name == QStringView(text))
            return value;
    }
    return std::nullopt;
}

std::optional<UsageQueryParams::Parsed>
UsageQueryParams::fromUrlQuery(const QUrlQuery& url, qint64 nowUtcMs, FieldError* error)
{
    Parsed parsed;
    for (const QString& name : {u"status"_s, u"from"_s, u"to"_s}) {
        if (url.allQueryItemValues(name).size() > 1) {
            fail(error, name, u"is given more than once"_s);
            return std::nullopt;
        }
    }
    const auto time = [&](const QString& name, qint64 fallback) -> std::optional<qint64> {
        if (!url.hasQueryItem(name))
            return fallback;
        QString problem;
        const std::optional<qint64> ms =
            UtcTime::parseRfc3339(url.queryItemValue(name, QUrl::FullyDecoded), &problem);
        if (!ms)
            fail(error, name, u"must be an RFC 3339 time such as 2027-01-31T00:00:00Z"_s);
        return ms;
    };
    const std::optional<qint64> to = time(u"to"_s, nowUtcMs);
    if (!to)
        return std::nullopt;
    const std::optional<qint64> from = time(u"from"_s, *to - DefaultRangeMs);
    if (!from)
        return std::nullopt;
    if (*from > *to) {
        fail(error, u"to"_s, u"must not be before from"_s);
        return std::nullopt;
    }
    parsed.query.fromMs = *from;
    parsed.query.toMs = *to;
    if (url.hasQueryItem(u"status"_s)) {
        const auto statusClass =
            statusClassFromName(url.queryItemValue(u"status"_s, QUrl::FullyDecoded));
        if (!statusClass) {
            fail(error, u"status"_s,
                 u"must be all, success, client_error, server_error or errors"_s);
            return std::nullopt;
        }
        parsed.query.statusClass = *statusClass;
    }
    parsed.query.models = listOf(url, u"model"_s);
    parsed.keys = listOf(url, u"key"_s);
    parsed.query.keyIds = listOf(url, u"key_id"_s);
    for (const auto& [name, values] :
         {std::pair{u"key"_s, parsed.keys}, std::pair{u"key_id"_s, parsed.query.keyIds},
          std::pair{u"model"_s, parsed.query.models}}) {
        if (values.size() > MaxListed) {
            fail(error, name, u"at most %1 may be given"_s.arg(MaxListed));
            return std::nullopt;
        }
    }
    return parsed;
}

QUrlQuery UsageQueryParams::toUrlQuery(const UsageQuery& query)
{
    QUrlQuery url;
    url.addQueryItem(u"from"_s, UtcTime::toRfc3339(query.fromMs));
    url.addQueryItem(u"to"_s, UtcTime::toRfc3339(query.toMs));
    url.addQueryItem(u"status"_s, statusClassName(query.statusClass));
    for (const QString& id : query.keyIds)
        url.addQueryItem(u"key_id"_s, QString::fromLatin1(QUrl::toPercentEncoding(id)));
    for (const QString& model : query.models)
        url.addQueryItem(u"model"_s, QString::fromLatin1(QUrl::toPercentEncoding(model)));
    return url;
}
