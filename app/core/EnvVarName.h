#pragma once

#include <QString>
#include <QStringList>
#include <QStringView>

// Names of the shell variables a .env export writes. sh accepts [A-Za-z_][A-Za-z0-9_]*; the
// defaults come from the workspace's key prefix: "sk-aisa-" gives AISA_API_KEY and
// AISA_BASE_URL, a bare "sk-" gives API_KEY and API_BASE_URL.
class EnvVarName final
{
public:
    // On failure, error says what is wrong without repeating the name.
    static bool isValid(QStringView name, QString* error = nullptr);

    // "sk-aisa-" -> "AISA", "sk-my-team-" -> "MY_TEAM", "sk-" -> "" (no brand).
    static QString brand(QStringView prefix);
    // "prod-web-app" -> "PROD_WEB_APP": ASCII letters and digits, everything else one "_".
    static QString labelPart(QStringView label);

    static QString apiKey(QStringView prefix);
    static QString apiKeyFor(QStringView prefix, QStringView label);
    static QString baseUrl(QStringView prefix);
    // One name per label, in order: a single key gets apiKey(); several get apiKeyFor() each,
    // made unique with _2, _3... when labels differ only in punctuation.
    static QStringList defaults(QStringView prefix, const QStringList& labels);
};
