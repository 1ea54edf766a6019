// Money as a user types it (quota, spend caps, prices): exact, or refused with a reason.
#include "FuzzCheck.h"
#include "UsdAmount.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QString text = FuzzInput::text(data, size);
    QString error;
    if (const auto micros = UsdAmount::parse(text, &error)) {
        FUZZ_CHECK(UsdAmount::parse(UsdAmount::format(*micros)) == micros);
        UsdAmount::display(*micros);
        UsdAmount::displayCents(*micros);
    } else {
        FUZZ_CHECK(!error.isEmpty());
    }
    return 0;
}
