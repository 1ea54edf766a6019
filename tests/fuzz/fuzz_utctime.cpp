// RFC 3339 times (expiry dates, import timestamps): a time that parses prints back as itself.
#include "FuzzCheck.h"
#include "UtcTime.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QString text = FuzzInput::text(data, size);
    QString error;
    if (const auto ms = UtcTime::parseRfc3339(text, &error)) {
        FUZZ_CHECK(UtcTime::parseRfc3339(UtcTime::toRfc3339(*ms)) == ms);
    } else {
        FUZZ_CHECK(!error.isEmpty());
    }
    return 0;
}
