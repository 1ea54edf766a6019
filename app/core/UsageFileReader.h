#pragma once

#include "FieldError.h"
#include "UsageCodec.h"

#include <functional>
#include <optional>

class QIODevice;

// Reads a usage file (JSON Lines or CSV) line by line into events, checking each with
// UsageCodec: one line in memory at a time, a line (or CSV record) at most MaxLineBytes long.
// Blank lines are skipped; line numbers are physical lines, as an editor shows them. Knows
// nothing of stores or keys (event.key is the file's text), so it can run on a thread of its own
// beside the writer.
class UsageFileReader final
{
public:
    static constexpr qint64 MaxLineBytes = 64 * 1024;

    struct Line
    {
        qint64 number = 0;
        std::optional<UsageEvent> event; // nullopt: error says why
        FieldError error;
        // The CSV header is unusable: nothing after it can be read.
        bool fatal = false;
    };
    // Return false to stop reading.
    using Sink = std::function<bool(Line&& line)>;

    // False with *error when the device cannot be read.
    static bool read(QIODevice& device, UsageCodec::Format format, const Sink& sink,
                     QString* error);

private:
    static bool readJsonLines(QIODevice& device, const Sink& sink, QString* error);
    static bool readCsv(QIODevice& device, const Sink& sink);
};
