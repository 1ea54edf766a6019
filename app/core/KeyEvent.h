#pragma once

#include <QString>

// Something that happened to a key, kept for its history: created, rotated, quota reset on a
// subscription renewal, disabled, enabled, revoked.
struct KeyEvent
{
    enum class Kind
    {
        Created,
        Updated,
        Rotated,
        QuotaReset,
        Disabled,
        Enabled,
        Revoked
    };

    qint64 id = 0;
    QString keyId;
    Kind kind = Kind::Created;
    qint64 atMs = 0;
    QString detail; // e.g. "rotated to prod-web-app-v2", "cycle 2027-03-15: $12.40 used"

    static QString kindName(Kind kind);
    friend bool operator==(const KeyEvent&, const KeyEvent&) = default;
};
