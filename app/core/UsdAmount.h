#pragma once

#include <QString>
#include <QStringView>
#include <optional>

// Money is integer micro-dollars everywhere; this converts to and from decimal text.
class UsdAmount final
{
public:
    static constexpr qint64 MicrosPerUsd = 1'000'000;

    // Accepts "25", "25.5", "25.000001", "$25.00"; rejects negatives, exponents, more than six
    // decimals, thousands separators and values above 1e12 USD.
    static std::optional<qint64> parse(QStringView text, QString* error = nullptr);
    // "25.00", "0.000123": at least two decimals, more only when needed.
    static QString format(qint64 micros);
    // "$25.00", "$1,431.83" for display; exact, so "$3.479421" when it has to be.
    static QString display(qint64 micros);
    // "$3.48" for tables: rounded half up to cents; "< $0.01" for a positive amount that would
    // round to nothing. Show display() beside it (a tooltip) where exactness matters.
    static QString displayCents(qint64 micros);
};
