// The key format parser and the redaction every message and log line goes through. The input
// is parsed as a key, and it also builds one: a valid key (its random part and prefix taken from
// the input, the checksum computed) placed between two pieces of the input. Redaction must
// leave nothing of that key's random part, whatever surrounds it.
#include "ApiKeyFormat.h"
#include "FuzzCheck.h"

#include <QStringList>
#include <algorithm>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QString text = FuzzInput::text(data, size);
    if (const auto parts = ApiKeyFormat::parse(text)) {
        FUZZ_CHECK(parts->prefix + parts->random + parts->checksum == text);
        FUZZ_CHECK(ApiKeyFormat::checksum(parts->prefix + parts->random) == parts->checksum);
        FUZZ_CHECK(!ApiKeyFormat::displayHint(text).contains(parts->random));
        FUZZ_CHECK(!ApiKeyFormat::redactSecrets(text).contains(parts->random));
        FUZZ_CHECK(!ApiKeyFormat::redacted(text).contains(parts->random));
    }
    ApiKeyFormat::isValidPrefix(text);

    if (size < 34)
        return 0;
    static const QString base62 =
        QStringLiteral("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    static const QStringList prefixes{QStringLiteral("sk-"), QStringLiteral("sk-sub-"),
                                      QStringLiteral("sk-acme-"), QStringLiteral("ak-live-")};
    QString random;
    for (size_t i = 0; i < 32; ++i)
        random += base62.at(data[i] % 62);
    const QString prefix = prefixes.at(data[32] % prefixes.size());
    const QString key = prefix + random + ApiKeyFormat::checksum(prefix + random);
    FUZZ_CHECK(ApiKeyFormat::isWellFormed(key));
    const QString rest = FuzzInput::text(data + 33, size - 33);
    const qsizetype cut = rest.size() / 2;
    const QString message = rest.left(cut) + key + rest.mid(cut);
    // Unless the surrounding text holds much of the random part itself (then the output may
    // too, without anything leaking), none of it may survive.
    bool echoed = false;
    for (qsizetype i = 0; i + 16 <= random.size() && !echoed; ++i)
        echoed = rest.contains(QStringView(random).mid(i, 16));
    if (!echoed) {
        FUZZ_CHECK(!ApiKeyFormat::redactSecrets(message).contains(random));
        FUZZ_CHECK(!ApiKeyFormat::redacted(message).contains(random));
    }
    // What counts as holding a key needs a random part of both cases (as generated keys have,
    // all but once in 10^9).
    const bool upper =
        std::any_of(random.begin(), random.end(), [](QChar c) { return c.isUpper(); });
    const bool lower =
        std::any_of(random.begin(), random.end(), [](QChar c) { return c.isLower(); });
    if (upper && lower)
        FUZZ_CHECK(ApiKeyFormat::containsSecretShape(message));
    return 0;
}
