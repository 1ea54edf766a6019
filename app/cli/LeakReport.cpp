#include "LeakReport.h"

#include "CountText.h"
#include "KeyEnums.h"
#include "KeyPrinter.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace {
bool stillWorks(const ApiKeyRecord& key)
{
    return key.status != KeyStatus::Revoked;
}

QString sizeText(qint64 bytes)
{
    constexpr qint64 MiB = 1024 * 1024;
    return bytes < MiB ? u"%1 KiB"_s.arg((bytes + 1023) / 1024)
                       : u"%1 MiB"_s.arg(double(bytes) / double(MiB), 0, 'f', 1);
}
} // namespace

LeakReport::LeakReport(LeakScan::Result scan, QHash<QByteArray, ApiKeyRecord> keys, qint64 nowUtcMs)
    : m_scan(std::move(scan))
    , m_now(nowUtcMs)
{
    for (const QByteArray& digest : digestsOf(m_scan)) {
        Leak leak;
        leak.digestHex = digest;
        if (const auto it = keys.constFind(digest); it != keys.cend())
            leak.key = *it;
        for (const LeakScan::Sighting& sighting : std::as_const(m_scan.sightings)) {
            if (sighting.digestHex == digest) {
                leak.hint = sighting.hint;
                leak.sightings << sighting;
            }
        }
        m_leaks << leak;
    }
    // Keys that still work first, then this store's other keys, then strangers.
    std::stable_sort(m_leaks.begin(), m_leaks.end(), [](const Leak& a, const Leak& b) {
        const auto rank = [](const Leak& leak) {
            return !leak.key ? 2 : stillWorks(*leak.key) ? 0 : 1;
        };
        return rank(a) < rank(b);
    });
}

QList<QByteArray> LeakReport::digestsOf(const LeakScan::Result& scan)
{
    QList<QByteArray> digests;
    for (const LeakScan::Sighting& sighting : scan.sightings) {
        if (!digests.contains(sighting.digestHex))
            digests << sighting.digestHex;
    }
    return digests;
}

bool LeakReport::anyStillWorks() const
{
    return std::any_of(m_leaks.cbegin(), m_leaks.cend(),
                       [](const Leak& leak) { return leak.key && stillWorks(*leak.key); });
}

QString LeakReport::where(const LeakScan::Sighting& sighting)
{
    const QString place = u"%1:%2"_s.arg(KeyPrinter::printable(sighting.file)).arg(sighting.line);
    return sighting.commit.isEmpty() ? place
                                     : u"commit %1  %2"_s.arg(sighting.commit.left(12), place);
}

QString LeakReport::text() const
{
    QString text;
    QStringList revoke;
    for (const Leak& leak : m_leaks) {
        if (leak.key) {
            const ApiKeyRecord& key = *leak.key;
            const bool works = stillWorks(key);
            text += u"%1  %2  %3  %4%5\n"_s.arg(KeyPrinter::printable(key.spec.label), key.id,
                                                leak.hint,
                                                KeyEnums::statusName(key.effectiveStatus(m_now)),
                                                works ? u"  <- STILL WORKS"_s : QString());
            if (works)
                revoke << KeyPrinter::printable(key.spec.label);
        } else {
            text += u"%1  not a key of this store\n"_s.arg(leak.hint);
        }
        for (const LeakScan::Sighting& sighting : leak.sightings)
            text += u"    "_s + where(sighting) + u'\n';
    }
    QString scanned =
        u"Scanned %1 files (%2"_s.arg(CountText::grouped(m_scan.files), sizeText(m_scan.bytes));
    if (m_scan.binarySkipped > 0)
        scanned += u"; %1 binary skipped"_s.arg(CountText::grouped(m_scan.binarySkipped));
    scanned += u")"_s;
    if (m_scan.commits > 0)
        scanned += u" and %1 commits"_s.arg(CountText::grouped(m_scan.commits));
    if (m_leaks.isEmpty())
        return scanned + u": no KeyDeck key found.\n"_s;
    text += u"\n%1: %2 key%3 found.\n"_s.arg(scanned)
                .arg(m_leaks.size())
                .arg(m_leaks.size() == 1 ? QString() : u"s"_s);
    for (const QString& label : std::as_const(revoke))
        text += u"Revoke it now, then replace it: keydeckctl keys revoke %1\n"_s.arg(label);
    for (const QString& path : m_scan.unreadable)
        text += u"Could not read %1\n"_s.arg(KeyPrinter::printable(path));
    return text;
}

QJsonObject LeakReport::json() const
{
    QJsonArray keys;
    QJsonArray unknown;
    for (const Leak& leak : m_leaks) {
        QJsonArray places;
        for (const LeakScan::Sighting& sighting : leak.sightings) {
            places.append(
                QJsonObject{{u"file"_s, sighting.file},
                            {u"line"_s, sighting.line},
                            {u"commit"_s, sighting.commit.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                    : sighting.commit}});
        }
        if (!leak.key) {
            unknown.append(QJsonObject{{u"hint"_s, leak.hint}, {u"locations"_s, places}});
            continue;
        }
        keys.append(QJsonObject{
            {u"id"_s, leak.key->id},
            {u"label"_s, leak.key->spec.label},
            {u"hint"_s, leak.hint},
            {u"status"_s, KeyEnums::statusName(leak.key->effectiveStatus(m_now))},
            {u"still_works"_s, stillWorks(*leak.key)},
            {u"locations"_s, places},
        });
    }
    return {
        {u"scanned"_s, QJsonObject{{u"files"_s, m_scan.files},
                                   {u"bytes"_s, m_scan.bytes},
                                   {u"binary_skipped"_s, m_scan.binarySkipped},
                                   {u"commits"_s, m_scan.commits}}},
        {u"keys"_s, keys},
        {u"unknown"_s, unknown},
        {u"unreadable"_s, QJsonArray::fromStringList(m_scan.unreadable)},
    };
}
