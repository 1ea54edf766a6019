#include "QuotaBarDelegate.h"

#include "KeyStanding.h"
#include "KeyTableModel.h"

#include <QPainter>

namespace {
constexpr int BarHeight = 3;
constexpr int BarMargin = 6;
const QColor NearColor(0xb2, 0x6a, 0x00);
const QColor ReachedColor(0xc6, 0x28, 0x28);
} // namespace

QuotaBarDelegate::QuotaBarDelegate(QObject* parent)
    : QStyledItemDelegate(parent)
{}

void QuotaBarDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                             const QModelIndex& index) const
{
    QStyledItemDelegate::paint(painter, option, index);
    const QVariant fraction = index.data(KeyTableModel::QuotaFractionRole);
    if (!fraction.isValid())
        return;
    const double used = fraction.toDouble();
    const QRect track(option.rect.left() + BarMargin, option.rect.bottom() - BarHeight - 1,
                      option.rect.width() - 2 * BarMargin, BarHeight);
    if (track.width() <= 0)
        return;
    const QColor fill = used >= 1.0 ? ReachedColor
                        : used * 100 >= double(KeyStanding::NearPercent)
                            ? NearColor
                            : option.palette.highlight().color();
    painter->save();
    painter->setPen(Qt::NoPen);
    painter->setBrush(option.palette.mid().color().lighter(130));
    painter->drawRect(track);
    painter->setBrush(fill);
    painter->drawRect(QRect(track.topLeft(), QSize(qMax(1, int(track.width() * used)), BarHeight)));
    painter->restore();
}
