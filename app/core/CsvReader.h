#pragma once

#include <QStringList>

class QIODevice;

// Streaming RFC 4180 reader: quoted fields, doubled quotes, line breaks inside quotes, CRLF or
// LF. Reads one record at a time, so memory does not grow with the file.
class CsvReader final
{
public:
    explicit CsvReader(QIODevice& device)
        : m_device(device)
    {}

    enum class Result
    {
        Record,
        End,
        Error
    };
    Result readRecord(QStringList* fields, QString* error);
    // The physical line the last record started on (1-based).
    qint64 recordLine() const { return m_recordLine; }

private:
    QIODevice& m_device;
    qint64 m_nextLine = 1;
    qint64 m_recordLine = 0;
};
