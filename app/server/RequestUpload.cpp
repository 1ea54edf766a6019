#include "RequestUpload.h"

#include <QFile>

UploadFile::UploadFile(QString path)
    : m_path(std::move(path))
{}

UploadFile::~UploadFile()
{
    QFile::remove(m_path);
}
