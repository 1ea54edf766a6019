#include "DotIcons.h"

#include <QPainter>
#include <QPixmap>

QIcon DotIcons::of(const QColor& color) const
{
    const auto cached = m_icons.constFind(color.rgba());
    if (cached != m_icons.cend())
        return *cached;
    constexpr int Size = 16;
    constexpr qreal Ratio = 2.0;
    QPixmap pixmap(int(Size * Ratio), int(Size * Ratio));
    pixmap.setDevicePixelRatio(Ratio);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    painter.drawEllipse(QRectF(4, 4, 8, 8));
    painter.end();
    const QIcon icon(pixmap);
    m_icons.insert(color.rgba(), icon);
    return icon;
}
