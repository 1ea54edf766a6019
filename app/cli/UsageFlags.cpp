#include "UsageFlags.h"

#include "UtcTime.h"

using namespace Qt::StringLiterals;

namespace {
std::optional<qint64> parseTime(const CliArguments& args, const QString& flag, FieldError* error)
{
    QString why;
    const auto ms = UtcTime::parseRfc3339(args.value(flag), &why);
    if (!ms)
        *error =
            FieldError{flag, why + u" (e.g. 2027-01-31T00:00:00Z or 2027-01-31T01:00:00+01:00)"_s};
    return ms;
}
} // namespace

std::optional<UsageFlags> UsageFlags::parse(const CliArguments& args, qint64 nowUtcMs,
                                            FieldError* error)
{
    auto fail = [error](const QString& flag, const QString& message) {
        *error = FieldError{flag, message};
        return std::nullopt;
    };
    UsageFlags flags;

    std::optional<qint64> from;
    std::optional<qint64> to;
    if (args.has(u"--from"_s) && !(from = parseTime(args, u"--from"_s, error)))
        return std::nullopt;
    if (args.has(u"--to"_s) && !(to = parseTime(args, u"--to"_s, error)))
        return std::nullopt;
    const qint64 toMs = to.value_or(nowUtcMs);
    if (from && *from >= toMs) {
        return fail(u"--from"_s,
                    to ? u"must be before --to"_s : u"is not in the past; give --to as well"_s);
    }
    // Roll-ups count whole 15-minute slots: widen the range to slot edges, so the range printed
    // is the one counted, and logs (exact per event) list the same events as the summary.
    const qint64 toSlot = UsageSeries::slotStart(toMs);
    flags.m_toMs = toSlot == toMs ? toMs : toSlot + UsageSeries::SlotMs;
    flags.m_fromMs = from ? UsageSeries::slotStart(*from) : flags.m_toMs - DefaultRangeMs;

    if (args.has(u"--key"_s) && args.value(u"--key"_s).isEmpty())
        return fail(u"--key"_s, u"needs the id or label of a key"_s);

    if (args.has(u"--by"_s)) {
        static const QHash<QString, Grouping> names = {{u"hour"_s, Grouping::Hour},
                                                       {u"day"_s, Grouping::Day},
                                                       {u"key"_s, Grouping::Key},
                                                       {u"model"_s, Grouping::Model}};
        const QString by = args.value(u"--by"_s);
        if (!names.contains(by))
            return fail(u"--by"_s, u"\"%1\" is not one of hour, day, key, model"_s.arg(by));
        flags.m_grouping = names.value(by);
        // A bucket per hour over years would print millions of empty rows.
        const qint64 hours = (flags.m_toMs - flags.m_fromMs) / UsageSeries::HourMs;
        if (flags.m_grouping == Grouping::Hour && hours > MaxLimit)
            return fail(u"--by"_s, u"hour buckets cover at most %1 hours; use --by day or a "
                                   u"shorter --from/--to range"_s.arg(MaxLimit));
        if (flags.m_grouping == Grouping::Day && hours / 24 > MaxLimit)
            return fail(u"--by"_s, u"day buckets cover at most %1 days; use a shorter "
                                   u"--from/--to range"_s.arg(MaxLimit));
    }

    if (args.has(u"--limit"_s)) {
        const QString text = args.value(u"--limit"_s);
        bool ok =
            !text.isEmpty() && text.size() <= 5 &&
            std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c >= u'0' && c <= u'9'; });
        const int limit = ok ? text.toInt(&ok) : 0;
        if (!ok || limit < 1 || limit > MaxLimit)
            return fail(u"--limit"_s,
                        u"\"%1\" is not a whole number from 1 to %2"_s.arg(text).arg(MaxLimit));
        flags.m_limit = limit;
    }

    if (args.has(u"--format"_s)) {
        const QString format = args.value(u"--format"_s);
        if (format == u"jsonl")
            flags.m_format = UsageCodec::Format::JsonLines;
        else if (format == u"csv")
            flags.m_format = UsageCodec::Format::Csv;
        else
            return fail(u"--format"_s, u"\"%1\" is not jsonl or csv"_s.arg(format));
    }
    return flags;
}
