#include "CodeSample.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace {
constexpr auto Model = u"gpt-4o-mini";

QString withoutTrailingSlash(QString url)
{
    while (url.endsWith(u'/'))
        url.chop(1);
    return url;
}

QString curl(const QString& keyVariable, const QString& baseUrl, const QString& baseUrlVariable)
{
    const QString endpoint =
        (baseUrlVariable.isEmpty() ? withoutTrailingSlash(baseUrl) : u"$"_s + baseUrlVariable) +
        u"/chat/completions"_s;
    return u"# Load the variables first, e.g.: set -a; . ./.env; set +a\n"
           u"curl \"%1\" \\\n"
           u"  -H \"Authorization: Bearer $%2\" \\\n"
           u"  -H \"Content-Type: application/json\" \\\n"
           u"  -d '{\"model\": \"%3\", \"messages\": [{\"role\": \"user\", \"content\": \"Say "
           u"hello\"}]}'\n"_s.arg(endpoint, keyVariable, Model);
}

QString python(const QString& keyVariable, const QString& baseUrl, const QString& baseUrlVariable)
{
    const QString base = baseUrlVariable.isEmpty() ? u"\"%1\""_s.arg(baseUrl)
                                                   : u"os.environ[\"%1\"]"_s.arg(baseUrlVariable);
    return u"# pip install openai python-dotenv\n"
           u"import os\n\n"
           u"from dotenv import load_dotenv\n"
           u"from openai import OpenAI\n\n"
           u"load_dotenv()  # puts the .env variables into os.environ\n\n"
           u"client = OpenAI(\n"
           u"    base_url=%1,\n"
           u"    api_key=os.environ[\"%2\"],\n"
           u")\n"
           u"reply = client.chat.completions.create(\n"
           u"    model=\"%3\",\n"
           u"    messages=[{\"role\": \"user\", \"content\": \"Say hello\"}],\n"
           u")\n"
           u"print(reply.choices[0].message.content)\n"_s.arg(base, keyVariable, Model);
}

QString javaScript(const QString& keyVariable, const QString& baseUrl,
                   const QString& baseUrlVariable)
{
    const QString base = baseUrlVariable.isEmpty() ? u"\"%1\""_s.arg(baseUrl)
                                                   : u"process.env.%1"_s.arg(baseUrlVariable);
    return u"// npm install openai dotenv\n"
           u"import \"dotenv/config\"; // puts the .env variables into process.env\n"
           u"import OpenAI from \"openai\";\n\n"
           u"const client = new OpenAI({\n"
           u"  baseURL: %1,\n"
           u"  apiKey: process.env.%2,\n"
           u"});\n"
           u"const reply = await client.chat.completions.create({\n"
           u"  model: \"%3\",\n"
           u"  messages: [{ role: \"user\", content: \"Say hello\" }],\n"
           u"});\n"
           u"console.log(reply.choices[0].message.content);\n"_s.arg(base, keyVariable, Model);
}
} // namespace

QList<CodeSample::Language> CodeSample::languages()
{
    return {Language::Curl, Language::Python, Language::JavaScript};
}

QString CodeSample::languageName(Language language)
{
    switch (language) {
    case Language::Curl:
        return u"cURL"_s;
    case Language::Python:
        return u"Python"_s;
    case Language::JavaScript:
        return u"JavaScript"_s;
    }
    return {};
}

QString CodeSample::text(Language language, const QString& keyVariable, const QString& baseUrl,
                         const QString& baseUrlVariable)
{
    switch (language) {
    case Language::Curl:
        return curl(keyVariable, baseUrl, baseUrlVariable);
    case Language::Python:
        return python(keyVariable, baseUrl, baseUrlVariable);
    case Language::JavaScript:
        return javaScript(keyVariable, baseUrl, baseUrlVariable);
    }
    return {};
}

bool CodeSample::isValidBaseUrl(const QString& url, QString* error)
{
    auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    if (url.isEmpty())
        return fail(u"is empty; enter the API's URL, e.g. https://api.example.com/v1"_s);
    for (QChar c : url) {
        if (c.unicode() <= 0x20 || c.unicode() == 0x7f || c == u'\'' || c == u'"' || c == u'\\' ||
            c == u'`' || c == u'$')
            return fail(c == u' '     ? u"contains a space"_s
                        : c.isPrint() ? u"contains %1"_s.arg(c)
                                      : u"contains a control character"_s);
    }
    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid())
        return fail(u"is not a valid URL: %1"_s.arg(parsed.errorString()));
    if (parsed.scheme() != u"https" && parsed.scheme() != u"http")
        return fail(u"must start with https:// or http://"_s);
    if (parsed.host().isEmpty())
        return fail(u"has no host name"_s);
    if (!parsed.userInfo().isEmpty())
        return fail(u"must not contain a user name or password"_s);
    if (parsed.hasQuery() || parsed.hasFragment())
        return fail(u"must not contain a query (?) or fragment (#)"_s);
    return true;
}
