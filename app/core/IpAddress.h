#pragma once

#include <QString>
#include <QStringView>
#include <array>
#include <optional>

// An IPv4 or IPv6 address parsed strictly, without QtNetwork. IPv4-mapped IPv6
// (::ffff:a.b.c.d) is folded to IPv4 so matching never crosses protocols by accident.
class IpAddress final
{
public:
    static std::optional<IpAddress> parse(QStringView text, QString* error = nullptr);

    bool isV4() const { return m_v4; }
    int bitLength() const { return m_v4 ? 32 : 128; }
    // Network byte order; IPv4 uses the first four bytes.
    const std::array<quint8, 16>& bytes() const { return m_bytes; }
    bool bit(int index) const;
    QString toString() const;

    friend bool operator==(const IpAddress&, const IpAddress&) = default;

private:
    IpAddress() = default;
    static std::optional<IpAddress> parseV4(QStringView text, QString* error);
    static std::optional<IpAddress> parseV6(QStringView text, QString* error);

    bool m_v4 = true;
    std::array<quint8, 16> m_bytes{};

    friend class CidrBlock;
};
