#include "CheckListFilter.h"

#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QVBoxLayout>
#include <QWidgetAction>

using namespace Qt::StringLiterals;

namespace {
constexpr int IdRole = Qt::UserRole + 1;
constexpr int SearchableFrom = 9;
constexpr int MaxVisibleRows = 16;
constexpr int MaxButtonTextChars = 24;
constexpr int PopupWidth = 300;
} // namespace

CheckListFilter::CheckListFilter(const QString& allText, const QString& plural, QWidget* parent)
    : QPushButton(parent)
    , m_allText(allText)
    , m_plural(plural)
{

    auto* menu = new QMenu(this);
    auto* panel = new QWidget(menu);
    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(6);
    m_search = new QLineEdit(panel);
    m_search->setObjectName(u"filterSearch"_s);
    m_search->setPlaceholderText(u"Search…"_s);
    m_search->setClearButtonEnabled(true);
    m_list = new QListWidget(panel);
    m_list->setObjectName(u"filterList"_s);
    m_list->setFixedWidth(PopupWidth);
    m_list->setUniformItemSizes(true);
    m_list->setSelectionMode(QAbstractItemView::NoSelection);
    m_list->setFrameShape(QFrame::NoFrame);
    layout->addWidget(m_search);
    layout->addWidget(m_list);
    auto* action = new QWidgetAction(menu);
    action->setDefaultWidget(panel);
    menu->addAction(action);
    setMenu(menu);

    connect(menu, &QMenu::aboutToShow, this, [this] {
        m_search->clear();
        m_search->setVisible(m_items.size() >= SearchableFrom);
        const int rows = qMin(int(m_list->count()), MaxVisibleRows);
        m_list->setFixedHeight(qMax(1, rows) * m_list->sizeHintForRow(0) +
                               2 * m_list->frameWidth());
        if (m_search->isVisible())
            m_search->setFocus();
    });
    connect(m_search, &QLineEdit::textChanged, this, &CheckListFilter::applySearch);
    // A click on the text toggles too, not only a click on the box; the box toggles by itself,
    // so compare with the state when the button went down.
    connect(m_list, &QListWidget::itemPressed, this,
            [this](QListWidgetItem* item) { m_pressedState = item->checkState(); });
    connect(m_list, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        if (item->checkState() == m_pressedState)
            item->setCheckState(m_pressedState == Qt::Checked ? Qt::Unchecked : Qt::Checked);
    });
    connect(m_list, &QListWidget::itemChanged, this, &CheckListFilter::applyItemChange);

    rebuildList();
    updateText();
}

void CheckListFilter::setItems(const QList<Item>& items)
{
    m_items = items;
    rebuildList();
    updateText();
}

void CheckListFilter::setSelectedIds(const QStringList& ids)
{
    QStringList unique = ids;
    unique.removeDuplicates();
    if (unique == m_selected)
        return;
    m_selected = unique;
    syncChecks();
    updateText();
    Q_EMIT selectionChanged();
}

void CheckListFilter::rebuildList()
{
    const QSignalBlocker blocker(m_list);
    m_list->clear();
    // Rows a little taller than the text: easier to hit than the default dense list.
    const QSize rowSize(0, m_list->fontMetrics().height() + 8);
    auto* all = new QListWidgetItem(m_allText, m_list);
    all->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
    all->setSizeHint(rowSize);
    QFont bold = all->font();
    bold.setWeight(QFont::DemiBold);
    all->setFont(bold);
    for (const Item& entry : std::as_const(m_items)) {
        auto* item = new QListWidgetItem(entry.text, m_list);
        item->setData(IdRole, entry.id);
        item->setToolTip(entry.text == entry.id ? QString() : entry.id);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setSizeHint(rowSize);
    }
    syncChecks();
    applySearch(m_search->text());
}

void CheckListFilter::syncChecks()
{
    const QSignalBlocker blocker(m_list);
    m_list->item(0)->setCheckState(m_selected.isEmpty() ? Qt::Checked : Qt::Unchecked);
    for (int row = 1; row < m_list->count(); ++row) {
        QListWidgetItem* item = m_list->item(row);
        item->setCheckState(m_selected.contains(item->data(IdRole).toString()) ? Qt::Checked
                                                                               : Qt::Unchecked);
    }
}

void CheckListFilter::applyItemChange(QListWidgetItem* item)
{
    QStringList selected = m_selected;
    if (m_list->row(item) == 0) {
        // "All" cannot be unticked into "nothing": it is what an empty selection means.
        if (item->checkState() == Qt::Checked)
            selected.clear();
    } else {
        const QString id = item->data(IdRole).toString();
        if (item->checkState() == Qt::Checked)
            selected.append(id);
        else
            selected.removeAll(id);
    }
    if (selected == m_selected) {
        syncChecks();
        return;
    }
    setSelectedIds(selected);
}

void CheckListFilter::applySearch(const QString& text)
{
    const QString needle = text.trimmed();
    for (int row = 1; row < m_list->count(); ++row) {
        QListWidgetItem* item = m_list->item(row);
        item->setHidden(!needle.isEmpty() && !item->text().contains(needle, Qt::CaseInsensitive));
    }
}

void CheckListFilter::updateText()
{
    QStringList names;
    for (const QString& id : std::as_const(m_selected)) {
        const auto it = std::find_if(m_items.cbegin(), m_items.cend(),
                                     [&id](const Item& entry) { return entry.id == id; });
        names << (it == m_items.cend() ? id : it->text);
    }
    QString text = m_allText;
    if (names.size() == 1)
        text = names.constFirst().size() > MaxButtonTextChars
                   ? names.constFirst().left(MaxButtonTextChars - 1) + u'…'
                   : names.constFirst();
    else if (names.size() > 1)
        text = u"%1 %2"_s.arg(names.size()).arg(m_plural);
    setText(text);
    setToolTip(names.isEmpty() ? m_allText : names.join(u'\n'));
}
