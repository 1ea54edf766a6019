#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <optional>

// USD per million tokens per model, as integer micro-USD. Prices events that arrive without a
// cost. A model matches its exact entry, else the longest entry it starts with
// ("gpt-4o-2024-08-06" is priced as "gpt-4o").
class PriceTable final
{
public:
    struct Price
    {
        qint64 promptMicrosPerMillion = 0;
        qint64 completionMicrosPerMillion = 0;
        friend bool operator==(const Price&, const Price&) = default;
    };

    static PriceTable defaults();

    void setPrice(const QString& model, Price price) { m_prices.insert(model, price); }
    void removePrice(const QString& model) { m_prices.remove(model); }
    const QMap<QString, Price>& prices() const { return m_prices; }
    std::optional<Price> priceFor(const QString& model) const;
    // Rounded to the nearest micro-USD; 0 for an unknown model.
    qint64 costMicros(const QString& model, qint64 promptTokens, qint64 completionTokens) const;

    QJsonObject toJson() const;
    // *field, when given, says which part was wrong: "model" (its name) or "price".
    static std::optional<PriceTable> fromJson(const QJsonObject& object, QString* error = nullptr,
                                              QString* field = nullptr);

    friend bool operator==(const PriceTable&, const PriceTable&) = default;

private:
    QMap<QString, Price> m_prices;
};
