#pragma once

#include "AuditEntry.h"

#include <QJsonObject>
#include <optional>

// An audit log entry as the admin API shows it: the actor as {id, label, hint} or null when
// the request failed before a key was known.
class AuditJson final
{
public:
    static QJsonObject toJson(const AuditEntry& entry);
    // nullopt with *error naming the member that is wrong.
    static std::optional<AuditEntry> fromJson(const QJsonObject& object, QString* error);
};
