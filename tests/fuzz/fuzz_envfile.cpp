// A .env file as found on disk, edited the way KeyDeck exports a key: the first bytes of the
// input are the variable's value, the rest is the file. Setting a variable twice changes
// nothing the second time; a file that assigned it keeps as many assignments (each replaced
// where it stands), one that did not gains one.
#include "EnvFile.h"
#include "FuzzCheck.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const size_t valueSize = size > 0 ? qMin<size_t>(data[0], size - 1) : 0;
    const QString value = FuzzInput::text(data + (size > 0 ? 1 : 0), valueSize);
    const QByteArray bytes = size > valueSize + 1
                                 ? FuzzInput::bytes(data + 1 + valueSize, size - 1 - valueSize)
                                 : QByteArray();
    EnvFile file(bytes);
    const qsizetype assigned = file.linesAssigning(QStringLiteral("OPENAI_API_KEY")).size();
    const QList<EnvFile::Variable> variables{{QStringLiteral("OPENAI_API_KEY"), value}};
    if (!file.set(variables).isEmpty()) {
        FUZZ_CHECK(file.bytes() == bytes);
        return 0;
    }
    const QByteArray once = file.bytes();
    FUZZ_CHECK(file.set(variables).isEmpty());
    FUZZ_CHECK(file.bytes() == once);
    FUZZ_CHECK(file.linesAssigning(QStringLiteral("OPENAI_API_KEY")).size() ==
               qMax<qsizetype>(1, assigned));
    FUZZ_CHECK(EnvFile(once).bytes() == once);
    return 0;
}
