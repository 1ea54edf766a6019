#include "LeakFinder.h"

#include "ApiKeyFormat.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace {
// Letters and digits after dashed lower-case groups; the split between prefix and random part
// is found below, as a prefix may itself hold dashes ("sk-aisa-sub-").
const QRegularExpression& candidate()
{
    static const QRegularExpression pattern(
        u"(?<![A-Za-z0-9_-])((?:[a-z0-9]+-)+)([A-Za-z0-9]{%1})(?![A-Za-z0-9_])"_s.arg(
            ApiKeyFormat::RandomLength + ApiKeyFormat::ChecksumLength));
    return pattern;
}
} // namespace

bool LeakFinder::mayHoldKey(QByteArrayView bytes)
{
    constexpr qsizetype Run = ApiKeyFormat::RandomLength + ApiKeyFormat::ChecksumLength;
    qsizetype run = 0;
    bool afterDash = false;
    for (const char c : bytes) {
        const bool alnum =
            (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (alnum) {
            if (afterDash && ++run >= Run)
                return true;
        } else {
            afterDash = c == '-';
            run = 0;
        }
    }
    return false;
}

QList<LeakFinder::Find> LeakFinder::inLine(QStringView line)
{
    QList<Find> finds;
    // Cheap test first: most lines hold no dash at all.
    if (!line.contains(u'-'))
        return finds;
    QRegularExpressionMatchIterator it = candidate().globalMatch(line);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        const QStringView groups = match.capturedView(1);
        const QStringView tail = match.capturedView(2);
        // The longest prefix that fits and makes the checksum hold: "x-sk-…" is still "sk-…".
        qsizetype start = 0;
        while (start < groups.size()) {
            const QStringView prefix = groups.mid(start);
            if (prefix.size() <= ApiKeyFormat::MaxPrefixLength) {
                const QString key = prefix.toString() + tail.toString();
                if (ApiKeyFormat::isWellFormed(key)) {
                    finds.append({match.capturedStart(1) + start + 1, ApiKeyFormat::digestHex(key),
                                  ApiKeyFormat::displayHint(key)});
                    break;
                }
            }
            start = groups.indexOf(u'-', start) + 1;
        }
    }
    return finds;
}
