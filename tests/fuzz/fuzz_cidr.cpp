// IP addresses and CIDR allowlists as a user types them. What parses prints back as itself.
#include "CidrBlock.h"
#include "FuzzCheck.h"
#include "IpAddress.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QString text = FuzzInput::text(data, size);
    QString error;
    if (const auto address = IpAddress::parse(text, &error)) {
        FUZZ_CHECK(IpAddress::parse(address->toString()) == address);
    } else {
        FUZZ_CHECK(!error.isEmpty());
    }
    error.clear();
    if (const auto block = CidrBlock::parse(text, &error)) {
        FUZZ_CHECK(CidrBlock::parse(block->toString()) == block);
        FUZZ_CHECK(block->prefixLength() >= 0 && block->prefixLength() <= 128);
    } else {
        FUZZ_CHECK(!error.isEmpty());
    }
    if (const auto list = CidrBlock::parseList(text)) {
        const auto again = CidrBlock::parseList(CidrBlock::joinList(*list));
        FUZZ_CHECK(again && *again == *list);
    }
    return 0;
}
