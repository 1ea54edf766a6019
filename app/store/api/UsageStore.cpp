#include "UsageStore.h"

using namespace Qt::StringLiterals;

namespace {
constexpr std::pair<UsageStore::LogColumn, const char16_t*> LogColumnNames[] = {
    {UsageStore::LogColumn::Time, u"time"},
    {UsageStore::LogColumn::Key, u"key"},
    {UsageStore::LogColumn::Model, u"model"},
    {UsageStore::LogColumn::Endpoint, u"endpoint"},
    {UsageStore::LogColumn::Status, u"status"},
    {UsageStore::LogColumn::PromptTokens, u"prompt_tokens"},
    {UsageStore::LogColumn::CompletionTokens, u"completion_tokens"},
    {UsageStore::LogColumn::Cost, u"cost"},
    {UsageStore::LogColumn::Latency, u"latency"},
};
} // namespace

QString UsageStore::logColumnName(LogColumn column)
{
    for (const auto& [value, name] : LogColumnNames) {
        if (value == column)
            return QString::fromUtf16(name);
    }
    return u"time"_s;
}

std::optional<UsageStore::LogColumn> UsageStore::logColumnNamed(QStringView name)
{
    for (const auto& [value, text] : LogColumnNames) {
        if (name == QStringView(text))
            return value;
    }
    return std::nullopt;
}

QStringList UsageStore::logColumnNames()
{
    QStringList names;
    for (const auto& [value, name] : LogColumnNames)
        names << QString::fromUtf16(name);
    return names;
}

QFuture<QList<UsageSeries::Point>> UsageStore::usageSeries(const UsageQuery& query,
                                                           UsageSeries::BucketSize size,
                                                           const QTimeZone& zone)
{
    // Folding is plain data work: off the caller's thread.
    return usageSlots(query).then(
        QtFuture::Launch::Async, [query, size, zone](const QList<UsageSeries::Point>& slotRows) {
            return UsageSeries::build(slotRows, query.fromMs, query.toMs, size, zone);
        });
}
