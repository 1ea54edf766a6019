#include "PriceTable.h"

#include "UsdAmount.h"

#include <QJsonValue>

using namespace Qt::StringLiterals;

PriceTable PriceTable::defaults()
{
    // List prices per million tokens (prompt, completion) of common models, late 2025.
    struct Row
    {
        const char16_t* model;
        qint64 prompt;
        qint64 completion;
    };
    static constexpr Row rows[] = {
        {u"gpt-4o", 2'500'000, 10'000'000},          {u"gpt-4o-mini", 150'000, 600'000},
        {u"gpt-4.1", 2'000'000, 8'000'000},          {u"gpt-4.1-mini", 400'000, 1'600'000},
        {u"gpt-4.1-nano", 100'000, 400'000},         {u"o3-mini", 1'100'000, 4'400'000},
        {u"o4-mini", 1'100'000, 4'400'000},          {u"claude-3-5-sonnet", 3'000'000, 15'000'000},
        {u"claude-3-5-haiku", 800'000, 4'000'000},   {u"claude-3-opus", 15'000'000, 75'000'000},
        {u"claude-sonnet-4", 3'000'000, 15'000'000}, {u"gemini-1.5-pro", 1'250'000, 5'000'000},
        {u"gemini-1.5-flash", 75'000, 300'000},      {u"text-embedding-3-small", 20'000, 0},
        {u"text-embedding-3-large", 130'000, 0},
    };
    PriceTable table;
    for (const Row& r : rows)
        table.setPrice(QString::fromUtf16(r.model), {r.prompt, r.completion});
    return table;
}

std::optional<PriceTable::Price> PriceTable::priceFor(const QString& model) const
{
    const auto exact = m_prices.constFind(model);
    if (exact != m_prices.cend())
        return *exact;
    std::optional<Price> best;
    qsizetype bestLength = 0;
    for (auto it = m_prices.cbegin(); it != m_prices.cend(); ++it) {
        if (it.key().size() > bestLength && model.startsWith(it.key())) {
            best = it.value();
            bestLength = it.key().size();
        }
    }
    return best;
}

qint64 PriceTable::costMicros(const QString& model, qint64 promptTokens,
                              qint64 completionTokens) const
{
    const auto price = priceFor(model);
    if (!price)
        return 0;
    // Tokens × micro-USD per million stays far inside 64 bits for any real request.
    const qint64 scaled = promptTokens * price->promptMicrosPerMillion +
                          completionTokens * price->completionMicrosPerMillion;
    return (scaled + 500'000) / 1'000'000;
}

QJsonObject PriceTable::toJson() const
{
    QJsonObject object;
    for (auto it = m_prices.cbegin(); it != m_prices.cend(); ++it) {
        object.insert(it.key(), QJsonObject{{u"prompt_usd_per_million"_s,
                                             UsdAmount::format(it->promptMicrosPerMillion)},
                                            {u"completion_usd_per_million"_s,
                                             UsdAmount::format(it->completionMicrosPerMillion)}});
    }
    return object;
}

std::optional<PriceTable> PriceTable::fromJson(const QJsonObject& object, QString* error,
                                               QString* field)
{
    PriceTable table;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        const QJsonObject entry = it.value().toObject();
        QString why;
        const auto prompt =
            UsdAmount::parse(entry.value(u"prompt_usd_per_million"_s).toString(), &why);
        const auto completion =
            prompt ? UsdAmount::parse(entry.value(u"completion_usd_per_million"_s).toString(), &why)
                   : std::nullopt;
        if (it.key().isEmpty() || !prompt || !completion) {
            if (error)
                *error = u"price of \"%1\": %2"_s.arg(
                    it.key(), why.isEmpty() ? u"model name is empty"_s : why);
            if (field)
                *field = it.key().isEmpty() ? u"model"_s : u"price"_s;
            return std::nullopt;
        }
        table.setPrice(it.key(), {*prompt, *completion});
    }
    return table;
}
