#pragma once

#include "UsageGroupRow.h"
#include "UsageQuery.h"
#include "UsageSeries.h"

#include <QFuture>
#include <QHash>
#include <QTimer>
#include <QWidget>
#include <optional>

class CheckListFilter;
class Clock;
class KeyStore;
class QAction;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QStackedWidget;
class QTableView;
class SummaryCard;
class UsageBreakdownChart;
class UsageLogModel;
class UsageStore;
class UsageTimeChart;

// Usage: what every key spent, when, on which model. Summary cards against the previous range,
// charts from the store's roll-ups, and the log behind them, all under one set of filters.
// Live: usage changes (an import, another process, the server) re-query within a moment while
// the page is shown. Every store call is a future; nothing here waits on one.
class UsagePage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsagePage)

public:
    enum class Range
    {
        Last24Hours,
        Last7Days,
        Last30Days,
        Last90Days,
        Custom
    };
    Q_ENUM(Range)

    // keys and usage are usually the same store object; clock gives "now" for the ranges.
    UsagePage(KeyStore& keys, UsageStore& usage, const Clock& clock, QWidget* parent = nullptr);

    // Shows only these keys (empty: every key), e.g. from a key's "Usage" context action.
    void setKeyFilter(const QStringList& keyIds);
    void setRange(Range range);
    // Re-reads everything now, for the current range and filters.
    void refresh();
    // What the page shows: range and filters as one store query.
    UsageQuery shownQuery() const { return m_shownQuery; }
    UsageLogModel* logModel() const { return m_logModel; }
    // "Import Usage Log…", for the main window's File menu.
    QAction* importAction() const { return m_importAction; }

    // What Export CSV… and Export charts as PNG… do once a file is chosen.
    QFuture<qint64> exportLogs(const QString& path);
    bool exportCharts(const QString& path, QString* error = nullptr);

Q_SIGNALS:
    void statusMessage(const QString& text, int timeoutMs);
    // Every part of a refresh (cards, charts, groups) has arrived.
    void refreshed();

protected:
    void showEvent(QShowEvent* event) override;

private:
    struct Span
    {
        qint64 fromMs = 0;
        qint64 toMs = 0;
    };

    void buildUi();
    QWidget* buildHeader();
    QWidget* buildToolbar();
    QWidget* buildDashboard();
    QWidget* buildEmptyState();
    QWidget* chartCard(const QString& title, QWidget* chart, QLabel** subtitle);

    Span currentSpan() const;
    UsageQuery currentQuery() const;
    QString periodText() const;
    void rangeChanged();
    void scheduleFilterRefresh();
    void scheduleLiveRefresh();
    void startRefresh();
    template <typename T, typename Apply>
    void track(QFuture<T> future, quint64 generation, Apply apply);
    void partDone();
    void showLoadError(const QString& text);

    void reloadKeyLabels();
    void applyTotals(const UsageTotals& totals);
    void applyDeltas();
    void applySeries(const QList<UsageSeries::Point>& points);
    void applyKeyGroups();
    void applyModelGroups();
    void applyModels(const QStringList& models);
    QString keyLabel(const QString& id) const;

    void importUsage();
    void exportLogsInteractively();
    void exportChartsInteractively();

    KeyStore& m_keys;
    UsageStore& m_usage;
    const Clock& m_clock;

    QStackedWidget* m_stack = nullptr;
    QLabel* m_loadErrorLabel = nullptr;
    QWidget* m_toolbar = nullptr;
    QComboBox* m_rangeCombo = nullptr;
    QDateTimeEdit* m_fromEdit = nullptr;
    QDateTimeEdit* m_toEdit = nullptr;
    CheckListFilter* m_keyFilter = nullptr;
    CheckListFilter* m_modelFilter = nullptr;
    QComboBox* m_statusFilter = nullptr;
    QAction* m_importAction = nullptr;
    QWidget* m_chartsArea = nullptr;
    SummaryCard* m_requestsCard = nullptr;
    SummaryCard* m_tokensCard = nullptr;
    SummaryCard* m_costCard = nullptr;
    SummaryCard* m_errorRateCard = nullptr;
    UsageTimeChart* m_requestsChart = nullptr;
    UsageTimeChart* m_tokensChart = nullptr;
    UsageTimeChart* m_costChart = nullptr;
    UsageBreakdownChart* m_costByKeyChart = nullptr;
    UsageBreakdownChart* m_costByModelChart = nullptr;
    QList<QLabel*> m_bucketLabels;
    QTableView* m_logTable = nullptr;
    QLabel* m_logCountLabel = nullptr;
    UsageLogModel* m_logModel = nullptr;

    QTimer m_filterTimer;
    QTimer m_liveTimer;
    QTimer m_clockTimer;
    UsageQuery m_shownQuery;
    UsageSeries::BucketSize m_bucket = UsageSeries::BucketSize::Day;
    // A refresh is several store calls; answers of an older one are dropped.
    quint64 m_generation = 0;
    int m_pending = 0;
    bool m_refreshAgain = false;
    bool m_stale = false;
    std::optional<UsageTotals> m_current;
    std::optional<UsageTotals> m_previous;
    QList<UsageGroupRow> m_keyGroups;
    QList<UsageGroupRow> m_modelGroups;
    QHash<QString, QString> m_keyLabels;
    bool m_loadingKeys = false;
    bool m_reloadKeysAgain = false;
};
