#pragma once

#include <QColor>
#include <QHash>
#include <QIcon>

// Small filled circles, one per colour, for status and severity columns: drawn once, at twice
// the size for high-density screens, and kept.
class DotIcons final
{
public:
    QIcon of(const QColor& color) const;

private:
    mutable QHash<QRgb, QIcon> m_icons;
};
