#include "UsageFileReader.h"

#include "CsvReader.h"

#include <QIODevice>

using namespace Qt::StringLiterals;

namespace {
constexpr QByteArrayView Utf8Bom = "\xEF\xBB\xBF";
} // namespace

bool UsageFileReader::read(QIODevice& device, UsageCodec::Format format, const Sink& sink,
                           QString* error)
{
    if (format == UsageCodec::Format::Csv)
        return readCsv(device, sink);
    return readJsonLines(device, sink, error);
}

bool UsageFileReader::readJsonLines(QIODevice& device, const Sink& sink, QString* error)
{
    // One buffer for every line: reading allocates nothing per line.
    QByteArray buffer(MaxLineBytes + 1, Qt::Uninitialized);
    // Until a read gives nothing: atEnd() of a pipe or an upload says nothing of what is to come.
    for (qint64 number = 1;; ++number) {
        const qint64 length = device.readLine(buffer.data(), buffer.size());
        if (length == 0)
            break;
        if (length < 0) {
            if (device.atEnd())
                break;
            *error = device.errorString();
            return false;
        }
        QByteArrayView text(buffer.constData(), length);
        Line line;
        line.number = number;
        if (length == buffer.size() - 1 && !text.endsWith('\n') && !device.atEnd()) {
            // Past the rest of the overlong line, a buffer at a time.
            while (device.readLine(buffer.data(), buffer.size()) == buffer.size() - 1 &&
                   buffer.at(buffer.size() - 2) != '\n') {
            }
            line.error = {u"line"_s, u"is longer than %1 bytes"_s.arg(MaxLineBytes)};
            if (!sink(std::move(line)))
                return true;
            continue;
        }
        if (number == 1 && text.startsWith(Utf8Bom))
            text = text.sliced(Utf8Bom.size());
        text = text.trimmed();
        if (text.isEmpty())
            continue;
        line.event = UsageCodec::fromJsonLine(text, &line.error);
        if (!sink(std::move(line)))
            return true;
    }
    return true;
}

bool UsageFileReader::readCsv(QIODevice& device, const Sink& sink)
{
    CsvReader reader(device, MaxLineBytes);
    QStringList fields;
    QString why;
    CsvReader::Result result = reader.readRecord(&fields, &why);
    if (result == CsvReader::Result::End)
        return true;
    const auto fatal = [&](const FieldError& error) {
        Line line;
        line.number = reader.recordLine();
        line.error = error;
        line.fatal = true;
        sink(std::move(line));
        return true;
    };
    if (result == CsvReader::Result::Error)
        return fatal({u"header"_s, why});
    if (!fields.isEmpty() && fields.first().startsWith(QChar(0xFEFF)))
        fields.first().remove(0, 1);
    FieldError headerError;
    const auto header = UsageCodec::csvHeader(fields, &headerError);
    if (!header)
        return fatal(headerError);

    while ((result = reader.readRecord(&fields, &why)) != CsvReader::Result::End) {
        Line line;
        line.number = reader.recordLine();
        if (result == CsvReader::Result::Error)
            line.error = {u"line"_s, why};
        else if (fields.size() == 1 && fields.first().isEmpty())
            continue;
        else
            line.event = UsageCodec::fromCsvRecord(fields, *header, &line.error);
        if (!sink(std::move(line)))
            return true;
    }
    return true;
}
