#pragma once

#include <QWidget>

// The title and one-line explanation at the top of every page, so the pages look alike.
class PageHeading final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PageHeading)

public:
    explicit PageHeading(const QString& title, const QString& explanation = {},
                         QWidget* parent = nullptr);
};
