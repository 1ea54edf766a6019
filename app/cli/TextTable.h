#pragma once

#include <QStringList>

// A plain-text table with left-aligned columns separated by two spaces, for terminals.
class TextTable final
{
public:
    explicit TextTable(QStringList headers);

    void addRow(QStringList cells);
    // One line per row, header first; no trailing spaces.
    QString toString() const;

private:
    QStringList m_headers;
    QList<QStringList> m_rows;
};
