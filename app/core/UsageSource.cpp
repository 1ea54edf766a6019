#include "UsageSource.h"

#include <QFile>

UsageSource UsageSource::file(const QString& path)
{
    return {path, [path](QString* error) -> std::unique_ptr<QIODevice> {
                auto file = std::make_unique<QFile>(path);
                if (!file->open(QIODevice::ReadOnly)) {
                    if (error)
                        *error = file->errorString();
                    return nullptr;
                }
                return file;
            }};
}
