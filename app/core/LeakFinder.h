#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringView>

// Finds KeyDeck keys in text: a lower-case dashed prefix, 32 letters and digits and the 6-digit
// checksum over them, standing alone (not inside a longer run of letters and digits). The
// checksum must hold, so look-alikes (a key with one character changed, a random token of the
// same shape) are not reported. Only the digest and the display hint of a find leave this class.
class LeakFinder final
{
public:
    struct Find
    {
        // 1-based, in UTF-16 code units of the line.
        qsizetype column = 0;
        QByteArray digestHex;
        QString hint;
    };

    static QList<Find> inLine(QStringView line);
    // False when the bytes (UTF-8) cannot hold a key: no dash followed by a run of 38 letters
    // and digits. Cheap enough to run on every line before inLine() decodes it.
    static bool mayHoldKey(QByteArrayView bytes);
};
