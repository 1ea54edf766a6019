#pragma once

#include <QStyledItemDelegate>

// The quota column as an admin reads it: the amount used, and under it a thin bar of how much of
// the quota that is (amber from 80 %, red when used up). Unlimited keys get no bar.
class QuotaBarDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QuotaBarDelegate)

public:
    explicit QuotaBarDelegate(QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
};
