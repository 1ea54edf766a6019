#pragma once

#include <QByteArray>
#include <QString>
#include <QStringView>
#include <optional>

class QRandomGenerator;

// Key format: <prefix><32 random base62><6 base62 CRC32 checksum>.
class ApiKeyFormat final
{
public:
    static constexpr int RandomLength = 32;
    static constexpr int ChecksumLength = 6;
    static constexpr int MaxPrefixLength = 16;

    static QString defaultPrefix() { return QStringLiteral("sk-"); }
    static QString subscriptionPrefix() { return QStringLiteral("sk-sub-"); }

    // rng must be a CSPRNG in production (QRandomGenerator::system()); tests pass a seeded one.
    static QString generate(QStringView prefix, QRandomGenerator& rng);
    // Random base62 text, rejection-sampled (no modulo bias).
    static QString randomBase62(int length, QRandomGenerator& rng);

    // Lower-case letters/digits in dash-separated groups ending with '-': "sk-", "sk-aisa-".
    static bool isValidPrefix(QStringView prefix, QString* error = nullptr);

    struct Parts
    {
        QString prefix;
        QString random;
        QString checksum;
    };
    // Checks shape and checksum: catches typos and truncated pastes offline.
    static std::optional<Parts> parse(QStringView key, QString* error = nullptr);
    // parse() without the parts or a reason: allocates nothing.
    static bool isWellFormed(QStringView key);

    static QString checksum(QStringView prefixAndRandom);
    // "sk-AbCd…wxyz": never enough to use the key.
    static QString displayHint(QStringView key);
    // For error messages and logs about user-supplied text that should name a key by id or
    // label: text shaped like a secret (a prefix and 20+ letters and digits) comes back as its
    // display hint, anything else as itself, cut to 64 characters. A pasted key never leaks.
    static QString redacted(QStringView text);
    // Any text (a message that quotes user input, a log line): every key-shaped run in it - a
    // lower-case dashed prefix and 20+ letters and digits, also inside quotes, brackets or next
    // to other words - replaced by its display hint. What is not key-shaped stays as it is.
    static QString redactSecrets(QStringView text);
    // True if text holds what looks like a whole key anywhere (a prefix and 32+ letters and
    // digits mixing cases): free-text fields (labels, models, environments) must not carry a
    // secret into a store.
    static bool containsSecretShape(QStringView text);
    // Lower-case hex SHA-256 of the UTF-8 key.
    static QByteArray digestHex(QStringView key);
};
