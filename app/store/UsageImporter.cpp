#include "UsageImporter.h"

#include "ApiKeyFormat.h"
#include "CsvReader.h"
#include "SqliteSession.h"
#include "StoreError.h"
#include "UsageWriter.h"

#include <QDir>
#include <QFile>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 ProgressEveryLines = 4096;
constexpr QByteArrayView Utf8Bom = "\xEF\xBB\xBF";
} // namespace

UsageImporter::UsageImporter(const SqliteSession& session, UsageWriter& writer, Progress progress)
    : m_session(session)
    , m_writer(writer)
    , m_progress(std::move(progress))
    , m_keyById(session.prepare(u"SELECT id FROM keys WHERE id = ?"_s))
    , m_keyByLabel(session.prepare(u"SELECT id FROM keys WHERE label = ?"_s))
{}

UsageImportReport UsageImporter::run(QFile& file, const UsageImportOptions& options)
{
    m_report = {};
    m_skipBadLines = options.skipBadLines;
    m_path = QDir::toNativeSeparators(file.fileName());
    const UsageCodec::Format format =
        options.format.value_or(UsageCodec::formatForPath(file.fileName()));
    if (format == UsageCodec::Format::Csv)
        readCsv(file);
    else
        readJsonLines(file);
    m_writer.finish();
    return m_report;
}

void UsageImporter::readJsonLines(QFile& file)
{
    // One buffer for every line: reading allocates nothing per line.
    QByteArray buffer(MaxLineBytes + 1, Qt::Uninitialized);
    for (qint64 lineNumber = 1; !file.atEnd(); ++lineNumber) {
        const qint64 length = file.readLine(buffer.data(), buffer.size());
        if (length < 0)
            m_session.fail(u"Could not read the usage file %1"_s.arg(m_path), file.errorString());
        QByteArrayView line(buffer.constData(), length);
        if (length == buffer.size() - 1 && !line.endsWith('\n') && !file.atEnd()) {
            // Past the rest of the overlong line, a buffer at a time.
            while (file.readLine(buffer.data(), buffer.size()) == buffer.size() - 1 &&
                   buffer.at(buffer.size() - 2) != '\n') {
            }
            ++m_report.linesRead;
            reject(lineNumber, {u"line"_s, u"is longer than %1 bytes"_s.arg(MaxLineBytes)});
            continue;
        }
        if (lineNumber == 1 && line.startsWith(Utf8Bom))
            line = line.sliced(Utf8Bom.size());
        line = line.trimmed();
        if (line.isEmpty())
            continue;
        FieldError error;
        take(UsageCodec::fromJsonLine(line, &error), lineNumber, error);
        if (m_report.linesRead % ProgressEveryLines == 0)
            reportProgress(file);
    }
}

void UsageImporter::readCsv(QFile& file)
{
    CsvReader reader(file);
    QStringList fields;
    QString why;
    CsvReader::Result result = reader.readRecord(&fields, &why);
    if (result == CsvReader::Result::End)
        return;
    if (result == CsvReader::Result::Error)
        failAt(reader.recordLine(), {u"header"_s, why});
    if (!fields.isEmpty() && fields.first().startsWith(QChar(0xFEFF)))
        fields.first().remove(0, 1);
    FieldError error;
    const auto header = UsageCodec::csvHeader(fields, &error);
    if (!header)
        failAt(reader.recordLine(), error);

    while ((result = reader.readRecord(&fields, &why)) != CsvReader::Result::End) {
        if (result == CsvReader::Result::Error) {
            ++m_report.linesRead;
            reject(reader.recordLine(), {u"line"_s, why});
            continue;
        }
        if (fields.size() == 1 && fields.first().isEmpty())
            continue;
        take(UsageCodec::fromCsvRecord(fields, *header, &error), reader.recordLine(), error);
        if (m_report.linesRead % ProgressEveryLines == 0)
            reportProgress(file);
    }
}

void UsageImporter::take(std::optional<UsageEvent> event, qint64 line, const FieldError& error)
{
    ++m_report.linesRead;
    if (!event) {
        reject(line, error);
        return;
    }
    const std::optional<QString> keyId = keyIdFor(event->key);
    if (!keyId) {
        reject(line, {u"key"_s, u"there is no key with the id or label \"%1\""_s.arg(
                                    ApiKeyFormat::redacted(event->key))});
        return;
    }
    event->key = *keyId;
    if (m_writer.add(std::move(*event)))
        ++m_report.imported;
    else
        ++m_report.duplicates;
}

void UsageImporter::reject(qint64 line, const FieldError& error)
{
    if (!m_skipBadLines)
        failAt(line, error);
    ++m_report.skipped;
    if (m_report.errors.size() < UsageImportReport::MaxReportedErrors)
        m_report.errors << UsageImportReport::LineError{line, error};
}

void UsageImporter::failAt(qint64 line, const FieldError& error) const
{
    throw StoreError(
        StoreError::Code::Invalid,
        u"Could not import %1: line %2 is not valid, so nothing was imported."_s.arg(m_path).arg(
            line),
        {FieldError{u"line %1: %2"_s.arg(line).arg(error.field), error.message}});
}

std::optional<QString> UsageImporter::keyIdFor(const QString& idOrLabel)
{
    const auto cached = m_keyIds.constFind(idOrLabel);
    if (cached != m_keyIds.cend())
        return *cached;
    for (QSqlQuery* lookup : {&m_keyById, &m_keyByLabel}) {
        lookup->bindValue(0, idOrLabel);
        m_session.run(*lookup);
        if (lookup->next()) {
            const QString id = lookup->value(0).toString();
            lookup->finish();
            m_keyIds.insert(idOrLabel, id);
            return id;
        }
    }
    return std::nullopt;
}

void UsageImporter::reportProgress(const QFile& file) const
{
    if (m_progress && !m_progress(file.pos(), m_report.linesRead)) {
        throw StoreError(StoreError::Code::Unavailable,
                         u"The import of %1 was cancelled; nothing was imported."_s.arg(m_path));
    }
}
