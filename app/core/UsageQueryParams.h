#pragma once

#include "FieldError.h"
#include "UsageQuery.h"

#include <QUrlQuery>
#include <optional>

// A UsageQuery as the query string of the admin API's usage routes: key, key_id and model
// (each may be repeated), status (all, success, client_error, server_error, errors), from and
// to (RFC 3339; without them the 30 days up to now). A key names a key by id or label, which
// the server resolves (and refuses when it names none); a key_id is taken as it is, so a
// deleted key's id still selects its usage and an unknown one selects nothing.
class UsageQueryParams final
{
public:
    static constexpr qint64 DefaultRangeMs = 30LL * 24 * 3'600'000;
    // Keys or models one query may name.
    static constexpr int MaxListed = 100;

    struct Parsed
    {
        UsageQuery query; // keyIds: the key_id values
        QStringList keys; // the key values: ids or labels, as given
    };

    static QStringList names();
    // Parameters other than names() are left for the route to judge.
    static std::optional<Parsed> fromUrlQuery(const QUrlQuery& url, qint64 nowUtcMs,
                                              FieldError* error);
    // The query's key ids as "key_id"; every member written, so nothing depends on defaults.
    static QUrlQuery toUrlQuery(const UsageQuery& query);

    static QString statusClassName(UsageQuery::StatusClass statusClass);
    static std::optional<UsageQuery::StatusClass> statusClassFromName(QStringView name);
};
