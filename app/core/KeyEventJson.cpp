#include "KeyEventJson.h"

#include "UtcTime.h"

using namespace Qt::StringLiterals;

QJsonObject KeyEventJson::toJson(const KeyEvent& event)
{
    return {{u"id"_s, event.id},
            {u"key_id"_s, event.keyId},
            {u"kind"_s, KeyEvent::kindName(event.kind)},
            {u"at"_s, UtcTime::toRfc3339(event.atMs)},
            {u"detail"_s, event.detail}};
}

QJsonArray KeyEventJson::toJson(const QList<KeyEvent>& events)
{
    QJsonArray array;
    for (const KeyEvent& event : events)
        array.append(toJson(event));
    return array;
}

std::optional<KeyEvent> KeyEventJson::fromJson(const QJsonObject& object, QString* error)
{
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    KeyEvent event;
    if (!object.value(u"id"_s).isDouble())
        return fail(u"id: must be a number"_s);
    event.id = object.value(u"id"_s).toInteger();
    if (!object.value(u"key_id"_s).isString())
        return fail(u"key_id: must be a string"_s);
    event.keyId = object.value(u"key_id"_s).toString();
    const QString kind = object.value(u"kind"_s).toString();
    bool known = false;
    for (KeyEvent::Kind candidate :
         {KeyEvent::Kind::Created, KeyEvent::Kind::Updated, KeyEvent::Kind::Rotated,
          KeyEvent::Kind::QuotaReset, KeyEvent::Kind::Disabled, KeyEvent::Kind::Enabled,
          KeyEvent::Kind::Revoked}) {
        if (KeyEvent::kindName(candidate) == kind) {
            event.kind = candidate;
            known = true;
        }
    }
    if (!known)
        return fail(u"kind: not a kind of key event"_s);
    const auto at = UtcTime::parseRfc3339(object.value(u"at"_s).toString());
    if (!at)
        return fail(u"at: must be an RFC 3339 time"_s);
    event.atMs = *at;
    event.detail = object.value(u"detail"_s).toString();
    return event;
}
