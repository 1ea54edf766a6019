// One line of a JSON Lines usage log. An event read writes back to a line that reads the same.
#include "FuzzCheck.h"
#include "UsageCodec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    FieldError error;
    const auto event = UsageCodec::fromJsonLine(
        QByteArrayView(reinterpret_cast<const char*>(data), qsizetype(size)), &error);
    if (!event) {
        FUZZ_CHECK(!error.field.isEmpty());
        return 0;
    }
    FieldError again;
    const auto reread =
        UsageCodec::fromJsonLine(UsageCodec::toJsonLine(*event, event->key), &again);
    FUZZ_CHECK(reread && *reread == *event);
    return 0;
}
