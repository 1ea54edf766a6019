#pragma once

#include "CidrBlock.h"

#include <QByteArray>
#include <QList>
#include <QString>

// Who a request really comes from behind reverse proxies. X-Forwarded-For is believed only as
// far as trusted proxies vouch for it: read from the right (the hop nearest to us), each address
// a trusted proxy added is taken, and the first one no trusted proxy stands behind is the client.
// Without trusted proxies, or from a peer that is not one, the header is ignored: anyone can
// send it.
class ForwardedFor final
{
public:
    // The client's address in canonical form (IPv4-mapped IPv6 folded), or the peer as given
    // when it cannot be parsed.
    static QString clientOf(const QString& peer, const QByteArray& forwardedFor,
                            const QList<CidrBlock>& trustedProxies);
};
