#include "AuditJson.h"

#include "UtcTime.h"

using namespace Qt::StringLiterals;

QJsonObject AuditJson::toJson(const AuditEntry& entry)
{
    const QJsonValue actor = entry.actorKeyId.isEmpty()
                                 ? QJsonValue()
                                 : QJsonObject{{u"id"_s, entry.actorKeyId},
                                               {u"label"_s, entry.actorLabel},
                                               {u"hint"_s, entry.actorHint}};
    return {{u"id"_s, entry.id},           {u"time"_s, UtcTime::toRfc3339(entry.atMs)},
            {u"actor"_s, actor},           {u"action"_s, entry.action},
            {u"target"_s, entry.target},   {u"client"_s, entry.clientAddress},
            {u"outcome"_s, entry.outcome}, {u"status"_s, entry.httpStatus}};
}

std::optional<AuditEntry> AuditJson::fromJson(const QJsonObject& object, QString* error)
{
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    AuditEntry entry;
    if (!object.value(u"id"_s).isDouble())
        return fail(u"id: must be a number"_s);
    entry.id = object.value(u"id"_s).toInteger();
    const auto at = UtcTime::parseRfc3339(object.value(u"time"_s).toString());
    if (!at)
        return fail(u"time: must be an RFC 3339 time"_s);
    entry.atMs = *at;
    const QJsonValue actor = object.value(u"actor"_s);
    if (actor.isObject()) {
        const QJsonObject who = actor.toObject();
        entry.actorKeyId = who.value(u"id"_s).toString();
        entry.actorLabel = who.value(u"label"_s).toString();
        entry.actorHint = who.value(u"hint"_s).toString();
        if (entry.actorKeyId.isEmpty())
            return fail(u"actor: must have an id"_s);
    } else if (!actor.isNull()) {
        return fail(u"actor: must be an object or null"_s);
    }
    for (const auto& [member, out] :
         {std::pair{u"action"_s, &entry.action}, std::pair{u"target"_s, &entry.target},
          std::pair{u"client"_s, &entry.clientAddress}, std::pair{u"outcome"_s, &entry.outcome}}) {
        if (!object.value(member).isString())
            return fail(member + u": must be a string"_s);
        *out = object.value(member).toString();
    }
    if (!object.value(u"status"_s).isDouble())
        return fail(u"status: must be a number"_s);
    entry.httpStatus = object.value(u"status"_s).toInt();
    return entry;
}
