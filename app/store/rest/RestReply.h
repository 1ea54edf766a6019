#pragma once

#include "StoreError.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <optional>

// Reading the admin API's answers: a body that is not the JSON the API documents is the
// server's fault, so it fails as Unavailable saying what was wrong, never as a crash or a
// silently empty value.
class RestReply final
{
public:
    struct List
    {
        QJsonArray data;
        // Empty on the last page.
        QString nextCursor;
        QJsonObject body;
    };

    static QJsonObject object(const QByteArray& body);
    // The next_cursor of a list, found without reading the rest: nullopt on the last page. A
    // quote inside a JSON string is always escaped, so the member's name cannot appear in one.
    static std::optional<QString> nextCursorOf(const QByteArray& body);
    static List list(const QByteArray& body);
    // Throws the StoreError for an answer whose member is wrong.
    [[noreturn]] static void malformed(const QString& what);
    // value, or throws malformed(error) when it is nullopt.
    template <typename T> static T must(std::optional<T> value, const QString& error)
    {
        if (!value)
            malformed(error);
        return std::move(*value);
    }
};
