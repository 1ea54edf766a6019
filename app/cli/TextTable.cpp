#include "TextTable.h"

using namespace Qt::StringLiterals;

TextTable::TextTable(QStringList headers)
    : m_headers(std::move(headers))
{}

void TextTable::alignRight(qsizetype column)
{
    m_rightAligned << column;
}

void TextTable::addRow(QStringList cells)
{
    m_rows << std::move(cells);
}

QString TextTable::toString() const
{
    QList<qsizetype> widths(m_headers.size(), 0);
    auto measure = [&](const QStringList& cells) {
        for (qsizetype c = 0; c < widths.size(); ++c)
            widths[c] = qMax(widths[c], cells.value(c).size());
    };
    measure(m_headers);
    for (const QStringList& row : m_rows)
        measure(row);

    QString text;
    auto writeLine = [&](const QStringList& cells) {
        QString line;
        for (qsizetype c = 0; c < widths.size(); ++c) {
            if (c > 0)
                line += u"  "_s;
            line += m_rightAligned.contains(c) ? cells.value(c).rightJustified(widths[c])
                                               : cells.value(c).leftJustified(widths[c]);
        }
        while (line.endsWith(u' '))
            line.chop(1);
        text += line + u'\n';
    };
    writeLine(m_headers);
    for (const QStringList& row : m_rows)
        writeLine(row);
    return text;
}
