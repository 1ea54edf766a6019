#include "CsvReader.h"

#include <QIODevice>

using namespace Qt::StringLiterals;

CsvReader::Result CsvReader::readRecord(QStringList* fields, QString* error)
{
    fields->clear();
    QByteArray raw = m_device.readLine();
    if (raw.isEmpty())
        return Result::End;
    m_recordLine = m_nextLine++;
    QString line = QString::fromUtf8(raw);
    QString field;
    bool quoted = false;
    bool fieldWasQuoted = false;
    for (qsizetype i = 0;; ++i) {
        if (i >= line.size()) {
            if (!quoted)
                break;
            raw = m_device.readLine();
            if (raw.isEmpty()) {
                *error = u"a quoted field is not closed before the end of the file"_s;
                return Result::Error;
            }
            ++m_nextLine;
            line = QString::fromUtf8(raw);
            i = -1;
            continue;
        }
        const QChar c = line[i];
        if (quoted) {
            if (c == u'"') {
                if (i + 1 < line.size() && line[i + 1] == u'"') {
                    field += u'"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
            continue;
        }
        if (c == u',') {
            *fields << field;
            field.clear();
            fieldWasQuoted = false;
        } else if (c == u'"') {
            if (!field.isEmpty() || fieldWasQuoted) {
                *error = u"a quote appears inside an unquoted field"_s;
                return Result::Error;
            }
            quoted = true;
            fieldWasQuoted = true;
        } else if (c == u'\n' || c == u'\r') {
            if (c == u'\r' && i + 1 < line.size() && line[i + 1] != u'\n') {
                *error = u"a bare carriage return outside quotes"_s;
                return Result::Error;
            }
        } else {
            if (fieldWasQuoted) {
                *error = u"text follows a closing quote"_s;
                return Result::Error;
            }
            field += c;
        }
    }
    *fields << field;
    return Result::Record;
}
