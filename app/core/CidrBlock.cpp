#include "CidrBlock.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace {
std::optional<CidrBlock> failed(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return std::nullopt;
}
} // namespace

std::optional<CidrBlock> CidrBlock::parse(QStringView text, QString* error)
{
    const QString quoted = u"\""_s + text.toString() + u"\""_s;
    if (text.isEmpty())
        return failed(error, u"empty entry"_s);
    for (QChar c : text) {
        if (c.isSpace())
            return failed(error, quoted + u" contains white space"_s);
    }
    const qsizetype slash = text.indexOf(u'/');
    const QStringView addressText = slash < 0 ? text : text.left(slash);
    QString addressError;
    // Parse without folding IPv4-mapped addresses first, so "::ffff:10.0.0.0/104" keeps its length.
    const bool looksV6 = addressText.contains(u':');
    std::optional<IpAddress> raw = looksV6 ? IpAddress::parseV6(addressText, &addressError)
                                           : IpAddress::parseV4(addressText, &addressError);
    if (!raw)
        return failed(error, slash < 0 ? addressError : quoted + u": "_s + addressError);
    int prefix = raw->bitLength();
    if (slash >= 0) {
        const QStringView prefixText = text.mid(slash + 1);
        if (prefixText.contains(u'.'))
            return failed(
                error, quoted + u": netmasks are not accepted, use a prefix length such as /24"_s);
        bool digits = !prefixText.isEmpty() && prefixText.size() <= 3;
        for (QChar c : prefixText)
            digits = digits && c >= u'0' && c <= u'9';
        if (!digits || (prefixText.size() > 1 && prefixText.front() == u'0'))
            return failed(error,
                          quoted + u": the prefix length must be a number without leading zeros"_s);
        prefix = prefixText.toInt();
        if (prefix > raw->bitLength())
            return failed(
                error, quoted + u": the prefix length must be at most %1"_s.arg(raw->bitLength()));
    }
    IpAddress network = *raw;
    if (looksV6) {
        const auto folded = IpAddress::parse(addressText);
        if (folded && folded->isV4()) {
            if (prefix < 96)
                return failed(
                    error,
                    quoted + u": an IPv4-mapped network needs a prefix length of at least 96"_s);
            network = *folded;
            prefix -= 96;
        }
    }
    for (int i = prefix; i < network.bitLength(); ++i) {
        if (network.bit(i)) {
            IpAddress masked = network;
            for (int j = prefix; j < network.bitLength(); ++j)
                masked.m_bytes[j / 8] &= quint8(~(1u << (7 - j % 8)));
            return failed(
                error, quoted + u" has host bits set; did you mean %1/%2?"_s.arg(masked.toString())
                                    .arg(prefix));
        }
    }
    return CidrBlock(network, prefix);
}

std::optional<QList<CidrBlock>> CidrBlock::parseList(QStringView text, QString* error)
{
    QList<CidrBlock> blocks;
    QString normalized = text.toString();
    normalized.replace(u'\n', u',');
    normalized.replace(u'\r', u',');
    const QStringList entries = normalized.split(u',');
    for (const QString& entry : entries) {
        // Separators may be padded ("a, b"); spaces inside an entry are still refused by parse().
        const QString trimmed = entry.trimmed();
        if (trimmed.isEmpty())
            continue;
        auto block = parse(trimmed, error);
        if (!block)
            return std::nullopt;
        if (!blocks.contains(*block))
            blocks << *block;
    }
    return blocks;
}

QString CidrBlock::joinList(const QList<CidrBlock>& blocks, QStringView separator)
{
    QStringList parts;
    parts.reserve(blocks.size());
    for (const CidrBlock& b : blocks)
        parts << b.toString();
    return parts.join(separator);
}

bool CidrBlock::contains(const IpAddress& address) const
{
    if (address.isV4() != m_network.isV4())
        return false;
    const int whole = m_prefix / 8;
    for (int i = 0; i < whole; ++i) {
        if (address.m_bytes[i] != m_network.m_bytes[i])
            return false;
    }
    const int rest = m_prefix % 8;
    if (rest == 0)
        return true;
    const quint8 mask = quint8(0xff << (8 - rest));
    return (address.m_bytes[whole] & mask) == (m_network.m_bytes[whole] & mask);
}

QString CidrBlock::toString() const
{
    if (m_prefix == m_network.bitLength())
        return m_network.toString();
    return m_network.toString() + u'/' + QString::number(m_prefix);
}
