#include "UsdAmount.h"

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 MaxWholeUsd =
    1'000'000'000'000; // 1e12 USD: far above any real cap, far below overflow

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}
} // namespace

std::optional<qint64> UsdAmount::parse(QStringView text, QString* error)
{
    QStringView t = text.trimmed();
    if (t.startsWith(u'$'))
        t = t.mid(1);
    if (t.isEmpty()) {
        fail(error, u"enter an amount in USD, e.g. 25.00"_s);
        return std::nullopt;
    }
    if (t.startsWith(u'-')) {
        fail(error, u"must not be negative"_s);
        return std::nullopt;
    }
    const qsizetype dot = t.indexOf(u'.');
    const QStringView whole = dot < 0 ? t : t.left(dot);
    const QStringView frac = dot < 0 ? QStringView() : t.mid(dot + 1);
    auto allDigits = [](QStringView s) {
        for (QChar c : s) {
            if (c < u'0' || c > u'9')
                return false;
        }
        return true;
    };
    if (whole.isEmpty() || !allDigits(whole) || !allDigits(frac) || (dot >= 0 && frac.isEmpty())) {
        fail(error,
             u"\"%1\" is not a USD amount (use digits and an optional decimal point, e.g. 25.00)"_s
                 .arg(text.toString()));
        return std::nullopt;
    }
    if (frac.size() > 6) {
        fail(error, u"at most 6 decimal places (micro-dollars)"_s);
        return std::nullopt;
    }
    QStringView w = whole;
    while (w.size() > 1 && w.front() == u'0')
        w = w.mid(1);
    if (w.size() > 13 || w.toLongLong() > MaxWholeUsd) {
        fail(error, u"is too large (the limit is 1,000,000,000,000 USD)"_s);
        return std::nullopt;
    }
    qint64 micros = w.toLongLong() * MicrosPerUsd;
    qint64 scale = MicrosPerUsd / 10;
    for (QChar c : frac) {
        micros += (c.unicode() - u'0') * scale;
        scale /= 10;
    }
    // The limit holds for the whole amount: 1000000000000.000001 is above it too.
    if (micros > MaxWholeUsd * MicrosPerUsd) {
        fail(error, u"is too large (the limit is 1,000,000,000,000 USD)"_s);
        return std::nullopt;
    }
    return micros;
}

QString UsdAmount::format(qint64 micros)
{
    const bool negative = micros < 0;
    // Work in unsigned space so INT64_MIN cannot overflow on negation.
    const quint64 magnitude = negative ? quint64(0) - quint64(micros) : quint64(micros);
    const quint64 whole = magnitude / MicrosPerUsd;
    QString frac = QString::number(magnitude % MicrosPerUsd).rightJustified(6, u'0');
    while (frac.size() > 2 && frac.endsWith(u'0'))
        frac.chop(1);
    return (negative ? u"-"_s : QString()) + QString::number(whole) + u'.' + frac;
}

QString UsdAmount::displayCents(qint64 micros)
{
    constexpr qint64 Cent = MicrosPerUsd / 100;
    if (micros > 0 && micros < Cent / 2)
        return u"< $0.01"_s;
    const qint64 rounded =
        micros >= 0 ? (micros + Cent / 2) / Cent * Cent : -((-micros + Cent / 2) / Cent * Cent);
    return display(rounded);
}

QString UsdAmount::display(qint64 micros)
{
    QString text = format(micros);
    const bool negative = text.startsWith(u'-');
    if (negative)
        text.remove(0, 1);
    // Thousands grouped, the one way money reads everywhere it is shown ("$1,431.83").
    for (qsizetype at = text.indexOf(u'.') - 3; at > 0; at -= 3)
        text.insert(at, u',');
    return (negative ? u"-$"_s : u"$"_s) + text;
}
