#pragma once

#include <QList>
#include <QString>

// Ready-to-paste snippets that call the OpenAI-compatible API with a key read from an
// environment variable (never the key itself), the shapes the vendor docs show: cURL, Python
// and JavaScript with the official OpenAI SDKs.
class CodeSample final
{
public:
    enum class Language
    {
        Curl,
        Python,
        JavaScript
    };

    static QList<Language> languages();
    static QString languageName(Language language); // "cURL", "Python", "JavaScript"

    // baseUrl must pass isValidBaseUrl(). With baseUrlVariable set, the snippet reads the URL
    // from that variable too; otherwise baseUrl is written out.
    static QString text(Language language, const QString& keyVariable, const QString& baseUrl,
                        const QString& baseUrlVariable = {});

    // An absolute http(s) URL without credentials, query or fragment, and without characters
    // that would need escaping in a .env value or in the snippets' string literals.
    static bool isValidBaseUrl(const QString& url, QString* error = nullptr);
};
