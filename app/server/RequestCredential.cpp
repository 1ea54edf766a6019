#include "RequestCredential.h"

std::optional<QString> RequestCredential::of(const HttpRequest& request)
{
    const QByteArray authorization = request.header("authorization").trimmed();
    if (!authorization.isEmpty()) {
        if (authorization.size() > 7 && authorization.left(7).toLower() == "bearer ")
            return QString::fromLatin1(authorization.mid(7).trimmed());
        return QString();
    }
    const QByteArray apiKey = request.header("x-api-key").trimmed();
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
