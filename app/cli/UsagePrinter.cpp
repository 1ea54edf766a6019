#include "UsagePrinter.h"

#include "KeyPrinter.h"
#include "TextTable.h"
#include "UsdAmount.h"
#include "UtcTime.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace {
QString rangeText(qint64 fromMs, qint64 toMs)
{
    return u"%1 to %2 (local time)"_s.arg(KeyPrinter::localTime(fromMs),
                                          KeyPrinter::localTime(toMs));
}

QString errorsText(const UsageTotals& totals)
{
    if (totals.requests == 0)
        return KeyPrinter::count(totals.errors);
    return u"%1 (%2%)"_s.arg(KeyPrinter::count(totals.errors))
        .arg(totals.errorRate() * 100.0, 0, 'f', 2);
}

QStringList totalsCells(const UsageTotals& totals)
{
    return {KeyPrinter::count(totals.requests), KeyPrinter::count(totals.errors),
            KeyPrinter::count(totals.promptTokens), KeyPrinter::count(totals.completionTokens),
            UsdAmount::display(totals.costMicros)};
}

QString groupHeader(UsageFlags::Grouping grouping)
{
    switch (grouping) {
    case UsageFlags::Grouping::Hour:
        return u"HOUR"_s;
    case UsageFlags::Grouping::Day:
        return u"DAY"_s;
    case UsageFlags::Grouping::Key:
        return u"KEY"_s;
    case UsageFlags::Grouping::Model:
        return u"MODEL"_s;
    case UsageFlags::Grouping::None:
        break;
    }
    return u"GROUP"_s;
}
} // namespace

QString UsagePrinter::keyText(const QString& id, const Labels& labels)
{
    return labels.value(id, id);
}

QString UsagePrinter::summary(const UsageTotals& totals, qint64 fromMs, qint64 toMs,
                              const QString& scope)
{
    const QList<std::pair<QString, QString>> rows = {
        {u"Range"_s, rangeText(fromMs, toMs)},
        {u"Keys"_s, KeyPrinter::printable(scope)},
        {u"Requests"_s, KeyPrinter::count(totals.requests)},
        {u"Errors"_s, errorsText(totals)},
        {u"Prompt tokens"_s, KeyPrinter::count(totals.promptTokens)},
        {u"Completion tokens"_s, KeyPrinter::count(totals.completionTokens)},
        {u"Cost"_s, UsdAmount::display(totals.costMicros)},
    };
    QString text;
    for (const auto& [name, value] : rows)
        text += (name + u':').leftJustified(19) + value + u'\n';
    return text;
}

QString UsagePrinter::groupTable(const QList<UsageGroupRow>& rows, UsageFlags::Grouping grouping,
                                 qint64 fromMs, qint64 toMs, const QString& scope,
                                 const Labels& labels)
{
    const bool byKey = grouping == UsageFlags::Grouping::Key;
    QStringList headers{groupHeader(grouping)};
    if (byKey)
        headers << u"ID"_s;
    const qsizetype firstNumber = headers.size();
    headers << QStringList{u"REQUESTS"_s, u"ERRORS"_s, u"PROMPT TOKENS"_s, u"COMPLETION TOKENS"_s,
                           u"COST"_s};
    TextTable table(headers);
    for (qsizetype c = firstNumber; c < headers.size(); ++c)
        table.alignRight(c);

    UsageTotals sum;
    for (const UsageGroupRow& row : rows) {
        QStringList cells;
        switch (grouping) {
        case UsageFlags::Grouping::Hour:
            cells << KeyPrinter::localTime(row.startMs);
            break;
        case UsageFlags::Grouping::Day:
            cells << KeyPrinter::localTime(row.startMs).left(10);
            break;
        case UsageFlags::Grouping::Key:
            cells << KeyPrinter::printable(labels.value(row.group, u"(deleted key)"_s))
                  << KeyPrinter::printable(row.group);
            break;
        case UsageFlags::Grouping::Model:
        case UsageFlags::Grouping::None:
            cells << KeyPrinter::printable(row.group);
            break;
        }
        table.addRow(cells + totalsCells(row.totals));
        sum.merge(row.totals);
    }
    QStringList total{u"TOTAL"_s};
    if (byKey)
        total << QString();
    table.addRow(total + totalsCells(sum));
    return u"Usage from %1, %2:\n\n"_s.arg(rangeText(fromMs, toMs), KeyPrinter::printable(scope)) +
           table.toString();
}

QList<UsageGroupRow> UsagePrinter::timeRows(const QList<UsageSeries::Point>& points,
                                            const QTimeZone& zone)
{
    QList<UsageGroupRow> rows;
    rows.reserve(points.size());
    for (const UsageSeries::Point& point : points) {
        const QString start =
            QDateTime::fromMSecsSinceEpoch(point.startMs, zone).toString(Qt::ISODate);
        rows << UsageGroupRow{start, point.startMs, point.totals};
    }
    return rows;
}

QString UsagePrinter::logTable(const QList<UsageEvent>& events, const Labels& labels)
{
    TextTable table({u"TIME"_s, u"KEY"_s, u"MODEL"_s, u"ENDPOINT"_s, u"STATUS"_s, u"TOKENS"_s,
                     u"COST"_s, u"LATENCY"_s, u"IP"_s, u"REQUEST_ID"_s});
    for (const int column : {4, 5, 6, 7})
        table.alignRight(column);
    for (const UsageEvent& e : events) {
        table.addRow({
            QDateTime::fromMSecsSinceEpoch(e.timeMs).toLocalTime().toString(
                u"yyyy-MM-dd HH:mm:ss"_s),
            KeyPrinter::printable(keyText(e.key, labels)),
            KeyPrinter::printable(e.model),
            KeyPrinter::printable(e.endpoint),
            QString::number(e.status),
            u"%1/%2"_s.arg(KeyPrinter::count(e.promptTokens),
                           KeyPrinter::count(e.completionTokens)),
            UsdAmount::display(e.costMicros.value_or(0)),
            u"%1 ms"_s.arg(KeyPrinter::count(e.latencyMs)),
            KeyPrinter::printable(e.clientIp),
            KeyPrinter::printable(e.requestId),
        });
    }
    return table.toString();
}

QByteArray UsagePrinter::exportLine(const UsageEvent& event, UsageCodec::Format format,
                                    const Labels& labels)
{
    const QString key = keyText(event.key, labels);
    return format == UsageCodec::Format::Csv ? UsageCodec::toCsvLine(event, key)
                                             : UsageCodec::toJsonLine(event, key);
}

QString UsagePrinter::importSummary(const UsageImportReport& report, const QString& file)
{
    return u"Imported %1 events (%2 duplicates skipped, %3 bad lines skipped) from %4\n"_s.arg(
        KeyPrinter::count(report.imported), KeyPrinter::count(report.duplicates),
        KeyPrinter::count(report.skipped), KeyPrinter::printable(file));
}
