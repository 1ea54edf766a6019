#pragma once

#include "ApiKeyRecord.h"
#include "DotIcons.h"
#include "KeyUsage.h"
#include "SecretIndex.h"
#include "WorkspaceSettings.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QFont>
#include <QHash>
#include <QIcon>
#include <functional>

class Clock;

// The keys of a store as table rows. Built for 100k rows: display text is made only for the
// rows a view asks for; search text, id lookup and sort keys are plain data per row.
class KeyTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyTableModel)

public:
    enum Column
    {
        Label,
        Key,
        Environment,
        Type,
        Status,
        Permissions,
        Created,
        LastUsed,
        Expires,
        QuotaUsed,
        QuotaRemaining,
        // Hidden until the column chooser shows them.
        Tier,
        MonthSpend,
        Caps,
        Owner,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role
    {
        // Sortable value: QString for text columns, qint64 for times (UTC ms) and money
        // (micro-USD), int for enums and permission flags. "Never used" is -1; "never expires"
        // and "unlimited" are the largest qint64, so they sort after every real value.
        RawValueRole = Qt::UserRole + 1,
        KeyIdRole,
        // QuotaUsed: how much of the quota is used, 0.0-1.0 (invalid for an unlimited key), for
        // the bar under the amount.
        QuotaFractionRole,
        // Key: SecretIndex::Presence as int, whether the secret is in this computer's keychain.
        SecretPresenceRole,
    };
    using SecretPresence = std::function<SecretIndex::Presence(const ApiKeyRecord&)>;
    // Shown unless the user chooses otherwise.
    static bool isShownByDefault(int column);

    // Records with what the model derives from them. prepare() touches no QObject, so a
    // 100k-row reload can do this work on a worker thread instead of stalling the window.
    struct Rows
    {
        QList<ApiKeyRecord> records;
        QList<QString> searchText;
        QHash<QString, int> rowById;
        QHash<QString, int> environmentCounts;
    };
    static Rows prepare(QList<ApiKeyRecord> records);

    explicit KeyTableModel(const Clock& clock, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Moves rows in place (insert/remove/dataChanged) when the change is small, so selection
    // and scroll position survive; otherwise resets the model and returns true.
    bool setRecords(Rows rows);
    bool setRecords(QList<ApiKeyRecord> records) { return setRecords(prepare(std::move(records))); }
    // Shows a record the store just returned without waiting for the next full reload.
    void upsertRecord(const ApiKeyRecord& record);
    void removeRecord(const QString& id);
    // Refreshes what usage derives (last used, quota, spend) in place: one dataChanged over the
    // rows and columns that changed, no reset. Unknown ids are ignored (the next reload adds
    // them). Returns how many rows changed.
    int applyUsage(const QList<KeyUsage>& usage);

    const ApiKeyRecord& record(int row) const { return m_records.at(row); }
    const QList<ApiKeyRecord>& records() const { return m_records; }
    int rowForId(const QString& id) const { return m_rowById.value(id, -1); }
    bool isLoaded() const { return m_loaded; }
    // Sorted, distinct.
    const QStringList& environments() const { return m_environments; }

    // Helpers for KeyFilterProxyModel: cheap enough to call for every row.
    // Case-folded label, hint, environment, id and models.
    const QString& searchTextAt(int row) const { return m_searchText.at(row); }
    const QList<QString>& searchTexts() const { return m_searchText; }
    // By the column's raw value; ties by creation time. Touches no model, so it runs on workers.
    static bool lessThan(const ApiKeyRecord& a, const ApiKeyRecord& b, int column, qint64 nowUtcMs);
    qint64 nowUtcMs() const;

    // Keys whose expiry passed since the last call (or load) change status without any store
    // change; this repaints and refilters just those rows.
    void refreshTimeDependentColumns();

    // From the workspace settings: keys expiring within expiryWarningDays show "in N days" in
    // amber under Expires; live keys older than rotationPeriodDays (and not yet rotated) say
    // "rotation due" beside their status.
    void setLifecycleThresholds(int expiryWarningDays, int rotationPeriodDays);
    // Whole days left when the key is flagged as expiring soon.
    std::optional<qint64> expiringSoonDays(const ApiKeyRecord& record, qint64 nowUtcMs) const;
    bool isRotationDue(const ApiKeyRecord& record, qint64 nowUtcMs) const;
    // Rotated, and not yet revoked (nor expired): the old key still works until step 3.
    static bool isRotationPending(const ApiKeyRecord& record, qint64 nowUtcMs);

    static QString statusText(KeyStatus status);
    // "$5.00/day · $50.00/month", "None".
    static QString capsText(const KeySpec& spec);
    static QString formatLocalTime(qint64 utcMs);

    // Where the Key column learns whose secret this computer holds (none: nobody knows).
    void setSecretPresence(SecretPresence presence);
    // Repaints the Key column after the answers changed.
    void secretPresenceChanged();
    SecretIndex::Presence secretPresence(const ApiKeyRecord& record) const;
    // Why a key's secret cannot be copied here.
    static QString secretNotHereText();

Q_SIGNALS:
    void environmentsChanged();

private:
    QVariant displayText(const ApiKeyRecord& record, int column) const;
    QVariant rawValue(const ApiKeyRecord& record, int column) const;
    QVariant toolTip(const ApiKeyRecord& record, int column) const;
    // For rotation links: the label of another row, or the id when that key is not listed.
    QString labelOf(const QString& id) const;
    QVariant foreground(const ApiKeyRecord& record, int column) const;
    // The status column's colour: the status's own, or what the key's limits make it.
    QColor statusColorOf(const ApiKeyRecord& record, qint64 now) const;
    // An active key's limits: each reached one with what requests get and until when, then
    // how far the others are used.
    static QString limitsToolTip(const ApiKeyRecord& record, qint64 now);
    // Changes when a flag appears, goes or its day count moves: rows to repaint as time passes.
    qint64 flagState(const ApiKeyRecord& record, qint64 nowUtcMs) const;
    void resetTo(Rows rows);
    bool applyIncrementally(Rows& rows);
    void rebuildIndex();
    void countEnvironment(const QString& environment, int delta);
    void updateEnvironments();
    static QString searchTextFor(const ApiKeyRecord& record);

    const Clock& m_clock;
    QList<ApiKeyRecord> m_records;
    QList<QString> m_searchText;
    QHash<QString, int> m_rowById;
    QHash<QString, int> m_environmentCounts;
    QStringList m_environments;
    bool m_loaded = false;
    qint64 m_statusCheckedAtMs = 0;
    int m_expiryWarningDays = WorkspaceSettings().expiryWarningDays;
    int m_rotationPeriodDays = WorkspaceSettings().rotationPeriodDays;
    QFont m_monospace;
    SecretPresence m_secretPresence;
    QIcon m_secretHereIcon;
    DotIcons m_dots;
};
