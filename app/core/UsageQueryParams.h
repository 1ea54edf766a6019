#pragma once

#include "FieldError.h"
#include "UsageQuery.h"

#include <QUrlQuery>
#include <optional>

// A UsageQuery as the query string of the admin API's usage routes: key and model (each may
// be repeated), status (all, success, client_error, server_error, errors), from and to
// (RFC 3339; without them the 30 days up to now). Keys are named by id or label; the server
// resolves them.
class UsageQueryParams final
{
public:
    static constexpr qint64 DefaultRangeMs = 30LL * 24 * 3'600'000;
    // Keys or models one query may name.
    static constexpr int MaxListed = 100;

    struct Parsed
    {
        UsageQuery query; // keyIds still empty
        QStringList keys; // ids or labels, as given
    };

    static QStringList names();
    // Parameters other than names() are left for the route to judge.
    static std::optional<Parsed> fromUrlQuery(const QUrlQuery& url, qint64 nowUtcMs,
                                              FieldError* error);
    // The query's key ids as "key"; every member written, so nothing depends on defaults.
    static QUrlQuery toUrlQuery(const UsageQuery& query);

    static QString statusClassName(UsageQuery::StatusClass statusClass);
    static std::optional<UsageQuery::StatusClass> statusClassFromName(QStringView name);
};
