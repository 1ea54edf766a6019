#include "IpAddress.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace {
std::optional<IpAddress> failed(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return std::nullopt;
}

bool isMappedV4(const std::array<quint8, 16>& b)
{
    for (int i = 0; i < 10; ++i) {
        if (b[i] != 0)
            return false;
    }
    return b[10] == 0xff && b[11] == 0xff;
}

int hexValue(QChar c)
{
    if (c >= u'0' && c <= u'9')
        return c.unicode() - u'0';
    if (c >= u'a' && c <= u'f')
        return c.unicode() - u'a' + 10;
    if (c >= u'A' && c <= u'F')
        return c.unicode() - u'A' + 10;
    return -1;
}
} // namespace

std::optional<IpAddress> IpAddress::parse(QStringView text, QString* error)
{
    if (text.isEmpty())
        return failed(error, u"empty address"_s);
    for (QChar c : text) {
        if (c.isSpace())
            return failed(error, u"\"%1\" contains white space"_s.arg(text.toString()));
    }
    std::optional<IpAddress> address =
        text.contains(u':') ? parseV6(text, error) : parseV4(text, error);
    if (address && !address->m_v4 && isMappedV4(address->m_bytes)) {
        IpAddress v4;
        for (int i = 0; i < 4; ++i)
            v4.m_bytes[i] = address->m_bytes[12 + i];
        return v4;
    }
    return address;
}

std::optional<IpAddress> IpAddress::parseV4(QStringView text, QString* error)
{
    // Every request's client address comes this way: nothing is allocated unless it fails.
    const auto quoted = [text] {
        return u"\""_s + text.toString() + u"\""_s;
    };
    IpAddress address;
    int part = 0;
    qsizetype start = 0;
    for (qsizetype at = 0; at <= text.size(); ++at) {
        if (at < text.size() && text[at] != u'.')
            continue;
        if (part == 4)
            return failed(error, quoted() + u" is not an IPv4 address: it needs four numbers, "
                                            "e.g. 10.0.0.1"_s);
        const QStringView digits = text.sliced(start, at - start);
        if (digits.isEmpty() || digits.size() > 3)
            return failed(error, quoted() + u" is not an IPv4 address"_s);
        int value = 0;
        for (QChar c : digits) {
            if (c < u'0' || c > u'9')
                return failed(error, quoted() + u" is not an IPv4 address"_s);
            value = value * 10 + (c.unicode() - u'0');
        }
        if (digits.size() > 1 && digits.front() == u'0')
            return failed(error,
                          quoted() + u" has a leading zero (ambiguous: octal or decimal?)"_s);
        if (value > 255)
            return failed(error, quoted() + u" has a number above 255"_s);
        address.m_bytes[part++] = quint8(value);
        start = at + 1;
    }
    if (part != 4)
        return failed(
            error, quoted() + u" is not an IPv4 address: it needs four numbers, e.g. 10.0.0.1"_s);
    return address;
}

std::optional<IpAddress> IpAddress::parseV6(QStringView text, QString* error)
{
    const auto quoted = [text] {
        return u"\""_s + text.toString() + u"\""_s;
    };
    if (text.contains(u'%'))
        return failed(error, quoted() + u": zone indexes (%...) are not allowed"_s);
    QStringView head = text;
    QStringView tail;
    const qsizetype gap = text.indexOf(u"::");
    if (gap >= 0) {
        if (text.indexOf(u"::", gap + 1) >= 0)
            return failed(error, quoted() + u" uses \"::\" more than once"_s);
        head = text.left(gap);
        tail = text.mid(gap + 2);
    }
    QList<quint16> headGroups;
    QList<quint16> tailGroups;
    auto parseGroups = [&](QStringView part, QList<quint16>& out, bool allowV4) -> bool {
        if (part.isEmpty())
            return true;
        const auto groups = part.split(u':');
        for (qsizetype i = 0; i < groups.size(); ++i) {
            const QStringView g = groups[i];
            if (allowV4 && i == groups.size() - 1 && g.contains(u'.')) {
                const auto v4 = parseV4(g, nullptr);
                if (!v4)
                    return false;
                out << quint16(v4->m_bytes[0] << 8 | v4->m_bytes[1])
                    << quint16(v4->m_bytes[2] << 8 | v4->m_bytes[3]);
                continue;
            }
            if (g.isEmpty() || g.size() > 4)
                return false;
            int value = 0;
            for (QChar c : g) {
                const int h = hexValue(c);
                if (h < 0)
                    return false;
                value = value * 16 + h;
            }
            out << quint16(value);
        }
        return true;
    };
    const bool tailCarriesEnd = gap >= 0;
    if (!parseGroups(head, headGroups, !tailCarriesEnd) || !parseGroups(tail, tailGroups, true))
        return failed(error, quoted() + u" is not an IPv6 address"_s);
    const qsizetype count = headGroups.size() + tailGroups.size();
    if ((gap < 0 && count != 8) || (gap >= 0 && count > 7))
        return failed(error, quoted() + u" is not an IPv6 address (wrong number of groups)"_s);
    IpAddress address;
    address.m_v4 = false;
    for (qsizetype i = 0; i < headGroups.size(); ++i) {
        address.m_bytes[2 * i] = quint8(headGroups[i] >> 8);
        address.m_bytes[2 * i + 1] = quint8(headGroups[i] & 0xff);
    }
    const qsizetype offset = 8 - tailGroups.size();
    for (qsizetype i = 0; i < tailGroups.size(); ++i) {
        address.m_bytes[2 * (offset + i)] = quint8(tailGroups[i] >> 8);
        address.m_bytes[2 * (offset + i) + 1] = quint8(tailGroups[i] & 0xff);
    }
    return address;
}

bool IpAddress::bit(int index) const
{
    return (m_bytes[index / 8] >> (7 - index % 8)) & 1;
}

QString IpAddress::toString() const
{
    if (m_v4) {
        return u"%1.%2.%3.%4"_s.arg(m_bytes[0]).arg(m_bytes[1]).arg(m_bytes[2]).arg(m_bytes[3]);
    }
    std::array<quint16, 8> groups{};
    for (int i = 0; i < 8; ++i)
        groups[i] = quint16(m_bytes[2 * i] << 8 | m_bytes[2 * i + 1]);
    // RFC 5952: compress the longest run (first on ties) of two or more zero groups.
    int bestStart = -1, bestLength = 0;
    for (int i = 0; i < 8;) {
        if (groups[i] != 0) {
            ++i;
            continue;
        }
        int j = i;
        while (j < 8 && groups[j] == 0)
            ++j;
        if (j - i > bestLength && j - i >= 2) {
            bestStart = i;
            bestLength = j - i;
        }
        i = j;
    }
    QStringList head, tail;
    for (int i = 0; i < 8; ++i) {
        if (bestStart >= 0 && i >= bestStart && i < bestStart + bestLength)
            continue;
        (bestStart >= 0 && i >= bestStart + bestLength ? tail : head)
            << QString::number(groups[i], 16);
    }
    if (bestStart < 0)
        return head.join(u':');
    return head.join(u':') + u"::"_s + tail.join(u':');
}
