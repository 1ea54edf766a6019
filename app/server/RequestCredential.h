#pragma once

#include "HttpRequest.h"

#include <QString>
#include <optional>

// The key a request presents, as the admin API and the gateway both read it.
class RequestCredential final
{
public:
    // The bearer token, else x-api-key: Authorization wins when both are sent (SDKs of both
    // generations send one or the other). nullopt: neither header; empty: an Authorization
    // header that is not a bearer token.
    static std::optional<QString> of(const HttpRequest& request);
    // Constant time, so how long a refusal takes says nothing of how close a guess came.
    static bool sameDigest(const QByteArray& a, const QByteArray& b);
};
