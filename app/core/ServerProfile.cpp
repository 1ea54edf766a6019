#include "ServerProfile.h"

using namespace Qt::StringLiterals;

std::optional<QUrl> ServerProfile::parseUrl(const QString& text, QString* error)
{
    const auto fail = [error](const QString& why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    if (text.trimmed().isEmpty())
        return fail(u"is empty: give the server's address, such as https://keys.example.com"_s);
    if (!url.isValid() || (url.scheme() != u"http"_s && url.scheme() != u"https"_s))
        return fail(u"must start with https:// or http://"_s);
    if (url.host().isEmpty())
        return fail(u"has no host name"_s);
    if (!url.userInfo().isEmpty())
        return fail(u"must not hold a user name or password: the admin key is asked for "
                    "separately"_s);
    if (url.hasQuery() || url.hasFragment())
        return fail(u"must not have a query (?…) or fragment (#…)"_s);
    QUrl normal = url.adjusted(QUrl::StripTrailingSlash | QUrl::NormalizePathSegments);
    if (normal.path() == u"/"_s)
        normal.setPath(QString());
    return normal;
}

QString ServerProfile::adminKeyEntry(const QUrl& url)
{
    return u"server-admin/"_s + parseUrl(url.toString()).value_or(url).toString();
}
