#pragma once

#include <QPushButton>

class QLineEdit;
class QListWidget;
class QListWidgetItem;

// A multi-select filter on a button that opens like a combo box: "All keys", "prod-web-app", "3
// keys". The popup has a checkable list (searchable when long) with an "All" entry on top. No
// selection means all.
class CheckListFilter final : public QPushButton
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CheckListFilter)

public:
    struct Item
    {
        QString id;
        QString text;
    };

    // allText: "All keys"; plural: "keys" as in "3 keys".
    CheckListFilter(const QString& allText, const QString& plural, QWidget* parent = nullptr);

    // Keeps the selection, including ids not (yet) in items.
    void setItems(const QList<Item>& items);
    const QList<Item>& items() const { return m_items; }
    // Empty: no filter.
    QStringList selectedIds() const { return m_selected; }
    void setSelectedIds(const QStringList& ids);
    QListWidget* list() const { return m_list; }

Q_SIGNALS:
    void selectionChanged();

private:
    void rebuildList();
    void syncChecks();
    void updateText();
    void applyItemChange(QListWidgetItem* item);
    void applySearch(const QString& text);

    QString m_allText;
    QString m_plural;
    QList<Item> m_items;
    QStringList m_selected;
    QLineEdit* m_search = nullptr;
    QListWidget* m_list = nullptr;
    Qt::CheckState m_pressedState = Qt::Unchecked;
};
