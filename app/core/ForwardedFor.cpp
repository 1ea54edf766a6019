#include "ForwardedFor.h"

namespace {

bool trusted(const IpAddress& address, const QList<CidrBlock>& proxies)
{
    for (const CidrBlock& block : proxies) {
        if (block.contains(address))
            return true;
    }
    return false;
}

} // namespace

QString ForwardedFor::clientOf(const QString& peer, const QByteArray& forwardedFor,
                               const QList<CidrBlock>& trustedProxies)
{
    std::optional<IpAddress> hop = IpAddress::parse(peer);
    if (!hop)
        return peer;
    const QList<QByteArray> entries = forwardedFor.split(',');
    for (qsizetype i = entries.size() - 1; i >= 0 && trusted(*hop, trustedProxies); --i) {
        const QByteArray entry = entries.at(i).trimmed();
        if (entry.isEmpty())
            continue;
        // A hop that is not an address (a name, "unknown", a port): the chain ends at the
        // last proxy that said something we can check.
        const std::optional<IpAddress> next = IpAddress::parse(QString::fromLatin1(entry));
        if (!next)
            break;
        hop = next;
    }
    return hop->toString();
}
