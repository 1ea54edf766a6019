#include "RestReply.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

void RestReply::malformed(const QString& what)
{
    throw StoreError(StoreError::Code::Unavailable,
                     u"the server's answer is not what KeyDeck expects (%1): is it a "
                     "keydeck-server of another version?"_s.arg(what));
}

QJsonObject RestReply::object(const QByteArray& body)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        malformed(u"not a JSON object"_s);
    return document.object();
}

RestReply::List RestReply::list(const QByteArray& body)
{
    List list;
    list.body = object(body);
    if (!list.body.value(u"data"_s).isArray())
        malformed(u"data: not an array"_s);
    list.data = list.body.value(u"data"_s).toArray();
    list.nextCursor = list.body.value(u"next_cursor"_s).toString();
    return list;
}

std::optional<QString> RestReply::nextCursorOf(const QByteArray& body)
{
    static const QByteArray member = "\"next_cursor\":";
    const qsizetype at = body.lastIndexOf(member);
    if (at < 0)
        return std::nullopt;
    const qsizetype start = at + member.size();
    if (body.mid(start, 1) != "\"")
        return std::nullopt; // null: the last page
    const qsizetype end = body.indexOf('"', start + 1);
    if (end < 0)
        malformed(u"next_cursor: not a string"_s);
    const QString cursor = QString::fromUtf8(body.mid(start + 1, end - start - 1));
    if (cursor.isEmpty())
        return std::nullopt;
    return cursor;
}
