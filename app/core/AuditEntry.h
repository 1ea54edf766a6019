#pragma once

#include <QString>

// One admin action as the audit log keeps it: who (the key that made the request, by id, label
// and hint, never the key), what, on what, from where, and how it ended. Rows outlive the key
// they name: deleting a key keeps its history of actions.
struct AuditEntry
{
    qint64 id = 0;
    qint64 atMs = 0;
    // Empty when the request failed before a key was known (missing or unknown key).
    QString actorKeyId;
    QString actorLabel;
    QString actorHint;
    // "key.create", "key.update", "key.revoke", "alert.acknowledge", ...
    QString action;
    // The key id or label, rule or alert the action named; empty for none.
    QString target;
    QString clientAddress;
    // "ok", or the error code of the answer ("invalid_value", "revoked_api_key", ...).
    QString outcome;
    int httpStatus = 0;

    friend bool operator==(const AuditEntry&, const AuditEntry&) = default;
};
