#include "KeyDetailsDialog.h"

#include "Clock.h"
#include "ErrorText.h"
#include "KeyHistoryModel.h"
#include "KeyStanding.h"
#include "KeyTableModel.h"
#include "LifecycleStore.h"
#include "TierLimits.h"
#include "UsageLogModel.h"
#include "UsageLogView.h"
#include "UsageStore.h"
#include "UsageTimeChart.h"
#include "UsdAmount.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QTabWidget>
#include <QTableView>
#include <QTimeZone>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {
constexpr int ChartDays = 30;
constexpr int LastClientLookups = 1;
const QString NearColor = u"#b26a00"_s;
const QString ReachedColor = u"#c62828"_s;

QString count(qint64 value)
{
    return QLocale().toString(value);
}

QString timeOrNever(const std::optional<qint64>& ms, const QString& never)
{
    return ms ? KeyTableModel::formatLocalTime(*ms) : never;
}

QString tierTitle(Tier tier)
{
    QString name = KeyEnums::tierName(tier);
    name[0] = name[0].toUpper();
    return name;
}

// "900 (tier: 1,000)" for an override, "1,000 (tier default)", "Unlimited".
QString perMinute(const std::optional<qint64>& override, const std::optional<qint64>& tier)
{
    if (override)
        return u"%1 (lowered from the tier's %2)"_s.arg(count(*override),
                                                        tier ? count(*tier) : u"unlimited"_s);
    return tier ? u"%1 (tier default)"_s.arg(count(*tier)) : u"Unlimited"_s;
}
} // namespace

KeyDetailsDialog::KeyDetailsDialog(const KeyTableModel& keys, const QString& keyId,
                                   Services services, QWidget* parent)
    : QDialog(parent)
    , m_keys(keys)
    , m_keyId(keyId)
    , m_services(services)
    , m_log(new UsageLogModel(services.usage, this))
    , m_history(new KeyHistoryModel(this))
{
    setObjectName(u"keyDetailsDialog"_s);
    setSizeGripEnabled(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(18, 14, 18, 12);
    layout->setSpacing(10);
    layout->addWidget(buildHeader());
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(u"detailsTabs"_s);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(buildOverview(), u"Overview"_s);
    m_tabs->addTab(buildUsageTab(), u"Usage"_s);
    m_tabs->addTab(buildHistoryTab(), u"History"_s);
    layout->addWidget(m_tabs, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->setObjectName(u"detailsButtons"_s);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    // Never larger than the screen it opens on, whatever the scale.
    const QRect screen =
        (parent ? parent->screen() : QApplication::primaryScreen())->availableGeometry();
    resize(qMin(920, screen.width() - 40), qMin(660, screen.height() - 40));

    // Several model signals arrive for one store change: one refresh answers them all.
    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setInterval(0);
    connect(&m_refreshTimer, &QTimer::timeout, this, &KeyDetailsDialog::refresh);
    const auto schedule = [this] {
        m_refreshTimer.start();
    };
    connect(&m_keys, &QAbstractItemModel::dataChanged, this, schedule);
    connect(&m_keys, &QAbstractItemModel::modelReset, this, schedule);
    connect(&m_keys, &QAbstractItemModel::rowsInserted, this, schedule);
    connect(&m_keys, &QAbstractItemModel::rowsRemoved, this, schedule);
    connect(m_log, &UsageLogModel::loadFailed, this, [this](const QString& message) {
        m_chartSummary->setText(u"Could not load this key's usage: %1"_s.arg(message));
    });
    refresh();
}

QWidget* KeyDetailsDialog::buildHeader()
{
    auto* header = new QWidget(this);
    auto* layout = new QGridLayout(header);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setHorizontalSpacing(8);
    layout->setVerticalSpacing(4);

    m_title = new QLabel(header);
    m_title->setObjectName(u"detailsTitle"_s);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.45);
    titleFont.setWeight(QFont::DemiBold);
    m_title->setFont(titleFont);
    layout->addWidget(m_title, 0, 0);

    m_status = new QLabel(header);
    m_status->setObjectName(u"detailsStatus"_s);
    m_status->setTextFormat(Qt::PlainText);
    layout->addWidget(m_status, 1, 0);

    auto* actions = new QHBoxLayout;
    actions->setSpacing(6);
    auto* usage = new QPushButton(u"Open in Usage"_s, header);
    usage->setObjectName(u"openUsageButton"_s);
    usage->setToolTip(u"Show this key's requests, tokens and cost on the Usage page"_s);
    connect(usage, &QPushButton::clicked, this, [this] { Q_EMIT usageRequested(m_keyId); });
    m_rotateButton = new QPushButton(u"Rotate…"_s, header);
    m_rotateButton->setObjectName(u"rotateKeyButton"_s);
    connect(m_rotateButton, &QPushButton::clicked, this,
            [this] { Q_EMIT rotateRequested(m_keyId); });
    m_editButton = new QPushButton(u"Edit…"_s, header);
    m_editButton->setObjectName(u"editKeyButton"_s);
    connect(m_editButton, &QPushButton::clicked, this, [this] { Q_EMIT editRequested(m_keyId); });
    // The dialog's default button is Close: Enter on the page never starts an edit.
    for (QPushButton* button : {usage, m_rotateButton, m_editButton}) {
        button->setAutoDefault(false);
        actions->addWidget(button);
    }
    layout->addLayout(actions, 0, 1, 2, 1, Qt::AlignRight | Qt::AlignVCenter);
    layout->setColumnStretch(0, 1);
    return header;
}

QLabel* KeyDetailsDialog::addValue(QGridLayout* grid, const QString& title, const QString& name,
                                   QWidget* trailing)
{
    const int row = grid->rowCount();
    auto* caption = new QLabel(title, grid->parentWidget());
    caption->setForegroundRole(QPalette::PlaceholderText);
    grid->addWidget(caption, row, 0, Qt::AlignTop | Qt::AlignLeft);
    auto* value = new QLabel(grid->parentWidget());
    value->setObjectName(name + u"Value"_s);
    value->setTextFormat(Qt::PlainText);
    value->setWordWrap(true);
    value->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (trailing) {
        grid->addWidget(value, row, 1, Qt::AlignVCenter);
        grid->addWidget(trailing, row, 2);
    } else {
        grid->addWidget(value, row, 1, 1, 2);
    }
    caption->setBuddy(value);
    m_values.insert(name, value);
    return value;
}

QProgressBar* KeyDetailsDialog::addBar(QGridLayout* grid, const QString& name)
{
    auto* bar = new QProgressBar(grid->parentWidget());
    bar->setObjectName(name + u"Bar"_s);
    bar->setRange(0, 1000);
    bar->setTextVisible(false);
    bar->setFixedHeight(6);
    grid->addWidget(bar, grid->rowCount(), 1, 1, 2);
    m_bars.insert(name, bar);
    return bar;
}

QWidget* KeyDetailsDialog::buildOverview()
{
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* content = new QWidget(scroll);
    auto* columns = new QGridLayout(content);
    columns->setContentsMargins(0, 10, 4, 0);
    columns->setSpacing(14);

    const auto section = [content](const QString& title, const QString& name) {
        auto* box = new QGroupBox(title, content);
        box->setObjectName(name);
        auto* grid = new QGridLayout(box);
        grid->setHorizontalSpacing(14);
        grid->setVerticalSpacing(6);
        grid->setColumnStretch(1, 1);
        return std::pair{box, grid};
    };

    auto [keyBox, key] = section(u"Key"_s, u"keySection"_s);
    auto* copyId = new QPushButton(u"Copy ID"_s, keyBox);
    copyId->setObjectName(u"copyIdButton"_s);
    copyId->setAutoDefault(false);
    connect(copyId, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_keyId); });
    addValue(key, u"ID"_s, u"id"_s, copyId)
        ->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    addValue(key, u"Key"_s, u"key"_s)->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    addValue(key, u"Secret"_s, u"secret"_s);
    addValue(key, u"Environment"_s, u"environment"_s);
    addValue(key, u"Type"_s, u"type"_s);
    addValue(key, u"Permissions"_s, u"permissions"_s);
    addValue(key, u"Owner"_s, u"owner"_s);
    addValue(key, u"Note"_s, u"note"_s);

    auto [limitsBox, limits] = section(u"Limits"_s, u"limitsSection"_s);
    for (const auto& [title, name] :
         {std::pair{u"Quota"_s, u"quota"_s}, std::pair{u"Spend today"_s, u"spendDay"_s},
          std::pair{u"Spend this week"_s, u"spendWeek"_s},
          std::pair{u"Spend this month"_s, u"spendMonth"_s}}) {
        addValue(limits, title, name);
        addBar(limits, name);
    }
    addValue(limits, u"Tier"_s, u"tier"_s);
    addValue(limits, u"Requests / min"_s, u"rpm"_s);
    addValue(limits, u"Tokens / min"_s, u"tpm"_s);

    auto [accessBox, access] = section(u"Access"_s, u"accessSection"_s);
    addValue(access, u"Models"_s, u"models"_s);
    addValue(access, u"IP allowlist"_s, u"ips"_s);
    addValue(access, u"Expires"_s, u"expires"_s);

    auto [activityBox, activity] = section(u"Activity"_s, u"activitySection"_s);
    addValue(activity, u"Created"_s, u"created"_s);
    addValue(activity, u"Last edited"_s, u"updated"_s);
    addValue(activity, u"Last used"_s, u"lastUsed"_s);
    addValue(activity, u"Last client"_s, u"lastClient"_s);
    addValue(activity, u"Rotated from"_s, u"rotatedFrom"_s);
    addValue(activity, u"Rotated to"_s, u"rotatedTo"_s);

    // Each box's rows at its top, however tall its neighbour makes it.
    for (QGridLayout* grid : {key, limits, access, activity})
        grid->setRowStretch(grid->rowCount(), 1);
    columns->addWidget(keyBox, 0, 0);
    columns->addWidget(limitsBox, 0, 1);
    columns->addWidget(accessBox, 1, 0);
    columns->addWidget(activityBox, 1, 1);
    columns->setColumnStretch(0, 1);
    columns->setColumnStretch(1, 1);
    columns->setRowStretch(2, 1);
    scroll->setWidget(content);
    return scroll;
}

QWidget* KeyDetailsDialog::buildUsageTab()
{
    auto* tab = new QWidget(this);
    auto* layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 10, 0, 0);
    layout->setSpacing(8);
    m_chartSummary = new QLabel(tab);
    m_chartSummary->setObjectName(u"detailsUsageSummary"_s);
    m_chartSummary->setWordWrap(true);
    layout->addWidget(m_chartSummary);

    m_chart = UsageTimeChart::requests(tab);
    m_chart->setObjectName(u"detailsRequestsChart"_s);
    m_chart->setMinimumHeight(200);
    layout->addWidget(m_chart, 2);

    auto* logTitle = new QLabel(u"Requests, newest first"_s, tab);
    QFont font = logTitle->font();
    font.setWeight(QFont::DemiBold);
    logTitle->setFont(font);
    layout->addWidget(logTitle);
    m_logTable = new UsageLogView(tab);
    m_logTable->setObjectName(u"detailsLogTable"_s);
    m_logTable->setModel(m_log);
    m_logTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // Every row is this key's.
    m_logTable->setColumnHidden(UsageLogModel::Key, true);
    layout->addWidget(m_logTable, 3);
    return tab;
}

QWidget* KeyDetailsDialog::buildHistoryTab()
{
    auto* tab = new QWidget(this);
    auto* layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 10, 0, 0);
    m_historyTable = new QTableView(tab);
    m_historyTable->setObjectName(u"detailsHistoryTable"_s);
    m_historyTable->setModel(m_history);
    m_historyTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_historyTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_historyTable->setShowGrid(false);
    m_historyTable->setWordWrap(false);
    m_historyTable->verticalHeader()->hide();
    QHeaderView* header = m_historyTable->horizontalHeader();
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    header->setSectionResizeMode(KeyHistoryModel::Time, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(KeyHistoryModel::Event, QHeaderView::ResizeToContents);
    header->setStretchLastSection(true);
    layout->addWidget(m_historyTable);
    return tab;
}

void KeyDetailsDialog::refresh()
{
    const int row = m_keys.rowForId(m_keyId);
    if (row < 0) {
        // Only a loaded model knows the key is gone; before that it has not arrived yet.
        if (!m_keys.isLoaded() || !m_shown)
            return;
        m_status->setText(u"This key was deleted from the store."_s);
        m_status->setStyleSheet(u"color: %1;"_s.arg(ReachedColor));
        m_editButton->setEnabled(false);
        m_rotateButton->setEnabled(false);
        return;
    }
    const ApiKeyRecord& record = m_keys.record(row);
    const bool usageMoved = !m_shown || m_shown->lastUsedAtMs != record.lastUsedAtMs;
    const bool keyChanged = !m_shown || m_shown->updatedAtMs != record.updatedAtMs ||
                            m_shown->spec != record.spec || m_shown->status != record.status ||
                            m_shown->rotatedToId != record.rotatedToId;
    showRecord(record);

    // The status as its row says it, in the row's colour, with what requests get.
    const QModelIndex status = m_keys.index(row, KeyTableModel::Status);
    m_status->setText(u"● "_s + status.data(Qt::DisplayRole).toString());
    m_status->setToolTip(status.data(Qt::ToolTipRole).toString());
    const QVariant foreground = status.data(Qt::ForegroundRole);
    const QColor color = foreground.canConvert<QBrush>() ? foreground.value<QBrush>().color()
                                                         : foreground.value<QColor>();
    m_status->setStyleSheet(color.isValid() ? u"color: %1;"_s.arg(color.name()) : QString());

    if (usageMoved)
        loadUsage();
    if (keyChanged)
        loadHistory();
    m_shown = record;
}

void KeyDetailsDialog::showRecord(const ApiKeyRecord& record)
{
    const KeySpec& spec = record.spec;
    const qint64 now = m_services.clock.nowUtcMs();
    setWindowTitle(u"%1 — API key"_s.arg(spec.label));
    m_title->setText(spec.label);
    const bool live = record.status != KeyStatus::Revoked;
    m_editButton->setEnabled(live);
    m_rotateButton->setEnabled(live);
    const bool rotated = !record.rotatedToId.isEmpty();
    m_rotateButton->setText(rotated ? u"Finish Rotation…"_s : u"Rotate…"_s);
    m_rotateButton->setToolTip(rotated
                                   ? u"See whether clients still use this key, then revoke it"_s
                                   : u"Create its successor, deploy it, then revoke this key"_s);

    const auto set = [this](const QString& name, const QString& text) {
        m_values.value(name)->setText(text);
    };
    set(u"id"_s, record.id);
    set(u"key"_s, record.hint);
    switch (m_keys.secretPresence(record)) {
    case SecretIndex::Presence::Here:
        set(u"secret"_s, u"In this computer's keychain — Copy key puts it on the clipboard"_s);
        break;
    case SecretIndex::Presence::NotHere:
        set(u"secret"_s, u"Not on this computer — shown once where the key was created"_s);
        break;
    case SecretIndex::Presence::Unknown:
        set(u"secret"_s, u"Not known here until it is copied once"_s);
        break;
    }
    set(u"environment"_s, spec.environment);
    set(u"type"_s,
        spec.type == KeyType::Subscription
            ? u"Subscription — quota resets on day %1 of each month"_s.arg(spec.billingCycleDay)
            : u"Standard (pay as you go)"_s);
    const QStringList permissions = KeyEnums::permissionNames(spec.permissions);
    set(u"permissions"_s, permissions.isEmpty() ? u"None"_s : permissions.join(u", "));
    set(u"owner"_s,
        spec.owner.isEmpty() ? u"Not set — Edit to say who answers for it"_s : spec.owner);
    set(u"note"_s, spec.note.isEmpty() ? u"—"_s : spec.note);

    showLimit(u"quota"_s, record.quotaUsedMicros, spec.quotaLimitMicros,
              spec.type == KeyType::Subscription ? u"used this cycle"_s : u"used in all"_s);
    showLimit(u"spendDay"_s, record.spendDayMicros, spec.spendCapDayMicros, {});
    showLimit(u"spendWeek"_s, record.spendWeekMicros, spec.spendCapWeekMicros, {});
    showLimit(u"spendMonth"_s, record.spendMonthMicros, spec.spendCapMonthMicros, {});
    const TierLimits tier = TierLimits::forTier(spec.tier);
    set(u"tier"_s,
        tier.requestsPerMonth
            ? u"%1 — %2 requests / month"_s.arg(tierTitle(spec.tier), count(*tier.requestsPerMonth))
            : u"%1 — custom limits per key"_s.arg(tierTitle(spec.tier)));
    set(u"rpm"_s, perMinute(spec.rpmOverride, tier.requestsPerMinute));
    set(u"tpm"_s, perMinute(spec.tpmOverride, tier.tokensPerMinute));

    set(u"models"_s, spec.models.isEmpty() ? u"Every model"_s : spec.models.join(u", "));
    set(u"ips"_s,
        spec.ipAllowlist.isEmpty() ? u"Any address"_s : CidrBlock::joinList(spec.ipAllowlist));
    QString expires = timeOrNever(spec.expiresAtMs, u"Never"_s);
    if (spec.expiresAtMs && *spec.expiresAtMs <= now)
        expires += u" (expired)"_s;
    set(u"expires"_s, expires);

    set(u"created"_s, KeyTableModel::formatLocalTime(record.createdAtMs));
    set(u"updated"_s, KeyTableModel::formatLocalTime(record.updatedAtMs));
    set(u"lastUsed"_s, timeOrNever(record.lastUsedAtMs, u"Never"_s));
    if (!record.lastUsedAtMs)
        set(u"lastClient"_s, u"—"_s);
    const auto keyName = [this](const QString& id) {
        const int row = m_keys.rowForId(id);
        return row < 0 ? id : u"%1 (%2)"_s.arg(m_keys.record(row).spec.label, id);
    };
    set(u"rotatedFrom"_s, record.rotatedFromId.isEmpty() ? u"—"_s : keyName(record.rotatedFromId));
    set(u"rotatedTo"_s, record.rotatedToId.isEmpty() ? u"—"_s : keyName(record.rotatedToId));
}

void KeyDetailsDialog::showLimit(const QString& name, qint64 usedMicros,
                                 const std::optional<qint64>& limit, const QString& used)
{
    QLabel* value = m_values.value(name);
    QProgressBar* bar = m_bars.value(name);
    // Cents on the page, every micro-dollar in the tooltip.
    const QString suffix = used.isEmpty() ? QString() : u" "_s + used;
    value->setToolTip(UsdAmount::display(usedMicros) + suffix);
    if (!limit) {
        value->setText(u"%1%2 · no limit"_s.arg(UsdAmount::displayCents(usedMicros), suffix));
        value->setStyleSheet({});
        bar->hide();
        return;
    }
    const qint64 left = qMax<qint64>(0, *limit - usedMicros);
    const int permille = *limit > 0 ? int(qMin<qint64>(1000, usedMicros * 1000 / *limit)) : 1000;
    value->setText(u"%1 of %2%3 · %4 left"_s.arg(UsdAmount::displayCents(usedMicros),
                                                 UsdAmount::displayCents(*limit), suffix,
                                                 UsdAmount::displayCents(left)));
    const bool reached = usedMicros >= *limit;
    const bool near = permille >= KeyStanding::NearPercent * 10;
    const QString color = reached ? ReachedColor : near ? NearColor : QString();
    value->setStyleSheet(color.isEmpty() ? QString() : u"color: %1;"_s.arg(color));
    bar->setStyleSheet(color.isEmpty() ? QString()
                                       : u"QProgressBar::chunk { background: %1; }"_s.arg(color));
    bar->setValue(permille);
    bar->setToolTip(u"%1% used"_s.arg(permille / 10));
    bar->show();
}

void KeyDetailsDialog::loadUsage()
{
    const quint64 generation = ++m_generation;
    const qint64 now = m_services.clock.nowUtcMs();
    const QDate today = QDateTime::fromMSecsSinceEpoch(now).date();
    UsageQuery query;
    query.keyIds = {m_keyId};
    query.fromMs = QDateTime(today.addDays(-(ChartDays - 1)), QTime(0, 0)).toMSecsSinceEpoch();
    query.toMs = QDateTime(today.addDays(1), QTime(0, 0)).toMSecsSinceEpoch();
    m_log->setQuery(query);

    UsageStore& usage = m_services.usage;
    const auto failed = [this, generation](const std::exception& error) {
        if (generation == m_generation)
            m_chartSummary->setText(
                u"Could not load this key's usage: %1"_s.arg(ErrorText::describe(error)));
    };
    usage.usageSeries(query, UsageSeries::BucketSize::Day, QTimeZone::systemTimeZone())
        .then(this,
              [this, generation, now](const QList<UsageSeries::Point>& points) {
                  if (generation != m_generation)
                      return;
                  m_chart->setPoints(points, UsageSeries::BucketSize::Day, now);
                  UsageTotals totals;
                  for (const UsageSeries::Point& point : points)
                      totals.merge(point.totals);
                  m_chartSummary->setText(
                      u"Last %1 days: %2 requests, %3 errors (%4%), %5 tokens, %6"_s.arg(
                          QString::number(ChartDays), count(totals.requests), count(totals.errors),
                          QLocale().toString(100 * totals.errorRate(), 'f', 1),
                          count(totals.totalTokens()), UsdAmount::displayCents(totals.costMicros)));
              })
        .onFailed(this, failed);

    // Whatever the chart's range: the newest request the key ever made.
    UsageQuery ever;
    ever.keyIds = {m_keyId};
    ever.toMs = now + 1;
    usage.usageLogs(ever, UsageStore::LogColumn::Time, Qt::DescendingOrder, {}, LastClientLookups)
        .then(this,
              [this, generation](const UsageStore::LogPage& page) {
                  if (generation != m_generation)
                      return;
                  m_values.value(u"lastClient"_s)
                      ->setText(page.events.isEmpty() ? u"—"_s : page.events.constFirst().clientIp);
              })
        .onFailed(this, failed);
}

void KeyDetailsDialog::loadHistory()
{
    m_services.lifecycle.keyEvents(m_keyId)
        .then(this, [this](const QList<KeyEvent>& events) { m_history->setEvents(events); })
        .onFailed(this, [this](const std::exception& error) {
            m_history->setEvents({});
            m_historyTable->setToolTip(
                u"Could not load the history: %1"_s.arg(ErrorText::describe(error)));
        });
}
