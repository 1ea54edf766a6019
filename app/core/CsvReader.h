#pragma once

#include <QByteArray>
#include <QList>
#include <QStringList>

class QIODevice;

// Streaming RFC 4180 reader: quoted fields, doubled quotes, line breaks inside quotes, CRLF or
// LF. Reads one record at a time, and a record is bounded (maxRecordBytes), so memory stays
// flat however the file is made. After a bad record the next one starts on the physical line
// after the bad record's first line: one stray quote costs one line, not the rest of the file.
class CsvReader final
{
public:
    static constexpr qint64 DefaultMaxRecordBytes = 64 * 1024;

    explicit CsvReader(QIODevice& device, qint64 maxRecordBytes = DefaultMaxRecordBytes)
        : m_device(device)
        , m_maxRecordBytes(maxRecordBytes)
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
    struct Line
    {
        QByteArray bytes;
        qint64 number = 0;
        bool overlong = false; // longer than maxRecordBytes: bytes holds only its start
    };
    // Where a record's parse stands between its physical lines.
    struct State
    {
        QStringList fields;
        QString field;
        bool quoted = false;
        bool fieldWasQuoted = false;
    };
    // The next physical line, from the lines given back after a bad record or from the device.
    bool nextLine(Line* line);
    // Parses one more physical line of the record: each byte is read once, however many lines a
    // quoted field spans. Record when the record ends with this line; Error with *needsMore
    // when a quoted field runs on into the next one.
    static Result parseLine(const Line& line, State* state, QString* error, bool* needsMore);

    QIODevice& m_device;
    qint64 m_maxRecordBytes;
    qint64 m_nextLine = 1;
    qint64 m_recordLine = 0;
    // Lines read past a bad record's first line, to be read again.
    QList<Line> m_pending;
};
