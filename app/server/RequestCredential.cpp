#include "RequestCredential.h"

std::optional<QString> RequestCredential::of(const HttpRequest& request)
{
    // Views of the stored headers: the key is the one string made.
    static const QByteArray Authorization = QByteArrayLiteral("authorization");
    static const QByteArray ApiKey = QByteArrayLiteral("x-api-key");
    const QByteArray authorizationHeader = request.header(Authorization);
    const QByteArrayView authorization = QByteArrayView(authorizationHeader).trimmed();
    if (!authorization.isEmpty()) {
        if (authorization.size() > 7 &&
            authorization.first(7).compare("bearer ", Qt::CaseInsensitive) == 0)
            return QString::fromLatin1(authorization.sliced(7).trimmed());
        return QString();
    }
    const QByteArray apiKeyHeader = request.header(ApiKey);
    const QByteArrayView apiKey = QByteArrayView(apiKeyHeader).trimmed();
    if (!apiKey.isEmpty())
        return QString::fromLatin1(apiKey);
    return std::nullopt;
}

bool RequestCredential::sameDigest(const QByteArray& a, const QByteArray& b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return difference == 0;
}
