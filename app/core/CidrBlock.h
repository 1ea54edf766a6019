#pragma once

#include "IpAddress.h"

#include <QList>

// A network in CIDR form, parsed strictly (what is allowed must be unambiguous): no host bits, no
// leading zeros, no short forms, no netmasks, no spaces. A bare address is a /32 or /128.
class CidrBlock final
{
public:
    static std::optional<CidrBlock> parse(QStringView text, QString* error = nullptr);
    // Comma/newline separated list; the first bad entry fails the whole list.
    static std::optional<QList<CidrBlock>> parseList(QStringView text, QString* error = nullptr);
    static QString joinList(const QList<CidrBlock>& blocks, QStringView separator = u", ");

    const IpAddress& network() const { return m_network; }
    int prefixLength() const { return m_prefix; }
    // Never across protocols: an IPv4 client is only inside IPv4 networks (IpAddress folds
    // IPv4-mapped IPv6 to IPv4 first).
    bool contains(const IpAddress& address) const;
    // Canonical: "10.0.0.0/8", "2001:db8::/32"; a single host omits the prefix length.
    QString toString() const;

    friend bool operator==(const CidrBlock&, const CidrBlock&) = default;

private:
    CidrBlock(IpAddress network, int prefix)
        : m_network(network)
        , m_prefix(prefix)
    {}

    IpAddress m_network;
    int m_prefix;
};
