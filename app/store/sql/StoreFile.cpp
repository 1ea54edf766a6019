#include "StoreFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

QString systemError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

// mkdir(2) applies the umask; chmod afterwards does not, so a new folder is 0700 for sure.
bool makeFolders(const QString& folder, QString* error)
{
    if (QFileInfo(folder).isDir())
        return true;
    const QString parent = QFileInfo(folder).path();
    if (parent != folder && !makeFolders(parent, error))
        return false;
    const QByteArray native = QFile::encodeName(folder);
    if (::mkdir(native.constData(), 0700) != 0 && errno != EEXIST) {
        *error = u"could not create the folder %1: %2"_s.arg(QDir::toNativeSeparators(folder),
                                                             systemError());
        return false;
    }
    if (::chmod(native.constData(), 0700) != 0) {
        *error = u"could not make the folder %1 private: %2"_s.arg(QDir::toNativeSeparators(folder),
                                                                   systemError());
        return false;
    }
    return true;
}

bool narrow(const QString& file, QString* error)
{
    struct stat info
    {};
    const QByteArray native = QFile::encodeName(file);
    if (::stat(native.constData(), &info) != 0 || (info.st_mode & 0777) == 0600)
        return true;
    if (::chmod(native.constData(), 0600) != 0) {
        *error = u"could not make %1 readable by its owner only: %2"_s.arg(
            QDir::toNativeSeparators(file), systemError());
        return false;
    }
    return true;
}

} // namespace

bool StoreFile::prepare(const QString& path, QString* error)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (!makeFolders(QFileInfo(absolute).absolutePath(), error))
        return false;
    const QByteArray native = QFile::encodeName(absolute);
    // O_EXCL: an existing file keeps its contents; only its mode is narrowed below.
    const int fd = ::open(native.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0)
        ::close(fd);
    else if (errno != EEXIST) {
        *error =
            u"could not create %1: %2"_s.arg(QDir::toNativeSeparators(absolute), systemError());
        return false;
    }
    for (const QString& file : {absolute, absolute + u"-wal"_s, absolute + u"-shm"_s}) {
        if (!narrow(file, error))
            return false;
    }
    return true;
}

QString StoreFile::identity(const QString& path)
{
    struct stat info
    {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return {};
    return u"%1:%2"_s.arg(quint64(info.st_dev)).arg(quint64(info.st_ino));
}
