// A CSV usage log, read record by record as an import does, and every record decoded. Records
// that decode write back to CSV that decodes the same.
#include "CsvReader.h"
#include "FuzzCheck.h"
#include "UsageCodec.h"

#include <QBuffer>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    QByteArray bytes = FuzzInput::bytes(data, size);
    QBuffer device(&bytes);
    device.open(QIODevice::ReadOnly);
    // A small record limit, so the fuzzer reaches the overlong-record paths.
    CsvReader reader(device, 256);
    std::optional<QHash<QString, int>> header;
    qint64 lastLine = 0;
    for (int records = 0; records < 10'000; ++records) {
        QStringList fields;
        QString error;
        const CsvReader::Result result = reader.readRecord(&fields, &error);
        if (result == CsvReader::Result::End)
            break;
        FUZZ_CHECK(reader.recordLine() > lastLine);
        lastLine = reader.recordLine();
        if (result == CsvReader::Result::Error) {
            FUZZ_CHECK(!error.isEmpty());
            continue;
        }
        FieldError fieldError;
        if (!header) {
            header = UsageCodec::csvHeader(fields, &fieldError);
            if (!header)
                return 0;
            continue;
        }
        const auto event = UsageCodec::fromCsvRecord(fields, *header, &fieldError);
        if (!event)
            continue;
        QByteArray line = UsageCodec::csvHeaderLine() + UsageCodec::toCsvLine(*event, event->key);
        QBuffer written(&line);
        written.open(QIODevice::ReadOnly);
        CsvReader rereader(written);
        QStringList names;
        QStringList values;
        QString rereadError;
        FUZZ_CHECK(rereader.readRecord(&names, &rereadError) == CsvReader::Result::Record);
        FUZZ_CHECK(rereader.readRecord(&values, &rereadError) == CsvReader::Result::Record);
        FieldError again;
        const auto columns = UsageCodec::csvHeader(names, &again);
        FUZZ_CHECK(columns);
        const auto reread = UsageCodec::fromCsvRecord(values, *columns, &again);
        FUZZ_CHECK(reread && *reread == *event);
    }
    return 0;
}
