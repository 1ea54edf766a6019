#include "UtcTime.h"

#include <QDate>
#include <QDateTime>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 MsPerDay = 86'400'000;
constexpr qint64 JulianDayOfEpoch = 2'440'588;

bool readDigits(QStringView text, qsizetype pos, int count, int* out)
{
    if (pos + count > text.size())
        return false;
    int value = 0;
    for (int i = 0; i < count; ++i) {
        const QChar c = text[pos + i];
        if (c < u'0' || c > u'9')
            return false;
        value = value * 10 + (c.unicode() - u'0');
    }
    *out = value;
    return true;
}
} // namespace

std::optional<qint64> UtcTime::parseRfc3339(QStringView input, QString* error)
{
    const QStringView text = input.trimmed();
    auto fail = [&](const QString& why) -> std::optional<qint64> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    const QString example = u"e.g. 2027-01-31T00:00:00Z"_s;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!readDigits(text, 0, 4, &year) || text.size() < 10 || text[4] != u'-' ||
        !readDigits(text, 5, 2, &month) || text[7] != u'-' || !readDigits(text, 8, 2, &day))
        return fail(u"\"%1\" is not an RFC 3339 date-time (%2)"_s.arg(text.toString(), example));
    if (text.size() == 10)
        return fail(u"\"%1\" has no time and no time zone (%2)"_s.arg(text.toString(), example));
    if ((text[10] != u'T' && text[10] != u't') || !readDigits(text, 11, 2, &hour) ||
        text.size() < 19 || text[13] != u':' || !readDigits(text, 14, 2, &minute) ||
        text[16] != u':' || !readDigits(text, 17, 2, &second))
        return fail(u"\"%1\" is not an RFC 3339 date-time (%2)"_s.arg(text.toString(), example));
    qsizetype pos = 19;
    int millis = 0;
    if (pos < text.size() && text[pos] == u'.') {
        ++pos;
        const qsizetype start = pos;
        int scale = 100;
        while (pos < text.size() && text[pos] >= u'0' && text[pos] <= u'9') {
            millis += (text[pos].unicode() - u'0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start || pos - start > 9)
            return fail(u"\"%1\" has a malformed fraction of a second"_s.arg(text.toString()));
    }
    if (pos >= text.size())
        return fail(u"\"%1\" has no time zone: add Z for UTC or an offset like +01:00"_s.arg(
            text.toString()));
    int offsetMinutes = 0;
    const QChar zone = text[pos];
    if (zone == u'Z' || zone == u'z') {
        ++pos;
    } else if (zone == u'+' || zone == u'-') {
        int oh = 0, om = 0;
        if (!readDigits(text, pos + 1, 2, &oh) || pos + 3 >= text.size() || text[pos + 3] != u':' ||
            !readDigits(text, pos + 4, 2, &om) || oh > 23 || om > 59)
            return fail(u"\"%1\" has a malformed UTC offset (use +HH:MM)"_s.arg(text.toString()));
        offsetMinutes = (oh * 60 + om) * (zone == u'-' ? -1 : 1);
        pos += 6;
    } else {
        return fail(u"\"%1\" has no time zone: add Z for UTC or an offset like +01:00"_s.arg(
            text.toString()));
    }
    if (pos != text.size())
        return fail(u"\"%1\" has unexpected text after the time zone"_s.arg(text.toString()));
    const QDate date(year, month, day);
    if (!date.isValid() || hour > 23 || minute > 59 || second > 59)
        return fail(u"\"%1\" is not a valid date and time"_s.arg(text.toString()));
    const qint64 days = date.toJulianDay() - JulianDayOfEpoch;
    const qint64 ms = days * MsPerDay +
                      ((hour * 60 + minute - offsetMinutes) * 60 + second) * qint64(1000) + millis;
    // Judged in UTC: an offset can carry a time across either edge.
    if (ms < 0)
        return fail(
            u"\"%1\" is before 1970, the earliest time KeyDeck stores"_s.arg(text.toString()));
    if (ms > LatestMs)
        return fail(u"\"%1\" is after 9999-12-31T23:59:59.999Z, the latest time KeyDeck "
                    u"stores"_s.arg(text.toString()));
    return ms;
}

QString UtcTime::toRfc3339(qint64 utcMs)
{
    if (utcMs < 0 || utcMs > LatestMs) {
        const QDateTime dt = QDateTime::fromMSecsSinceEpoch(utcMs, QTimeZone::utc());
        return dt.toString(utcMs % 1000 == 0 ? u"yyyy-MM-ddTHH:mm:ssZ"_s
                                             : u"yyyy-MM-ddTHH:mm:ss.zzzZ"_s);
    }
    // Written by hand: every log line and every usage event's time passes here, and the
    // calendar arithmetic below is a fraction of QDateTime's formatting.
    int year = 0;
    int month = 0;
    int day = 0;
    QDate::fromJulianDay(JulianDayOfEpoch + utcMs / MsPerDay).getDate(&year, &month, &day);
    const qint64 msOfDay = utcMs % MsPerDay;
    const int ms = int(msOfDay % 1000);
    const int second = int(msOfDay / 1000 % 60);
    const int minute = int(msOfDay / 60'000 % 60);
    const int hour = int(msOfDay / 3'600'000);
    QString text(ms ? 24 : 20, Qt::Uninitialized);
    QChar* out = text.data();
    const auto digits = [&out](int value, int count) {
        for (int i = count - 1; i >= 0; --i) {
            out[i] = QLatin1Char(char('0' + value % 10));
            value /= 10;
        }
        out += count;
    };
    const auto put = [&out](char c) {
        *out++ = QLatin1Char(c);
    };
    digits(year, 4);
    put('-');
    digits(month, 2);
    put('-');
    digits(day, 2);
    put('T');
    digits(hour, 2);
    put(':');
    digits(minute, 2);
    put(':');
    digits(second, 2);
    if (ms) {
        put('.');
        digits(ms, 3);
    }
    put('Z');
    return text;
}
