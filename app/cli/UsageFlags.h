#pragma once

#include "CliArguments.h"
#include "UsageCodec.h"
#include "UsageSeries.h"

#include <optional>

// The flags of keydeckctl usage (--from, --to, --by, --limit, --format), checked and converted.
// --key is resolved against the store by KeydeckCtl.
class UsageFlags final
{
public:
    enum class Grouping
    {
        None,
        Hour,
        Day,
        Key,
        Model
    };

    static constexpr qint64 DefaultRangeMs = 30 * 24 * UsageSeries::HourMs;
    static constexpr int DefaultLimit = 50;
    static constexpr int MaxLimit = 10'000;

    // Without --from/--to the range is the 30 days up to nowUtcMs. The range is widened to
    // 15-minute slot edges (roll-up granularity). On failure, error names the flag.
    static std::optional<UsageFlags> parse(const CliArguments& args, qint64 nowUtcMs,
                                           FieldError* error);

    // [fromMs, toMs)
    qint64 fromMs() const { return m_fromMs; }
    qint64 toMs() const { return m_toMs; }
    Grouping grouping() const { return m_grouping; }
    // nullopt: no --limit given.
    std::optional<int> limit() const { return m_limit; }
    // nullopt: no --format given.
    std::optional<UsageCodec::Format> format() const { return m_format; }

private:
    UsageFlags() = default;

    qint64 m_fromMs = 0;
    qint64 m_toMs = 0;
    Grouping m_grouping = Grouping::None;
    std::optional<int> m_limit;
    std::optional<UsageCodec::Format> m_format;
};
