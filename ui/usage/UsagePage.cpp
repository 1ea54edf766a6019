#include "UsagePage.h"

#include "CheckListFilter.h"
#include "Clock.h"
#include "ErrorText.h"
#include "KeyStore.h"
#include "PageHeading.h"
#include "SummaryCard.h"
#include "TypeableDateTimeEdit.h"
#include "UsageBreakdownChart.h"
#include "UsageCsvExport.h"
#include "UsageImportDialog.h"
#include "UsageLogModel.h"
#include "UsageLogView.h"
#include "UsageStore.h"
#include "UsageTimeChart.h"
#include "UsdAmount.h"

#include <QAction>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPixmap>
#include <QProgressDialog>
#include <QSaveFile>
#include <QScrollArea>
#include <QScrollBar>
#include <QStackedWidget>
#include <QTableView>
#include <QTimeZone>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>
#include <functional>

using namespace Qt::StringLiterals;

namespace {
constexpr int FilterDebounceMs = 150;
// Bursts of usage (an import, a busy server) re-query at most this often.
constexpr int LiveCoalesceMs = 300;
constexpr int ClockCheckMs = 60'000;
constexpr int StatusMessageMs = 6000;
constexpr int TopGroups = 8;
constexpr int LogTableHeight = 440;
constexpr qint64 DayMs = 24 * UsageSeries::HourMs;

const QColor PromptColor(0x5b, 0x8d, 0xef);
const QColor CompletionColor(0xa0, 0x72, 0xd6);
const QColor CostColor(0x1f, 0x9d, 0x74);

double usd(qint64 micros)
{
    return double(micros) / double(UsdAmount::MicrosPerUsd);
}

QString percentText(double percent)
{
    const double magnitude = std::abs(percent);
    return QLocale().toString(magnitude, 'f', magnitude < 10 ? 1 : 0);
}

void makePrimary(QToolButton* button)
{
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setCursor(Qt::PointingHandCursor);
    button->setStyleSheet(u"QToolButton { background: #1f5fa8; color: white; font-weight: 600;"
                          " border: 1px solid #184c86; border-radius: 4px; padding: 6px 16px; }"
                          "QToolButton:hover { background: #2669b8; }"
                          "QToolButton:pressed { background: #184c86; }"_s);
}

QList<UsageBreakdownChart::Bar> topBars(const QList<UsageGroupRow>& rows,
                                        const std::function<QString(const QString&)>& label)
{
    QList<UsageBreakdownChart::Bar> bars;
    // "Other" only when it folds two or more groups; one group is shown as itself.
    const qsizetype shown = rows.size() <= TopGroups + 1 ? rows.size() : TopGroups;
    for (qsizetype i = 0; i < shown; ++i)
        bars << UsageBreakdownChart::Bar{label(rows[i].group), rows[i].totals, 0};
    if (shown < rows.size()) {
        UsageBreakdownChart::Bar other{u"Other"_s, {}, int(rows.size() - shown)};
        for (qsizetype i = shown; i < rows.size(); ++i)
            other.totals.merge(rows[i].totals);
        bars << other;
    }
    return bars;
}
} // namespace

UsagePage::UsagePage(KeyStore& keys, UsageStore& usage, const Clock& clock, QWidget* parent)
    : QWidget(parent)
    , m_keys(keys)
    , m_usage(usage)
    , m_clock(clock)
    , m_logModel(new UsageLogModel(usage, this))
{
    setObjectName(u"usagePage"_s);
    m_importAction = new QAction(u"Import Usage Log…"_s, this);
    m_importAction->setObjectName(u"actionImportUsage"_s);
    m_importAction->setToolTip(u"Add the events of a JSON Lines or CSV usage log"_s);
    connect(m_importAction, &QAction::triggered, this, &UsagePage::importUsage);
    buildUi();

    m_filterTimer.setSingleShot(true);
    m_filterTimer.setInterval(FilterDebounceMs);
    connect(&m_filterTimer, &QTimer::timeout, this, &UsagePage::startRefresh);
    m_liveTimer.setSingleShot(true);
    m_liveTimer.setInterval(LiveCoalesceMs);
    connect(&m_liveTimer, &QTimer::timeout, this, [this] {
        if (m_pending > 0)
            m_refreshAgain = true;
        else
            startRefresh();
    });
    // "Last 24 hours" slides: move on when the clock enters a new bucket.
    m_clockTimer.setInterval(ClockCheckMs);
    connect(&m_clockTimer, &QTimer::timeout, this, [this] {
        const Span span = currentSpan();
        if (span.fromMs != m_shownQuery.fromMs || span.toMs != m_shownQuery.toMs)
            scheduleLiveRefresh();
    });
    m_clockTimer.start();

    connect(&m_usage, &UsageStore::usageChanged, this, &UsagePage::scheduleLiveRefresh);
    connect(&m_keys, &KeyStore::keysChanged, this, &UsagePage::reloadKeyLabels);
    connect(m_logModel, &UsageLogModel::loadFailed, this, &UsagePage::showLoadError);

    reloadKeyLabels();
    startRefresh();
}

void UsagePage::buildUi()
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(14, 12, 14, 8);
    layout->setSpacing(10);
    layout->addWidget(buildHeader());
    layout->addWidget(buildToolbar());

    m_loadErrorLabel = new QLabel(this);
    m_loadErrorLabel->setObjectName(u"loadErrorLabel"_s);
    m_loadErrorLabel->setWordWrap(true);
    m_loadErrorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_loadErrorLabel->setStyleSheet(u"QLabel { background: #fdecea; color: #8a1c1c;"
                                    " border: 1px solid #f5c2c0; border-radius: 4px;"
                                    " padding: 6px 10px; }"_s);
    m_loadErrorLabel->hide();
    layout->addWidget(m_loadErrorLabel);

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(buildDashboard());
    m_stack->addWidget(buildEmptyState());
    layout->addWidget(m_stack, 1);
}

QWidget* UsagePage::buildHeader()
{
    const QString zone = QString::fromUtf8(QTimeZone::systemTimeZoneId());
    return new PageHeading(
        u"Usage"_s,
        u"Requests, tokens and cost of every key, from the usage log; new usage appears as it "
        "arrives. Times are shown in your time zone (%1)."_s.arg(zone),
        this);
}

QWidget* UsagePage::buildToolbar()
{
    auto* bar = new QWidget(this);
    bar->setObjectName(u"usageToolbar"_s);
    m_toolbar = bar;
    auto* layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(8);

    m_rangeCombo = new QComboBox(bar);
    m_rangeCombo->setObjectName(u"rangeCombo"_s);
    m_rangeCombo->setToolTip(u"Time range of the cards, charts and log"_s);
    m_rangeCombo->addItem(u"Last 24 hours"_s, int(Range::Last24Hours));
    m_rangeCombo->addItem(u"Last 7 days"_s, int(Range::Last7Days));
    m_rangeCombo->addItem(u"Last 30 days"_s, int(Range::Last30Days));
    m_rangeCombo->addItem(u"Last 90 days"_s, int(Range::Last90Days));
    m_rangeCombo->addItem(u"Custom…"_s, int(Range::Custom));
    m_rangeCombo->setCurrentIndex(int(Range::Last30Days));

    const auto makeEdit = [bar](const QString& objectName, const QString& toolTip) {
        auto* edit = new TypeableDateTimeEdit(bar);
        edit->setObjectName(objectName);
        edit->setToolTip(toolTip);
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(u"yyyy-MM-dd HH:mm"_s);
        edit->hide();
        // Quarter hours: the roll-ups behind cards and charts are exact on those edges.
        connect(edit, &QDateTimeEdit::editingFinished, edit, [edit] {
            QDateTime snapped = edit->dateTime();
            const QTime time = snapped.time();
            snapped.setTime(QTime(time.hour(), time.minute() / 15 * 15));
            if (snapped != edit->dateTime())
                edit->setDateTime(snapped);
        });
        return edit;
    };
    m_fromEdit = makeEdit(u"fromEdit"_s, u"From (local time, included)"_s);
    m_toEdit = makeEdit(u"toEdit"_s, u"To (local time, not included)"_s);
    auto* dash = new QLabel(u"–"_s, bar);
    dash->hide();

    m_keyFilter = new CheckListFilter(u"All keys"_s, u"keys"_s, bar);
    m_keyFilter->setObjectName(u"keyFilter"_s);
    m_modelFilter = new CheckListFilter(u"All models"_s, u"models"_s, bar);
    m_modelFilter->setObjectName(u"modelFilter"_s);

    m_statusFilter = new QComboBox(bar);
    m_statusFilter->setObjectName(u"statusFilter"_s);
    m_statusFilter->setToolTip(u"Requests by HTTP status"_s);
    m_statusFilter->addItem(u"All statuses"_s, int(UsageQuery::StatusClass::All));
    m_statusFilter->addItem(u"Successful"_s, int(UsageQuery::StatusClass::Success));
    m_statusFilter->addItem(u"Client errors 4xx"_s, int(UsageQuery::StatusClass::ClientError));
    m_statusFilter->addItem(u"Server errors 5xx"_s, int(UsageQuery::StatusClass::ServerError));
    m_statusFilter->addItem(u"All errors"_s, int(UsageQuery::StatusClass::Errors));

    const auto makeButton = [bar](const QString& objectName, const QString& text,
                                  const QString& toolTip) {
        auto* button = new QToolButton(bar);
        button->setObjectName(objectName);
        button->setText(text);
        button->setToolTip(toolTip);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        button->setAutoRaise(true);
        return button;
    };
    auto* importButton = makeButton(u"importToolbarButton"_s, QString(), QString());
    importButton->setDefaultAction(m_importAction);
    importButton->setText(u"Import…"_s);
    auto* exportLogs = makeButton(u"exportLogsButton"_s, u"Export CSV…"_s,
                                  u"Save the requests of this range and filter as CSV"_s);
    auto* exportCharts = makeButton(u"exportChartsButton"_s, u"Export charts as PNG…"_s,
                                    u"Save the cards and charts as one image"_s);

    layout->addWidget(m_rangeCombo);
    layout->addWidget(m_fromEdit);
    layout->addWidget(dash);
    layout->addWidget(m_toEdit);
    layout->addSpacing(8);
    layout->addWidget(m_keyFilter);
    layout->addWidget(m_modelFilter);
    layout->addWidget(m_statusFilter);
    layout->addStretch(1);
    layout->addWidget(importButton);
    layout->addWidget(exportLogs);
    layout->addWidget(exportCharts);

    connect(m_rangeCombo, &QComboBox::currentIndexChanged, this, [this, dash] {
        const bool custom = Range(m_rangeCombo->currentData().toInt()) == Range::Custom;
        dash->setVisible(custom);
        rangeChanged();
    });
    connect(m_fromEdit, &QDateTimeEdit::dateTimeChanged, this, [this](const QDateTime& from) {
        m_toEdit->setMinimumDateTime(from.addSecs(60));
        scheduleFilterRefresh();
    });
    connect(m_toEdit, &QDateTimeEdit::dateTimeChanged, this, &UsagePage::scheduleFilterRefresh);
    connect(m_keyFilter, &CheckListFilter::selectionChanged, this,
            &UsagePage::scheduleFilterRefresh);
    connect(m_modelFilter, &CheckListFilter::selectionChanged, this,
            &UsagePage::scheduleFilterRefresh);
    connect(m_statusFilter, &QComboBox::currentIndexChanged, this,
            &UsagePage::scheduleFilterRefresh);
    connect(exportLogs, &QToolButton::clicked, this, &UsagePage::exportLogsInteractively);
    connect(exportCharts, &QToolButton::clicked, this, &UsagePage::exportChartsInteractively);
    return bar;
}

QWidget* UsagePage::chartCard(const QString& title, QWidget* chart, QLabel** subtitle)
{
    auto* card = new QFrame(this);
    card->setObjectName(u"chartCard"_s);
    card->setStyleSheet(u"QFrame#chartCard { background: palette(base);"
                        " border: 1px solid palette(midlight); border-radius: 6px; }"_s);
    auto* layout = new QVBoxLayout(card);
    layout->setContentsMargins(12, 10, 8, 6);
    layout->setSpacing(0);
    auto* heading = new QHBoxLayout;
    heading->setSpacing(8);
    auto* titleLabel = new QLabel(title, card);
    QFont font = titleLabel->font();
    font.setWeight(QFont::DemiBold);
    titleLabel->setFont(font);
    heading->addWidget(titleLabel);
    auto* detail = new QLabel(card);
    detail->setForegroundRole(QPalette::PlaceholderText);
    heading->addWidget(detail, 1);
    if (subtitle)
        *subtitle = detail;
    layout->addLayout(heading);
    chart->setParent(card);
    layout->addWidget(chart, 1);
    return card;
}

QWidget* UsagePage::buildDashboard()
{
    auto* scroll = new QScrollArea(this);
    scroll->setObjectName(u"usageScroll"_s);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    auto* content = new QWidget(scroll);
    content->setObjectName(u"usageDashboard"_s);
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(0, 0, 4, 0);
    layout->setSpacing(12);

    m_chartsArea = new QWidget(content);
    m_chartsArea->setObjectName(u"chartsArea"_s);
    auto* chartsLayout = new QVBoxLayout(m_chartsArea);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    chartsLayout->setSpacing(12);

    auto* cards = new QHBoxLayout;
    cards->setSpacing(12);
    m_requestsCard = new SummaryCard(u"Requests"_s, m_chartsArea);
    m_requestsCard->setObjectName(u"requestsCard"_s);
    m_tokensCard = new SummaryCard(u"Tokens"_s, m_chartsArea);
    m_tokensCard->setObjectName(u"tokensCard"_s);
    m_costCard = new SummaryCard(u"Cost"_s, m_chartsArea);
    m_costCard->setObjectName(u"costCard"_s);
    m_errorRateCard = new SummaryCard(u"Error rate"_s, m_chartsArea);
    m_errorRateCard->setObjectName(u"errorRateCard"_s);
    for (SummaryCard* card : {m_requestsCard, m_tokensCard, m_costCard, m_errorRateCard})
        cards->addWidget(card);
    chartsLayout->addLayout(cards);

    const QLocale locale;
    m_requestsChart = UsageTimeChart::requests();
    m_requestsChart->setObjectName(u"requestsChart"_s);
    m_tokensChart = new UsageTimeChart(u"tokens"_s, ChartScale::Unit::Count,
                                       {{u"Prompt"_s, PromptColor,
                                         [](const UsageTotals& t) {
                                             return double(t.promptTokens);
                                         }},
                                        {u"Completion"_s, CompletionColor,
                                         [](const UsageTotals& t) {
                                             return double(t.completionTokens);
                                         }}},
                                       [locale](const UsageTotals& t) {
                                           return u"%1 tokens<br>%2 prompt · %3 completion"_s.arg(
                                               locale.toString(t.totalTokens()),
                                               locale.toString(t.promptTokens),
                                               locale.toString(t.completionTokens));
                                       });
    m_tokensChart->setObjectName(u"tokensChart"_s);
    m_costChart =
        new UsageTimeChart(u"USD"_s, ChartScale::Unit::Usd,
                           {{u"Cost"_s, CostColor,
                             [](const UsageTotals& t) {
                                 return usd(t.costMicros);
                             }}},
                           [locale](const UsageTotals& t) {
                               return u"%1<br>%2 requests"_s.arg(UsdAmount::display(t.costMicros),
                                                                 locale.toString(t.requests));
                           });
    m_costChart->setObjectName(u"costChart"_s);
    m_costByKeyChart = new UsageBreakdownChart(u"key"_s, CostColor, m_chartsArea);
    m_costByKeyChart->setObjectName(u"costByKeyChart"_s);
    m_costByModelChart = new UsageBreakdownChart(u"model"_s, CostColor, m_chartsArea);
    m_costByModelChart->setObjectName(u"costByModelChart"_s);

    auto* grid = new QGridLayout;
    grid->setSpacing(12);
    QLabel* subtitle = nullptr;
    grid->addWidget(chartCard(u"Requests"_s, m_requestsChart, &subtitle), 0, 0);
    m_bucketLabels << subtitle;
    grid->addWidget(chartCard(u"Cost"_s, m_costChart, &subtitle), 0, 1);
    m_bucketLabels << subtitle;
    grid->addWidget(chartCard(u"Cost by key"_s, m_costByKeyChart, &subtitle), 1, 0);
    subtitle->setText(u"top %1"_s.arg(TopGroups));
    grid->addWidget(chartCard(u"Cost by model"_s, m_costByModelChart, &subtitle), 1, 1);
    subtitle->setText(u"top %1"_s.arg(TopGroups));
    grid->addWidget(chartCard(u"Tokens"_s, m_tokensChart, &subtitle), 2, 0, 1, 2);
    m_bucketLabels << subtitle;
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    chartsLayout->addLayout(grid);
    layout->addWidget(m_chartsArea);

    auto* logHeading = new QHBoxLayout;
    auto* logTitle = new QLabel(u"Requests log"_s, content);
    QFont logFont = logTitle->font();
    logFont.setWeight(QFont::DemiBold);
    logFont.setPointSizeF(logFont.pointSizeF() * 1.15);
    logTitle->setFont(logFont);
    m_logCountLabel = new QLabel(content);
    m_logCountLabel->setObjectName(u"logCountLabel"_s);
    m_logCountLabel->setForegroundRole(QPalette::PlaceholderText);
    logHeading->addWidget(logTitle);
    logHeading->addWidget(m_logCountLabel, 1);
    layout->addSpacing(4);
    layout->addLayout(logHeading);

    m_logTable = new UsageLogView(content);
    m_logTable->setObjectName(u"usageLogTable"_s);
    m_logTable->setModel(m_logModel);
    m_logTable->setMinimumHeight(LogTableHeight);
    QHeaderView* header = m_logTable->horizontalHeader();
    header->setHighlightSections(false);
    header->setMinimumSectionSize(50);
    header->setStretchLastSection(true);
    const QFontMetrics metrics = fontMetrics();
    const QList<std::pair<int, QString>> widths{
        {UsageLogModel::Time, u"2026-12-31 23:59:59"_s},
        {UsageLogModel::Key, u"prod-web-app-v2-east"_s},
        {UsageLogModel::Model, u"text-embedding-3-small"_s},
        {UsageLogModel::Endpoint, u"/v1/chat/completions"_s},
        {UsageLogModel::Status, u"Status"_s},
        {UsageLogModel::PromptTokens, u"Prompt 99,999"_s},
        {UsageLogModel::CompletionTokens, u"Completion"_s},
        {UsageLogModel::Cost, u"$0.123456"_s},
        {UsageLogModel::Latency, u"99,999 ms"_s},
        {UsageLogModel::ClientIp, u"203.0.113.254"_s},
    };
    for (const auto& [column, sample] : widths)
        header->resizeSection(column, metrics.horizontalAdvance(sample) + 24);
    header->setSortIndicator(UsageLogModel::Time, Qt::DescendingOrder);
    m_logTable->setSortingEnabled(true);
    // IP and request id are not sortable: put the arrow back where the rows are sorted.
    connect(header, &QHeaderView::sortIndicatorChanged, this, [this, header](int section) {
        if (UsageLogModel::isSortable(section))
            return;
        const QSignalBlocker blocker(header);
        header->setSortIndicator(m_logModel->sortColumn(), m_logModel->sortOrder());
    });
    layout->addWidget(m_logTable, 1);

    scroll->setWidget(content);
    return scroll;
}

QWidget* UsagePage::buildEmptyState()
{
    auto* empty = new QWidget(this);
    empty->setObjectName(u"usageEmptyState"_s);
    auto* layout = new QVBoxLayout(empty);
    layout->addStretch();
    auto* label = new QLabel(u"No usage yet — import a usage log below, or from a terminal with "
                             "keydeckctl usage import FILE."_s,
                             empty);
    label->setObjectName(u"emptyLabel"_s);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 1.15);
    label->setFont(font);
    auto* hint = new QLabel(u"Each request made with a key is a usage event: its time, model, "
                            "status, tokens and cost.\nCharts and the log fill in as events "
                            "arrive, without a restart."_s,
                            empty);
    hint->setAlignment(Qt::AlignCenter);
    hint->setForegroundRole(QPalette::PlaceholderText);
    auto* button = new QToolButton(empty);
    button->setObjectName(u"importButton"_s);
    button->setDefaultAction(m_importAction);
    makePrimary(button);
    layout->addWidget(label);
    layout->addWidget(hint);
    layout->addSpacing(8);
    layout->addWidget(button, 0, Qt::AlignHCenter);
    layout->addStretch();
    return empty;
}

void UsagePage::setKeyFilter(const QStringList& keyIds)
{
    m_keyFilter->setSelectedIds(keyIds);
    startRefresh();
}

void UsagePage::setRange(Range range)
{
    m_rangeCombo->setCurrentIndex(m_rangeCombo->findData(int(range)));
}

void UsagePage::refresh()
{
    startRefresh();
}

UsagePage::Span UsagePage::currentSpan() const
{
    const Range range = Range(m_rangeCombo->currentData().toInt());
    if (range == Range::Custom) {
        // On slot edges, where roll-ups (cards, charts) and the log (exact) agree.
        const qint64 from = UsageSeries::slotStart(m_fromEdit->dateTime().toMSecsSinceEpoch());
        const qint64 to = UsageSeries::slotStart(m_toEdit->dateTime().toMSecsSinceEpoch() +
                                                 UsageSeries::SlotMs - 1);
        return {from, qMax(to, from + UsageSeries::SlotMs)};
    }
    // Whole buckets, the current one last: the charts start and end on a bucket edge and the
    // newest events are always in.
    const QTimeZone zone = QTimeZone::systemTimeZone();
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(m_clock.nowUtcMs(), zone);
    if (range == Range::Last24Hours) {
        const qint64 hourStart =
            UsageSeries::bucketStarts(now.toMSecsSinceEpoch(), now.toMSecsSinceEpoch() + 1,
                                      UsageSeries::BucketSize::Hour, zone)
                .constFirst();
        return {hourStart - 23 * UsageSeries::HourMs, hourStart + UsageSeries::HourMs};
    }
    const int days = range == Range::Last7Days ? 7 : range == Range::Last30Days ? 30 : 90;
    const QDate today = now.date();
    return {today.addDays(1 - days).startOfDay(zone).toMSecsSinceEpoch(),
            today.addDays(1).startOfDay(zone).toMSecsSinceEpoch()};
}

UsageQuery UsagePage::currentQuery() const
{
    const Span span = currentSpan();
    UsageQuery query;
    query.fromMs = span.fromMs;
    query.toMs = span.toMs;
    query.keyIds = m_keyFilter->selectedIds();
    query.models = m_modelFilter->selectedIds();
    query.statusClass = UsageQuery::StatusClass(m_statusFilter->currentData().toInt());
    return query;
}

QString UsagePage::periodText() const
{
    switch (Range(m_rangeCombo->currentData().toInt())) {
    case Range::Last24Hours:
        return u"24 hours"_s;
    case Range::Last7Days:
        return u"7 days"_s;
    case Range::Last30Days:
        return u"30 days"_s;
    case Range::Last90Days:
        return u"90 days"_s;
    case Range::Custom:
        break;
    }
    const qint64 length = m_shownQuery.toMs - m_shownQuery.fromMs;
    if (length >= 2 * DayMs)
        return u"%1 days"_s.arg(qRound(double(length) / double(DayMs)));
    if (length >= 2 * UsageSeries::HourMs)
        return u"%1 hours"_s.arg(qRound(double(length) / double(UsageSeries::HourMs)));
    return u"period"_s;
}

void UsagePage::rangeChanged()
{
    const bool custom = Range(m_rangeCombo->currentData().toInt()) == Range::Custom;
    if (custom) {
        // Start from what was shown, so Custom is a tweak of the last range, not a blank form.
        const QSignalBlocker fromBlocker(m_fromEdit);
        const QSignalBlocker toBlocker(m_toEdit);
        m_fromEdit->setDateTime(QDateTime::fromMSecsSinceEpoch(m_shownQuery.fromMs));
        m_toEdit->setMinimumDateTime(m_fromEdit->dateTime().addSecs(60));
        m_toEdit->setDateTime(QDateTime::fromMSecsSinceEpoch(m_shownQuery.toMs));
    }
    m_fromEdit->setVisible(custom);
    m_toEdit->setVisible(custom);
    startRefresh();
}

void UsagePage::scheduleFilterRefresh()
{
    m_filterTimer.start();
}

void UsagePage::scheduleLiveRefresh()
{
    if (!isVisible()) {
        m_stale = true;
        return;
    }
    // Not restarted on every change: a steady stream still refreshes every LiveCoalesceMs.
    if (!m_liveTimer.isActive())
        m_liveTimer.start();
}

void UsagePage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_stale)
        startRefresh();
}

template <typename T, typename Apply>
void UsagePage::track(QFuture<T> future, quint64 generation, Apply apply)
{
    future
        .then(this,
              [this, generation, apply](T value) {
                  if (generation != m_generation)
                      return;
                  apply(std::move(value));
                  partDone();
              })
        .onFailed(this, [this, generation](const std::exception& error) {
            if (generation != m_generation)
                return;
            showLoadError(ErrorText::describe(error));
            partDone();
        });
}

void UsagePage::startRefresh()
{
    m_filterTimer.stop();
    m_liveTimer.stop();
    m_stale = false;
    m_refreshAgain = false;
    const UsageQuery query = currentQuery();
    const quint64 generation = ++m_generation;
    const bool sameQuery = query == m_shownQuery;
    m_shownQuery = query;
    m_bucket = UsageSeries::autoBucket(query.fromMs, query.toMs);
    m_current.reset();
    m_previous.reset();
    m_loadErrorLabel->hide();

    if (sameQuery)
        m_logModel->reload();
    else
        m_logModel->setQuery(query);

    // The previous range as long as the part of this one that has happened yet, so a range
    // that ends tonight is not compared with a whole one.
    // Whole 15-minute slots: the store's roll-ups are exact on slot edges.
    UsageQuery previous = query;
    qint64 elapsed = qMin(query.toMs, m_clock.nowUtcMs() + 1) - query.fromMs;
    if (elapsed <= 0)
        elapsed = query.toMs - query.fromMs;
    elapsed = (elapsed + UsageSeries::SlotMs - 1) / UsageSeries::SlotMs * UsageSeries::SlotMs;
    previous.fromMs = query.fromMs - elapsed;
    previous.toMs = query.fromMs;

    const QTimeZone zone = QTimeZone::systemTimeZone();
    const UsageSeries::BucketSize bucket = m_bucket;
    m_pending = 6;
    track(m_usage.usageModels(), generation,
          [this](const QStringList& models) { applyModels(models); });
    track(m_usage.usageTotals(query), generation, [this](const UsageTotals& totals) {
        m_current = totals;
        applyTotals(totals);
        applyDeltas();
    });
    track(m_usage.usageTotals(previous), generation, [this](const UsageTotals& totals) {
        m_previous = totals;
        applyDeltas();
    });
    track(m_usage.usageSeries(query, bucket, zone), generation,
          [this](const QList<UsageSeries::Point>& points) { applySeries(points); });
    track(m_usage.usageGroups(query, UsageStore::Grouping::Key), generation,
          [this](const QList<UsageGroupRow>& rows) {
              m_keyGroups = rows;
              applyKeyGroups();
          });
    track(m_usage.usageGroups(query, UsageStore::Grouping::Model), generation,
          [this](const QList<UsageGroupRow>& rows) {
              m_modelGroups = rows;
              applyModelGroups();
          });
}

void UsagePage::partDone()
{
    if (--m_pending > 0)
        return;
    Q_EMIT refreshed();
    if (std::exchange(m_refreshAgain, false))
        startRefresh();
}

void UsagePage::showLoadError(const QString& text)
{
    m_loadErrorLabel->setText(u"Could not load usage from %1: %2"_s.arg(m_keys.location(), text));
    m_loadErrorLabel->show();
}

void UsagePage::reloadKeyLabels()
{
    if (m_loadingKeys) {
        m_reloadKeysAgain = true;
        return;
    }
    m_loadingKeys = true;
    struct Labels
    {
        QHash<QString, QString> byId;
        QList<CheckListFilter::Item> sorted;
    };
    m_keys
        .listKeys()
        // Plain data, so no context object: sorting 100k labels happens on the thread pool,
        // not on the GUI thread.
        .then(QtFuture::Launch::Async,
              [](const QList<ApiKeyRecord>& records) {
                  Labels labels;
                  labels.byId.reserve(records.size());
                  labels.sorted.reserve(records.size());
                  for (const ApiKeyRecord& record : records) {
                      labels.byId.insert(record.id, record.spec.label);
                      labels.sorted << CheckListFilter::Item{record.id, record.spec.label};
                  }
                  std::sort(labels.sorted.begin(), labels.sorted.end(),
                            [](const auto& a, const auto& b) {
                                return QString::localeAwareCompare(a.text, b.text) < 0;
                            });
                  return labels;
              })
        .then(this,
              [this](const Labels& loaded) {
                  const QHash<QString, QString>& labels = loaded.byId;
                  m_keyLabels = labels;
                  m_keyFilter->setItems(loaded.sorted);
                  m_logModel->setKeyLabels(labels);
                  applyKeyGroups();
              })
        .onFailed(
            this,
            [this](const std::exception& error) { showLoadError(ErrorText::describe(error)); })
        .then(this, [this] {
            m_loadingKeys = false;
            if (std::exchange(m_reloadKeysAgain, false))
                reloadKeyLabels();
        });
}

QString UsagePage::keyLabel(const QString& id) const
{
    return m_keyLabels.value(id, id);
}

void UsagePage::applyModels(const QStringList& models)
{
    QList<CheckListFilter::Item> items;
    for (const QString& model : models)
        items << CheckListFilter::Item{model, model};
    std::sort(items.begin(), items.end(),
              [](const auto& a, const auto& b) { return a.text < b.text; });
    m_modelFilter->setItems(items);
    // Filters and exports of nothing would only distract from the way out of the empty state.
    m_stack->setCurrentIndex(models.isEmpty() ? 1 : 0);
    m_toolbar->setVisible(!models.isEmpty());
}

void UsagePage::applyTotals(const UsageTotals& totals)
{
    const QLocale locale;
    m_requestsCard->setValue(
        locale.toString(totals.requests),
        u"%1 successful, %2 errors"_s.arg(locale.toString(totals.requests - totals.errors),
                                          locale.toString(totals.errors)));
    m_tokensCard->setValue(
        locale.toString(totals.totalTokens()),
        u"%1 prompt, %2 completion"_s.arg(locale.toString(totals.promptTokens),
                                          locale.toString(totals.completionTokens)));
    m_costCard->setValue(ChartScale::money(totals.costMicros),
                         UsdAmount::display(totals.costMicros));
    m_errorRateCard->setValue(
        locale.toString(100 * totals.errorRate(), 'f', 1) + u'%',
        u"%1 of %2 requests failed (HTTP 4xx or 5xx)"_s.arg(locale.toString(totals.errors),
                                                            locale.toString(totals.requests)));
    m_logCountLabel->setText(totals.requests == 1
                                 ? u"1 request"_s
                                 : u"%1 requests"_s.arg(locale.toString(totals.requests)));
}

void UsagePage::applyDeltas()
{
    if (!m_current || !m_previous)
        return;
    const QString period = periodText();
    const auto relative = [&period](SummaryCard* card, double now, double before, bool upIsGood) {
        if (before == 0) {
            if (now == 0)
                card->setDelta(u"No change vs previous %1"_s.arg(period),
                               SummaryCard::Trend::Neutral);
            else
                card->setDelta(u"None in the previous %1"_s.arg(period),
                               SummaryCard::Trend::Neutral);
            return;
        }
        const double percent = 100.0 * (now - before) / before;
        if (std::abs(percent) < 0.05) {
            card->setDelta(u"No change vs previous %1"_s.arg(period), SummaryCard::Trend::Neutral);
            return;
        }
        const bool up = percent > 0;
        card->setDelta(
            u"%1 %2% vs previous %3"_s.arg(up ? u"▲"_s : u"▼"_s, percentText(percent), period),
            up == upIsGood ? SummaryCard::Trend::Good : SummaryCard::Trend::Bad);
    };
    const UsageTotals& now = *m_current;
    const UsageTotals& before = *m_previous;
    relative(m_requestsCard, double(now.requests), double(before.requests), true);
    relative(m_tokensCard, double(now.totalTokens()), double(before.totalTokens()), true);
    relative(m_costCard, double(now.costMicros), double(before.costMicros), false);

    // Rates move in percentage points: "2% -> 3%" is +1 pt, not +50%.
    if (before.requests == 0) {
        m_errorRateCard->setDelta(u"No requests in the previous %1"_s.arg(period),
                                  SummaryCard::Trend::Neutral);
        return;
    }
    const double points = 100.0 * (now.errorRate() - before.errorRate());
    if (std::abs(points) < 0.05) {
        m_errorRateCard->setDelta(u"No change vs previous %1"_s.arg(period),
                                  SummaryCard::Trend::Neutral);
        return;
    }
    m_errorRateCard->setDelta(
        u"%1 %2 pts vs previous %3"_s.arg(points > 0 ? u"▲"_s : u"▼"_s,
                                          QLocale().toString(std::abs(points), 'f', 1), period),
        points > 0 ? SummaryCard::Trend::Bad : SummaryCard::Trend::Good);
}

void UsagePage::applySeries(const QList<UsageSeries::Point>& points)
{
    const QString per = m_bucket == UsageSeries::BucketSize::Hour ? u"per hour"_s : u"per day"_s;
    for (QLabel* label : std::as_const(m_bucketLabels))
        label->setText(per);
    // Buckets that have not begun are not zero usage: leave them out instead of drawing a drop.
    QList<UsageSeries::Point> begun = points;
    const qint64 now = m_clock.nowUtcMs();
    while (begun.size() > 1 && begun.constLast().startMs > now)
        begun.removeLast();
    m_requestsChart->setPoints(begun, m_bucket, now);
    m_tokensChart->setPoints(begun, m_bucket, now);
    m_costChart->setPoints(begun, m_bucket, now);
}

void UsagePage::applyKeyGroups()
{
    m_costByKeyChart->setBars(
        topBars(m_keyGroups, [this](const QString& id) { return keyLabel(id); }));
}

void UsagePage::applyModelGroups()
{
    m_costByModelChart->setBars(topBars(m_modelGroups, [](const QString& model) { return model; }));
}

void UsagePage::importUsage()
{
    auto* dialog = new UsageImportDialog(m_usage, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

QFuture<qint64> UsagePage::exportLogs(const QString& path)
{
    // Events that arrive during the export are left out, so the file matches the page.
    UsageQuery query = m_shownQuery;
    query.toMs = qMin(query.toMs, m_clock.nowUtcMs() + 1);
    return UsageCsvExport::start(m_usage, query, m_keyLabels, path,
                                 m_current ? m_current->requests : 0, this);
}

bool UsagePage::exportCharts(const QString& path, QString* error)
{
    const QPixmap image = m_chartsArea->grab();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    return true;
}

void UsagePage::exportLogsInteractively()
{
    const QString suggested = u"usage-%1.csv"_s.arg(
        QDateTime::fromMSecsSinceEpoch(m_clock.nowUtcMs()).toString(u"yyyy-MM-dd"_s));
    const QString path = QFileDialog::getSaveFileName(this, u"Export Usage Log"_s, suggested,
                                                      u"CSV files (*.csv)"_s);
    if (path.isEmpty())
        return;
    auto* progress = new QProgressDialog(u"Exporting requests…"_s, u"Cancel"_s, 0, 0, this);
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(500);
    progress->setAutoClose(false);
    progress->setAutoReset(false);
    auto* watcher = new QFutureWatcher<qint64>(progress);
    connect(watcher, &QFutureWatcher<qint64>::progressRangeChanged, progress,
            &QProgressDialog::setRange);
    connect(watcher, &QFutureWatcher<qint64>::progressValueChanged, progress,
            &QProgressDialog::setValue);
    connect(progress, &QProgressDialog::canceled, watcher, &QFutureWatcher<qint64>::cancel);
    connect(watcher, &QFutureWatcher<qint64>::finished, this, [this, watcher, progress, path] {
        progress->deleteLater();
        QFuture<qint64> future = watcher->future();
        if (future.isCanceled() && future.resultCount() == 0) {
            try {
                future.waitForFinished();
            } catch (const std::exception& error) {
                QMessageBox::warning(
                    this, u"Export Usage Log"_s,
                    u"The log was not exported.\n\n%1"_s.arg(ErrorText::describe(error)));
            }
            return;
        }
        const qint64 rows = future.result();
        Q_EMIT statusMessage(u"Exported %1 requests to %2"_s.arg(QLocale().toString(rows), path),
                             StatusMessageMs);
    });
    watcher->setFuture(exportLogs(path));
}

void UsagePage::exportChartsInteractively()
{
    const QString suggested = u"usage-charts-%1.png"_s.arg(
        QDateTime::fromMSecsSinceEpoch(m_clock.nowUtcMs()).toString(u"yyyy-MM-dd"_s));
    const QString path =
        QFileDialog::getSaveFileName(this, u"Export Charts"_s, suggested, u"PNG images (*.png)"_s);
    if (path.isEmpty())
        return;
    QString error;
    if (!exportCharts(path, &error)) {
        QMessageBox::warning(this, u"Export Charts"_s,
                             u"The charts were not saved to %1.\n\n%2"_s.arg(path, error));
        return;
    }
    Q_EMIT statusMessage(u"Saved the charts to %1"_s.arg(path), StatusMessageMs);
}
