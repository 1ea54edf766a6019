#pragma once

#include <QString>

// Rotation labels: "prod-web-app" -> "prod-web-app-v2" -> "prod-web-app-v3"; "x-v9" -> "x-v10".
class KeyLabel final
{
public:
    // The version a label carries: 1 when it has no "-vN" suffix.
    static int version(QStringView label);
    static QString base(QStringView label);
    // At most MaxLength characters (code points, as labels are counted): a long base is cut so
    // that the suffix fits, and a label that could be created can always be rotated.
    static QString nextVersion(QStringView label);
    static constexpr qsizetype MaxLength = 64;
};
