#pragma once

#include <QString>

// Rotation labels: "prod-web-app" -> "prod-web-app-v2" -> "prod-web-app-v3"; "x-v9" -> "x-v10".
class KeyLabel final
{
public:
    // The version a label carries: 1 when it has no "-vN" suffix.
    static int version(QStringView label);
    static QString base(QStringView label);
    static QString nextVersion(QStringView label);
};
