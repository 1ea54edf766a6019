#include "CsvReader.h"

#include <QIODevice>

using namespace Qt::StringLiterals;

bool CsvReader::nextLine(Line* line)
{
    if (!m_pending.isEmpty()) {
        *line = m_pending.takeFirst();
        return true;
    }
    // readLine(n) returns at most n - 1 bytes: one more than the limit tells an overlong line.
    line->bytes = m_device.readLine(m_maxRecordBytes + 2);
    if (line->bytes.isEmpty())
        return false;
    line->number = m_nextLine++;
    line->overlong = line->bytes.size() > m_maxRecordBytes;
    if (line->overlong) {
        // Past the rest of it a chunk at a time: it is bad whatever it holds.
        bool ended = line->bytes.endsWith('\n');
        line->bytes.truncate(m_maxRecordBytes);
        while (!ended) {
            const QByteArray rest = m_device.readLine(m_maxRecordBytes + 2);
            ended = rest.isEmpty() || rest.endsWith('\n');
        }
    }
    return true;
}

CsvReader::Result CsvReader::readRecord(QStringList* fields, QString* error)
{
    fields->clear();
    QList<Line> lines(1);
    if (!nextLine(&lines.first()))
        return Result::End;
    m_recordLine = lines.first().number;
    qint64 bytes = lines.first().bytes.size();
    State state;
    for (;;) {
        Result result = Result::Error;
        bool needsMore = false;
        if (lines.constLast().overlong)
            *error = u"is longer than %1 bytes"_s.arg(m_maxRecordBytes);
        else if (!lines.constLast().bytes.isValidUtf8())
            *error = u"is not valid UTF-8"_s;
        else
            result = parseLine(lines.constLast(), &state, error, &needsMore);
        if (result == Result::Record) {
            *fields = std::move(state.fields);
            return result;
        }
        if (needsMore) {
            Line more;
            if (!nextLine(&more)) {
                *error = u"a quoted field is not closed before the end of the file (a stray "
                         u"quote?)"_s;
            } else if (bytes + more.bytes.size() > m_maxRecordBytes || more.overlong) {
                lines << more;
                *error = u"a quoted field is not closed within %1 bytes (a stray quote?)"_s.arg(
                    m_maxRecordBytes);
            } else {
                bytes += more.bytes.size();
                lines << more;
                continue;
            }
        }
        // Resynchronise: what followed the bad record's first line is read again.
        m_pending = lines.mid(1) + m_pending;
        return Result::Error;
    }
}

CsvReader::Result CsvReader::parseLine(const Line& physical, State* state, QString* error,
                                       bool* needsMore)
{
    const QString line = QString::fromUtf8(physical.bytes);
    QString& field = state->field;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (state->quoted) {
            if (c == u'"') {
                if (i + 1 < line.size() && line[i + 1] == u'"') {
                    field += u'"';
                    ++i;
                } else {
                    state->quoted = false;
                }
            } else {
                field += c;
            }
            continue;
        }
        if (c == u',') {
            state->fields << field;
            field.clear();
            state->fieldWasQuoted = false;
        } else if (c == u'"') {
            if (!field.isEmpty() || state->fieldWasQuoted) {
                *error = u"a quote appears inside an unquoted field"_s;
                return Result::Error;
            }
            state->quoted = true;
            state->fieldWasQuoted = true;
        } else if (c == u'\n' || c == u'\r') {
            if (c == u'\r' && i + 1 < line.size() && line[i + 1] != u'\n') {
                *error = u"a bare carriage return outside quotes"_s;
                return Result::Error;
            }
        } else {
            if (state->fieldWasQuoted) {
                *error = u"text follows a closing quote"_s;
                return Result::Error;
            }
            field += c;
        }
    }
    if (state->quoted) {
        *needsMore = true;
        return Result::Error;
    }
    state->fields << field;
    return Result::Record;
}
