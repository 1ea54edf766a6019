#pragma once

#include <QStringList>

// A plain-text table with columns separated by two spaces, for terminals. Columns are
// left-aligned unless marked right-aligned (numbers).
class TextTable final
{
public:
    explicit TextTable(QStringList headers);

    void alignRight(qsizetype column);
    void addRow(QStringList cells);
    // One line per row, header first; no trailing spaces.
    QString toString() const;

private:
    QStringList m_headers;
    QList<QStringList> m_rows;
    QList<qsizetype> m_rightAligned;
};
