#include "TestSupport.h"

#include "UtcTime.h"

#include <QFile>
#include <atomic>
#include <sys/stat.h>

QString TestSupport::uniqueLabel(const QString& stem)
{
    static std::atomic<int> counter{0};
    return stem + QLatin1Char('-') + QString::number(++counter);
}

QByteArray TestSupport::readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

bool TestSupport::writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(bytes) == bytes.size();
}

int TestSupport::unixMode(const QString& path)
{
    struct stat st
    {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

qint64 TestSupport::at(const char* rfc3339)
{
    const auto ms = UtcTime::parseRfc3339(QString::fromLatin1(rfc3339));
    if (!ms)
        qFatal("not an RFC 3339 time: %s", rfc3339);
    return *ms;
}
