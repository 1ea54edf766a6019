#pragma once

#include "KeyEnums.h"

#include <QSortFilterProxyModel>
#include <optional>

class KeyTableModel;

// Search, environment and status filters over a KeyTableModel, sorting by its raw values.
// Works on the source's plain per-row data, not on QVariants, so filtering and sorting stay
// fast at 100k rows.
class KeyFilterProxyModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyFilterProxyModel)

public:
    explicit KeyFilterProxyModel(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* model) override;

    // Case-insensitive substring of label, masked key, environment, id or an allowed model.
    // A complete, well-formed key finds the key it belongs to (by digest): "whose key is this?".
    void setSearchText(const QString& text);
    // Empty: every environment.
    void setEnvironmentFilter(const QString& environment);
    // Effective status, so Expired and Active are told apart. nullopt: every status.
    void setStatusFilter(std::optional<KeyStatus> status);

    bool isFiltering() const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    void refilter();

    KeyTableModel* m_keys = nullptr;
    QString m_searchText;
    QString m_needle;
    QByteArray m_digest;
    QString m_environment;
    std::optional<KeyStatus> m_status;
};
