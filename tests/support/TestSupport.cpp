#include "TestSupport.h"

#include <atomic>

QString TestSupport::uniqueLabel(const QString& stem)
{
    static std::atomic<int> counter{0};
    return stem + QLatin1Char('-') + QString::number(++counter);
}
