#include "ApiKeyFormat.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <algorithm>
#include <array>

using namespace Qt::StringLiterals;

namespace {
constexpr char16_t Alphabet[] = u"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr int AlphabetSize = 62;
// Largest multiple of 62 that fits in a byte: bytes at or above it are rejected, so every
// symbol is equally likely.
constexpr int RejectFrom = 248;

constexpr std::array<quint32, 256> makeCrcTable()
{
    std::array<quint32, 256> table{};
    for (quint32 i = 0; i < 256; ++i) {
        quint32 c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    return table;
}
constexpr auto CrcTable = makeCrcTable();

quint32 crc32(const QByteArray& data)
{
    quint32 crc = 0xFFFFFFFFu;
    for (char ch : data)
        crc = CrcTable[(crc ^ quint8(ch)) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

// The checksum digits of ASCII text (a validated prefix and random part), without allocating:
// every gateway request's key is checked this way.
std::array<char16_t, ApiKeyFormat::ChecksumLength> asciiChecksum(QStringView ascii)
{
    quint32 crc = 0xFFFFFFFFu;
    for (QChar c : ascii)
        crc = CrcTable[(crc ^ quint8(c.unicode())) & 0xFF] ^ (crc >> 8);
    quint32 value = crc ^ 0xFFFFFFFFu;
    std::array<char16_t, ApiKeyFormat::ChecksumLength> digits{};
    for (int i = ApiKeyFormat::ChecksumLength - 1; i >= 0; --i) {
        digits[size_t(i)] = Alphabet[value % AlphabetSize];
        value /= AlphabetSize;
    }
    return digits;
}

bool isBase62(QChar c)
{
    return (c >= u'0' && c <= u'9') || (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z');
}

template <typename T> std::optional<T> failWith(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return std::nullopt;
}
} // namespace

QString ApiKeyFormat::randomBase62(int length, QRandomGenerator& rng)
{
    QString out;
    out.reserve(length);
    std::array<quint32, 16> buffer{};
    while (out.size() < length) {
        rng.fillRange(buffer.data(), qsizetype(buffer.size()));
        for (quint32 word : buffer) {
            for (int shift = 0; shift < 32 && out.size() < length; shift += 8) {
                const int byte = int((word >> shift) & 0xFF);
                if (byte < RejectFrom)
                    out.append(QChar(Alphabet[byte % AlphabetSize]));
            }
        }
    }
    return out;
}

QString ApiKeyFormat::generate(QStringView prefix, QRandomGenerator& rng)
{
    const QString body = prefix.toString() + randomBase62(RandomLength, rng);
    return body + checksum(body);
}

bool ApiKeyFormat::isValidPrefix(QStringView prefix, QString* error)
{
    auto fail = [&](const QString& why) {
        if (error)
            *error = why;
        return false;
    };
    if (prefix.size() < 2 || prefix.size() > MaxPrefixLength)
        return fail(
            u"a key prefix has 2 to %1 characters, e.g. sk- or sk-aisa-"_s.arg(MaxPrefixLength));
    if (!prefix.endsWith(u'-'))
        return fail(u"a key prefix ends with \"-\", e.g. sk-aisa-"_s);
    QChar previous = u'-';
    for (qsizetype i = 0; i < prefix.size(); ++i) {
        const QChar c = prefix[i];
        const bool lowerAlnum = (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9');
        if (c == u'-') {
            if (previous == u'-')
                return fail(
                    u"a key prefix has no empty groups (\"--\") and does not start with \"-\""_s);
        } else if (!lowerAlnum) {
            return fail(u"a key prefix uses lower-case letters, digits and \"-\" only"_s);
        }
        previous = c;
    }
    return true;
}

std::optional<ApiKeyFormat::Parts> ApiKeyFormat::parse(QStringView input, QString* error)
{
    const QStringView key = input;
    const qsizetype dash = key.lastIndexOf(u'-');
    if (dash < 0)
        return failWith<Parts>(error, u"an API key starts with a prefix such as sk-"_s);
    const QStringView prefix = key.left(dash + 1);
    const QStringView rest = key.mid(dash + 1);
    QString prefixError;
    if (!isValidPrefix(prefix, &prefixError))
        return failWith<Parts>(error, u"malformed key prefix: "_s + prefixError);
    for (QChar c : rest) {
        if (!isBase62(c))
            return failWith<Parts>(error,
                                   u"an API key has only letters and digits after its prefix"_s);
    }
    if (rest.size() != RandomLength + ChecksumLength) {
        return failWith<Parts>(
            error, u"an API key has %1 characters after its prefix, this one has %2 "
                   u"(truncated or extra characters?)"_s.arg(RandomLength + ChecksumLength)
                       .arg(rest.size()));
    }
    const auto expected = asciiChecksum(key.left(dash + 1 + RandomLength));
    if (QStringView(expected.data(), ChecksumLength) != rest.mid(RandomLength))
        return failWith<Parts>(error,
                               u"the key's checksum does not match: it was mistyped or altered"_s);
    return Parts{prefix.toString(), rest.left(RandomLength).toString(),
                 rest.mid(RandomLength).toString()};
}

bool ApiKeyFormat::isWellFormed(QStringView key)
{
    const qsizetype dash = key.lastIndexOf(u'-');
    if (dash < 0)
        return false;
    const QStringView rest = key.mid(dash + 1);
    if (rest.size() != RandomLength + ChecksumLength || !isValidPrefix(key.left(dash + 1)) ||
        !std::all_of(rest.begin(), rest.end(), isBase62))
        return false;
    const auto expected = asciiChecksum(key.left(dash + 1 + RandomLength));
    return QStringView(expected.data(), ChecksumLength) == rest.mid(RandomLength);
}

QString ApiKeyFormat::checksum(QStringView prefixAndRandom)
{
    quint32 value = crc32(prefixAndRandom.toUtf8());
    QString out(ChecksumLength, u'0');
    for (int i = ChecksumLength - 1; i >= 0; --i) {
        out[i] = QChar(Alphabet[value % AlphabetSize]);
        value /= AlphabetSize;
    }
    return out;
}

QString ApiKeyFormat::displayHint(QStringView key)
{
    const qsizetype dash = key.lastIndexOf(u'-');
    const QStringView prefix = key.left(dash + 1);
    const QStringView rest = key.mid(dash + 1);
    if (rest.size() < 8)
        return prefix.toString() + u"…"_s;
    return prefix.toString() + rest.left(4).toString() + u"…"_s + rest.right(4).toString();
}

QString ApiKeyFormat::redacted(QStringView text)
{
    const QString safe = redactSecrets(text);
    return safe.size() > 64 ? safe.left(64) + u"…"_s : safe;
}

namespace {
// A prefix of lower-case dash-separated groups, then the random part; the random part may run
// into the prefix's letters ("sk-abc…"), which only moves where the hint starts. Whatever comes
// before may be glued to it ("KEYsk-…"): a key pasted into a word is still a key. A run never
// ends just before a dash, so one key-shaped run glued to the next ("…sk-…sk-…") cannot take
// the next one's prefix and leave its random part unmatched.
const QRegularExpression& secretShape()
{
    static const QRegularExpression pattern(
        u"[a-z][a-z0-9]*-(?:[a-z0-9]+-)*[A-Za-z0-9]{20,}(?!-)"_s);
    return pattern;
}
} // namespace

namespace {
// The hint a key-shaped run is replaced by. Unlike displayHint(), which trusts the last dash to
// end the prefix, any dash-separated group as long as a random part ends the visible prefix:
// a random part of lower-case letters and digits alone (rare, but generated) reads like one
// more prefix group, and would otherwise be shown whole.
QString redactedRun(QStringView run)
{
    qsizetype prefixEnd = 0;
    for (qsizetype dash = run.indexOf(u'-'); dash >= 0; dash = run.indexOf(u'-', dash + 1)) {
        if (dash - prefixEnd >= 20)
            break;
        prefixEnd = dash + 1;
    }
    const QStringView rest = run.mid(prefixEnd);
    if (rest.size() < 8)
        return run.left(prefixEnd).toString() + u"…"_s;
    return run.left(prefixEnd).toString() + rest.left(4).toString() + u"…"_s +
           rest.right(4).toString();
}

// PCRE matches nothing at all in text with an unpaired surrogate (JSON's "\ud800" makes one),
// so one of them anywhere would let every key in the text through.
QString withoutLoneSurrogates(QStringView text)
{
    QString out = text.toString();
    for (qsizetype i = 0; i < out.size(); ++i) {
        const QChar c = out.at(i);
        if (c.isHighSurrogate() && i + 1 < out.size() && out.at(i + 1).isLowSurrogate())
            ++i;
        else if (c.isSurrogate())
            out[i] = QChar::ReplacementCharacter;
    }
    return out;
}
} // namespace

QString ApiKeyFormat::redactSecrets(QStringView original)
{
    const QString text = withoutLoneSurrogates(original);
    // Every key shape holds a run of 20 letters and digits: text without one (nearly every log
    // field) needs no regular expression.
    qsizetype run = 0;
    qsizetype longest = 0;
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        const bool alphanumeric =
            (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9');
        run = alphanumeric ? run + 1 : 0;
        longest = qMax(longest, run);
    }
    if (longest < 20)
        return text;
    QString out;
    qsizetype last = 0;
    QRegularExpressionMatchIterator it = secretShape().globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        out += QStringView(text).sliced(last, match.capturedStart() - last);
        out += redactedRun(match.capturedView());
        last = match.capturedEnd();
    }
    if (last == 0)
        return text;
    out += QStringView(text).sliced(last);
    return out;
}

bool ApiKeyFormat::containsSecretShape(QStringView text)
{
    // Stricter than redaction, which may mask too much: a refused label must really look like
    // a key. A random part of RandomLength + ChecksumLength base62 lacks upper or lower case
    // letters about once in 10^9 keys; words and long names do not mix them like that.
    const QString clean = withoutLoneSurrogates(text);
    QRegularExpressionMatchIterator it = secretShape().globalMatch(clean);
    while (it.hasNext()) {
        const QStringView run = it.next().capturedView();
        const QStringView random = run.mid(run.lastIndexOf(u'-') + 1);
        if (random.size() < RandomLength)
            continue;
        const bool upper = std::any_of(random.begin(), random.end(),
                                       [](QChar c) { return c >= u'A' && c <= u'Z'; });
        const bool lower = std::any_of(random.begin(), random.end(),
                                       [](QChar c) { return c >= u'a' && c <= u'z'; });
        if (upper && lower)
            return true;
    }
    return false;
}

QByteArray ApiKeyFormat::digestHex(QStringView key)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    // A key is ASCII and short: hashed from the stack, as its UTF-8 is the same bytes.
    std::array<char, 128> ascii;
    const bool shortAscii =
        key.size() <= qsizetype(ascii.size()) &&
        std::all_of(key.begin(), key.end(), [](QChar c) { return c.unicode() < 0x80; });
    if (shortAscii) {
        for (qsizetype i = 0; i < key.size(); ++i)
            ascii[size_t(i)] = char(key[i].unicode());
        hash.addData(QByteArrayView(ascii.data(), key.size()));
    } else {
        hash.addData(key.toUtf8());
    }
    static constexpr char Hex[] = "0123456789abcdef";
    const QByteArrayView digest = hash.resultView();
    QByteArray hex(digest.size() * 2, Qt::Uninitialized);
    for (qsizetype i = 0; i < digest.size(); ++i) {
        hex[2 * i] = Hex[quint8(digest[i]) >> 4];
        hex[2 * i + 1] = Hex[quint8(digest[i]) & 0xF];
    }
    return hex;
}
