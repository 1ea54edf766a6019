#include "KeyTableModel.h"

#include "Clock.h"
#include "KeyStanding.h"
#include "UsdAmount.h"
#include "UtcTime.h"

#include <QColor>
#include <QDateTime>
#include <QFontDatabase>
#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 NeverUsed = -1;
constexpr qint64 NoLimit = std::numeric_limits<qint64>::max();
// Beyond this many separate insert/remove runs a reset is cheaper than moving rows.
constexpr int MaxIncrementalRuns = 32;
constexpr qint64 DayMs = 86'400'000;
const QColor WarningColor(0xb2, 0x6a, 0x00);
const QColor RefusingColor(0xc6, 0x28, 0x28);

QString inDaysText(qint64 days)
{
    return days == 0 ? u"in < 1 day"_s : days == 1 ? u"in 1 day"_s : u"in %1 days"_s.arg(days);
}

QColor statusColor(KeyStatus status)
{
    switch (status) {
    case KeyStatus::Active:
        return QColor(0x2e, 0x7d, 0x32);
    case KeyStatus::Disabled:
        return QColor(0x8d, 0x6e, 0x00);
    case KeyStatus::Revoked:
        return RefusingColor;
    case KeyStatus::Expired:
        return QColor(0xd8, 0x43, 0x15);
    }
    return {};
}

// The cap that comes first: a day's before a week's before a month's; keys without caps last.
qint64 tightestCap(const KeySpec& spec)
{
    return spec.spendCapDayMicros.value_or(
        spec.spendCapWeekMicros.value_or(spec.spendCapMonthMicros.value_or(NoLimit)));
}

int compareText(const QString& a, const QString& b)
{
    return a.compare(b, Qt::CaseInsensitive);
}

template <typename T> int compareValues(T a, T b)
{
    return a < b ? -1 : (b < a ? 1 : 0);
}
} // namespace

KeyTableModel::KeyTableModel(const Clock& clock, QObject* parent)
    : QAbstractTableModel(parent)
    , m_clock(clock)
    , m_monospace(QFontDatabase::systemFont(QFontDatabase::FixedFont))
    , m_secretHereIcon(u":/icons/key.svg"_s)
{}

int KeyTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_records.size());
}

int KeyTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

qint64 KeyTableModel::nowUtcMs() const
{
    return m_clock.nowUtcMs();
}

QVariant KeyTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ApiKeyRecord& record = m_records.at(index.row());
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayText(record, column);
    case RawValueRole:
        return rawValue(record, column);
    case KeyIdRole:
        return record.id;
    case QuotaFractionRole:
        if (column != QuotaUsed || !record.spec.quotaLimitMicros)
            return {};
        return *record.spec.quotaLimitMicros <= 0
                   ? 1.0
                   : qBound(0.0,
                            double(record.quotaUsedMicros) / double(*record.spec.quotaLimitMicros),
                            1.0);
    case Qt::ToolTipRole:
        return toolTip(record, column);
    case Qt::ForegroundRole:
        return foreground(record, column);
    case Qt::DecorationRole:
        if (column == Status)
            return m_dots.of(statusColorOf(record, nowUtcMs()));
        if (column == Key && secretPresence(record) == SecretIndex::Presence::Here)
            return m_secretHereIcon;
        return {};
    case SecretPresenceRole:
        return column == Key ? QVariant(int(secretPresence(record))) : QVariant();
    case Qt::FontRole:
        if (column == Key)
            return m_monospace;
        return {};
    case Qt::TextAlignmentRole:
        if (column == QuotaUsed || column == QuotaRemaining || column == MonthSpend)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

bool KeyTableModel::isShownByDefault(int column)
{
    return column < Tier;
}

QVariant KeyTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (Column(section)) {
        case Label:
            return u"Label"_s;
        case Key:
            return u"Key"_s;
        case Environment:
            return u"Environment"_s;
        case Type:
            return u"Type"_s;
        case Status:
            return u"Status"_s;
        case Permissions:
            return u"Permissions"_s;
        case Created:
            return u"Created"_s;
        case LastUsed:
            return u"Last used"_s;
        case Expires:
            return u"Expires"_s;
        case QuotaUsed:
            return u"Quota used"_s;
        case QuotaRemaining:
            return u"Remaining"_s;
        case Tier:
            return u"Tier"_s;
        case MonthSpend:
            return u"Spend (month)"_s;
        case Caps:
            return u"Spend caps"_s;
        case Owner:
            return u"Owner"_s;
        case ColumnCount:
            break;
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (Column(section)) {
        case Key:
            return u"Masked: prefix, first 4 and last 4 characters. The full key is shown only "
                   "once, when it is created."_s;
        case Created:
        case LastUsed:
        case Expires:
            return u"Local time"_s;
        case QuotaUsed:
            return u"Spend counted against the key's quota (USD)"_s;
        case QuotaRemaining:
            return u"Quota left before requests fail with 402 insufficient_quota (USD)"_s;
        case MonthSpend:
            return u"Spend in the current UTC month (USD)"_s;
        case Caps:
            return u"Spend caps per UTC day, week and month; reaching one fails requests with "
                   "429 quota_exceeded until the window ends"_s;
        default:
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole &&
        (section == QuotaUsed || section == QuotaRemaining || section == MonthSpend))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return QAbstractTableModel::headerData(section, orientation, role);
}

QString KeyTableModel::statusText(KeyStatus status)
{
    switch (status) {
    case KeyStatus::Active:
        return u"Active"_s;
    case KeyStatus::Disabled:
        return u"Disabled"_s;
    case KeyStatus::Revoked:
        return u"Revoked"_s;
    case KeyStatus::Expired:
        return u"Expired"_s;
    }
    return {};
}

QString KeyTableModel::formatLocalTime(qint64 utcMs)
{
    return QDateTime::fromMSecsSinceEpoch(utcMs, Qt::LocalTime).toString(u"yyyy-MM-dd HH:mm"_s);
}

QVariant KeyTableModel::displayText(const ApiKeyRecord& record, int column) const
{
    switch (Column(column)) {
    case Label:
        return record.spec.label;
    case Key:
        return record.hint;
    case Environment:
        return record.spec.environment;
    case Type:
        return record.spec.type == KeyType::Subscription ? u"Subscription"_s : u"Standard"_s;
    case Status: {
        const qint64 now = nowUtcMs();
        const KeyStatus keyStatus = record.effectiveStatus(now);
        QString status = statusText(keyStatus);
        // An active key whose quota or cap refuses every request, or soon will, says that
        // instead (its colour and tooltip tell which).
        if (keyStatus == KeyStatus::Active) {
            const std::optional<KeyStanding::Use> worst = KeyStanding::worst(record, now);
            if (KeyStanding::level(worst) != KeyStanding::Level::Clear)
                status = KeyStanding::shortText(*worst);
        }
        if (isRotationPending(record, now))
            return status + u" · rotation pending"_s;
        return isRotationDue(record, now) ? status + u" · rotation due"_s : status;
    }
    case Permissions: {
        const QStringList names = KeyEnums::permissionNames(record.spec.permissions);
        return names.isEmpty() ? u"—"_s : names.join(u", ");
    }
    case Created:
        return formatLocalTime(record.createdAtMs);
    case LastUsed:
        return record.lastUsedAtMs ? formatLocalTime(*record.lastUsedAtMs) : u"Never"_s;
    case Expires:
        if (const std::optional<qint64> days = expiringSoonDays(record, nowUtcMs()))
            return inDaysText(*days);
        return record.spec.expiresAtMs ? formatLocalTime(*record.spec.expiresAtMs) : u"Never"_s;
    case QuotaUsed:
        return UsdAmount::displayCents(record.quotaUsedMicros);
    case QuotaRemaining: {
        const std::optional<qint64> remaining = record.quotaRemainingMicros();
        return remaining ? UsdAmount::displayCents(*remaining) : u"Unlimited"_s;
    }
    case Tier: {
        QString name = KeyEnums::tierName(record.spec.tier);
        name[0] = name[0].toUpper();
        return name;
    }
    case MonthSpend:
        return UsdAmount::displayCents(record.spendMonthMicros);
    case Caps:
        return capsText(record.spec);
    case Owner:
        return record.spec.owner;
    case ColumnCount:
        break;
    }
    return {};
}

QString KeyTableModel::capsText(const KeySpec& spec)
{
    QStringList caps;
    for (const auto& [cap, per] : {std::pair{spec.spendCapDayMicros, u"day"_s},
                                   std::pair{spec.spendCapWeekMicros, u"week"_s},
                                   std::pair{spec.spendCapMonthMicros, u"month"_s}}) {
        if (cap)
            caps << u"%1/%2"_s.arg(UsdAmount::displayCents(*cap), per);
    }
    return caps.isEmpty() ? u"None"_s : caps.join(u" · "_s);
}

QVariant KeyTableModel::rawValue(const ApiKeyRecord& record, int column) const
{
    switch (Column(column)) {
    case Label:
        return record.spec.label;
    case Key:
        return record.hint;
    case Environment:
        return record.spec.environment;
    case Type:
        return int(record.spec.type);
    case Status:
        return int(record.effectiveStatus(nowUtcMs()));
    case Permissions:
        return int(record.spec.permissions.toInt());
    case Created:
        return record.createdAtMs;
    case LastUsed:
        return record.lastUsedAtMs.value_or(NeverUsed);
    case Expires:
        return record.spec.expiresAtMs.value_or(NoLimit);
    case QuotaUsed:
        return record.quotaUsedMicros;
    case QuotaRemaining:
        return record.quotaRemainingMicros().value_or(NoLimit);
    case Tier:
        return int(record.spec.tier);
    case MonthSpend:
        return record.spendMonthMicros;
    case Caps:
        return tightestCap(record.spec);
    case Owner:
        return record.spec.owner;
    case ColumnCount:
        break;
    }
    return {};
}

bool KeyTableModel::lessThan(const ApiKeyRecord& a, const ApiKeyRecord& b, int column, qint64 now)
{
    int c = 0;
    switch (Column(column)) {
    case Label:
        c = compareText(a.spec.label, b.spec.label);
        break;
    case Key:
        c = a.hint.compare(b.hint);
        break;
    case Environment:
        c = compareText(a.spec.environment, b.spec.environment);
        break;
    case Type:
        c = compareValues(int(a.spec.type), int(b.spec.type));
        break;
    case Status:
        c = compareValues(int(a.effectiveStatus(now)), int(b.effectiveStatus(now)));
        break;
    case Permissions:
        c = compareValues(a.spec.permissions.toInt(), b.spec.permissions.toInt());
        break;
    case Created:
        break;
    case LastUsed:
        c = compareValues(a.lastUsedAtMs.value_or(NeverUsed), b.lastUsedAtMs.value_or(NeverUsed));
        break;
    case Expires:
        c = compareValues(a.spec.expiresAtMs.value_or(NoLimit),
                          b.spec.expiresAtMs.value_or(NoLimit));
        break;
    case QuotaUsed:
        c = compareValues(a.quotaUsedMicros, b.quotaUsedMicros);
        break;
    case QuotaRemaining:
        c = compareValues(a.quotaRemainingMicros().value_or(NoLimit),
                          b.quotaRemainingMicros().value_or(NoLimit));
        break;
    case Tier:
        c = compareValues(int(a.spec.tier), int(b.spec.tier));
        break;
    case MonthSpend:
        c = compareValues(a.spendMonthMicros, b.spendMonthMicros);
        break;
    case Caps:
        c = compareValues(tightestCap(a.spec), tightestCap(b.spec));
        break;
    case Owner:
        c = compareText(a.spec.owner, b.spec.owner);
        break;
    case ColumnCount:
        break;
    }
    // Ties fall back to creation time, so equal labels or statuses keep a stable, useful order.
    if (c == 0)
        c = compareValues(a.createdAtMs, b.createdAtMs);
    return c < 0;
}

QString KeyTableModel::labelOf(const QString& id) const
{
    const int row = rowForId(id);
    // A deleted key keeps its id in the link: the id is all that is left to name it.
    return row < 0 ? id : m_records.at(row).spec.label;
}

QVariant KeyTableModel::toolTip(const ApiKeyRecord& record, int column) const
{
    switch (Column(column)) {
    case Label: {
        QString text = u"ID: %1"_s.arg(record.id);
        if (!record.rotatedToId.isEmpty())
            text += u"\nRotated to “%1”"_s.arg(labelOf(record.rotatedToId));
        if (!record.rotatedFromId.isEmpty())
            text += u"\nRotated from “%1”"_s.arg(labelOf(record.rotatedFromId));
        return text;
    }
    case Key: {
        const QString masked =
            u"%1 is the masked key: only the prefix, the first 4 and the last 4 characters "
            "are kept, which is not enough to use it.\n"_s.arg(record.hint);
        switch (secretPresence(record)) {
        case SecretIndex::Presence::Here:
            return masked + u"Its secret is in this computer's keychain: Copy key puts it on the "
                            "clipboard."_s;
        case SecretIndex::Presence::NotHere:
            return masked + secretNotHereText();
        case SecretIndex::Presence::Unknown:
            break;
        }
        return masked + u"The full key was shown once when it was created; Copy key reads it "
                        "from this computer's keychain."_s;
    }
    case Permissions:
        return u"Permissions: %1"_s.arg(
            KeyEnums::permissionNames(record.spec.permissions).join(u", "));
    case Type:
        if (record.spec.type == KeyType::Subscription)
            return u"Subscription key: the quota resets on day %1 of each month"_s.arg(
                record.spec.billingCycleDay);
        return u"Standard key"_s;
    case Status: {
        const qint64 now = nowUtcMs();
        const QString rotation =
            isRotationPending(record, now)
                ? u"\nRotation pending: replaced by “%1”, and still accepted until it is revoked. "
                  "Once its traffic has moved, revoke it (Finish Rotation…)."_s.arg(
                      labelOf(record.rotatedToId))
            : isRotationDue(record, now)
                ? u"\nRotation due: created %1 days ago, and keys are rotated every %2 days. "
                  "Rotate it to get a new key with the same settings."_s
                      .arg((now - record.createdAtMs) / DayMs)
                      .arg(m_rotationPeriodDays)
                : QString();
        switch (record.effectiveStatus(now)) {
        case KeyStatus::Active:
            return limitsToolTip(record, now) + rotation;
        case KeyStatus::Disabled:
            return u"Requests fail with 401 disabled_api_key until the key is enabled again"_s +
                   rotation;
        case KeyStatus::Revoked:
            return u"Revoked %1: requests fail with 401 revoked_api_key. This is final."_s.arg(
                record.revokedAtMs ? formatLocalTime(*record.revokedAtMs) : QString());
        case KeyStatus::Expired:
            return u"Expired: requests fail with 401 expired_api_key"_s;
        }
        return {};
    }
    case Created:
        return UtcTime::toRfc3339(record.createdAtMs);
    case LastUsed:
        return record.lastUsedAtMs ? QVariant(UtcTime::toRfc3339(*record.lastUsedAtMs))
                                   : QVariant();
    case Expires:
        if (const std::optional<qint64> days = expiringSoonDays(record, nowUtcMs()))
            return u"Expires %1: %2 (%3).\nKeys are flagged %4 days before they expire "
                   "(Settings)."_s
                       .arg(inDaysText(*days), formatLocalTime(*record.spec.expiresAtMs),
                            UtcTime::toRfc3339(*record.spec.expiresAtMs))
                       .arg(m_expiryWarningDays);
        return record.spec.expiresAtMs ? QVariant(UtcTime::toRfc3339(*record.spec.expiresAtMs))
                                       : QVariant(u"This key does not expire"_s);
    case QuotaUsed:
        return u"%1 spent since %2"_s.arg(UsdAmount::display(record.quotaUsedMicros),
                                          record.spec.type == KeyType::Subscription
                                              ? u"the start of this billing cycle"_s
                                              : u"the key was created"_s);
    case QuotaRemaining:
        if (record.spec.quotaLimitMicros)
            return u"%1 of %2 left"_s.arg(UsdAmount::display(*record.quotaRemainingMicros()),
                                          UsdAmount::display(*record.spec.quotaLimitMicros));
        return u"No quota limit"_s;
    case MonthSpend:
        return u"%1 this month · %2 this week · %3 today (UTC)"_s.arg(
            UsdAmount::display(record.spendMonthMicros), UsdAmount::display(record.spendWeekMicros),
            UsdAmount::display(record.spendDayMicros));
    case Caps:
        return record.spec.spendCapDayMicros || record.spec.spendCapWeekMicros ||
                       record.spec.spendCapMonthMicros
                   ? limitsToolTip(record, nowUtcMs())
                   : QVariant(u"No spend caps"_s);
    default:
        return {};
    }
}

QString KeyTableModel::limitsToolTip(const ApiKeyRecord& record, qint64 now)
{
    const QList<KeyStanding::Use> uses = KeyStanding::uses(record, now);
    QStringList reached;
    QStringList standing;
    for (const KeyStanding::Use& use : uses) {
        const QString name = KeyStanding::limitName(use.limit);
        if (!use.reached()) {
            standing << u"%1: %2 of %3 (%4%)"_s
                            .arg(name.left(1).toUpper() + name.mid(1),
                                 UsdAmount::display(use.usedMicros),
                                 UsdAmount::display(use.limitMicros))
                            .arg(use.percent());
            continue;
        }
        const QString until = use.resetsAtMs ? u"until %1"_s.arg(formatLocalTime(*use.resetsAtMs))
                                             : u"until an admin raises it"_s;
        reached << u"The %1 of %2 is %3 (%4 spent): requests fail with %5 %6."_s.arg(
            name, UsdAmount::display(use.limitMicros),
            use.limit == KeyStanding::Limit::Quota ? u"used up"_s : u"reached"_s,
            UsdAmount::display(use.usedMicros), KeyStanding::refusalText(use.limit), until);
    }
    QString text =
        reached.isEmpty() ? u"Requests with this key are accepted."_s : reached.join(u"\n"_s);
    if (!standing.isEmpty())
        text += u"\n"_s + standing.join(u"\n"_s);
    return text;
}

QColor KeyTableModel::statusColorOf(const ApiKeyRecord& record, qint64 now) const
{
    const KeyStatus status = record.effectiveStatus(now);
    if (status == KeyStatus::Active) {
        switch (KeyStanding::level(KeyStanding::worst(record, now))) {
        case KeyStanding::Level::Reached:
            return RefusingColor;
        case KeyStanding::Level::Near:
            return WarningColor;
        case KeyStanding::Level::Clear:
            break;
        }
    }
    return isRotationDue(record, now) || isRotationPending(record, now) ? WarningColor
                                                                        : statusColor(status);
}

bool KeyTableModel::isRotationPending(const ApiKeyRecord& record, qint64 now)
{
    const KeyStatus status = record.effectiveStatus(now);
    return !record.rotatedToId.isEmpty() &&
           (status == KeyStatus::Active || status == KeyStatus::Disabled);
}

QVariant KeyTableModel::foreground(const ApiKeyRecord& record, int column) const
{
    const qint64 now = nowUtcMs();
    const KeyStatus status = record.effectiveStatus(now);
    if (column == Status)
        return statusColorOf(record, now);
    if (column == Expires && expiringSoonDays(record, now))
        return WarningColor;
    if (column == Key && secretPresence(record) == SecretIndex::Presence::NotHere)
        return QColor(0x80, 0x80, 0x80);
    // Keys that can no longer authenticate fade out so the live ones stand out.
    if (status == KeyStatus::Revoked || status == KeyStatus::Expired)
        return QColor(0x80, 0x80, 0x80);
    return {};
}

QString KeyTableModel::secretNotHereText()
{
    return u"This key's secret is not in this computer's keychain: it was shown once where the key "
           u"was "
           "created. Rotate the key to get a new secret here."_s;
}

void KeyTableModel::setSecretPresence(SecretPresence presence)
{
    m_secretPresence = std::move(presence);
    secretPresenceChanged();
}

void KeyTableModel::secretPresenceChanged()
{
    if (!m_records.isEmpty())
        Q_EMIT dataChanged(
            index(0, Key), index(rowCount() - 1, Key),
            {Qt::DecorationRole, Qt::ToolTipRole, Qt::ForegroundRole, SecretPresenceRole});
}

SecretIndex::Presence KeyTableModel::secretPresence(const ApiKeyRecord& record) const
{
    return m_secretPresence ? m_secretPresence(record) : SecretIndex::Presence::Unknown;
}

QString KeyTableModel::searchTextFor(const ApiKeyRecord& record)
{
    // Newlines keep a match from spanning two fields; a QLineEdit cannot type one.
    QString text = record.spec.label + u'\n' + record.hint + u'\n' + record.spec.environment +
                   u'\n' + record.id;
    if (!record.spec.owner.isEmpty())
        text += u'\n' + record.spec.owner;
    for (const QString& model : record.spec.models)
        text += u'\n' + model;
    return text.toCaseFolded();
}

KeyTableModel::Rows KeyTableModel::prepare(QList<ApiKeyRecord> records)
{
    Rows rows;
    rows.searchText.reserve(records.size());
    rows.rowById.reserve(records.size());
    for (int row = 0; row < records.size(); ++row) {
        const ApiKeyRecord& record = records.at(row);
        rows.searchText.append(searchTextFor(record));
        rows.rowById.insert(record.id, row);
        ++rows.environmentCounts[record.spec.environment];
    }
    rows.records = std::move(records);
    return rows;
}

bool KeyTableModel::setRecords(Rows rows)
{
    const bool wasLoaded = std::exchange(m_loaded, true);
    m_statusCheckedAtMs = nowUtcMs();
    const bool reset = !wasLoaded || !applyIncrementally(rows);
    if (reset)
        resetTo(std::move(rows));
    updateEnvironments();
    return reset;
}

void KeyTableModel::resetTo(Rows rows)
{
    beginResetModel();
    m_records = std::move(rows.records);
    m_searchText = std::move(rows.searchText);
    m_rowById = std::move(rows.rowById);
    m_environmentCounts = std::move(rows.environmentCounts);
    endResetModel();
}

bool KeyTableModel::applyIncrementally(Rows& rows)
{
    const QList<ApiKeyRecord>& records = rows.records;
    const QHash<QString, int>& newRow = rows.rowById;
    if (newRow.size() != records.size())
        return false;

    // Surviving rows must keep their relative order, otherwise rows would have to move.
    int runs = 0;
    int lastNewRow = -1;
    bool inRun = false;
    for (const ApiKeyRecord& old : std::as_const(m_records)) {
        const auto it = newRow.constFind(old.id);
        if (it == newRow.cend()) {
            runs += inRun ? 0 : 1;
            inRun = true;
            continue;
        }
        inRun = false;
        if (*it <= lastNewRow)
            return false;
        lastNewRow = *it;
    }
    inRun = false;
    for (const ApiKeyRecord& record : records) {
        const bool isNew = !m_rowById.contains(record.id);
        runs += (isNew && !inRun) ? 1 : 0;
        inRun = isNew;
    }
    if (runs > MaxIncrementalRuns)
        return false;

    for (int end = int(m_records.size()) - 1; end >= 0; --end) {
        if (newRow.contains(m_records.at(end).id))
            continue;
        int first = end;
        while (first > 0 && !newRow.contains(m_records.at(first - 1).id))
            --first;
        beginRemoveRows({}, first, end);
        m_records.remove(first, end - first + 1);
        m_searchText.remove(first, end - first + 1);
        endRemoveRows();
        end = first;
    }

    for (int row = 0; row < records.size(); ++row) {
        if (m_rowById.contains(records.at(row).id))
            continue;
        int last = row;
        while (last + 1 < records.size() && !m_rowById.contains(records.at(last + 1).id))
            ++last;
        beginInsertRows({}, row, last);
        for (int i = row; i <= last; ++i) {
            m_records.insert(i, records.at(i));
            m_searchText.insert(i, rows.searchText.at(i));
        }
        endInsertRows();
        row = last;
    }
    m_rowById = std::move(rows.rowById);
    m_environmentCounts = std::move(rows.environmentCounts);

    for (int row = 0; row < records.size(); ++row) {
        if (m_records.at(row) == records.at(row))
            continue;
        int last = row;
        while (last + 1 < records.size() && m_records.at(last + 1) != records.at(last + 1))
            ++last;
        for (int i = row; i <= last; ++i) {
            m_records[i] = records.at(i);
            m_searchText[i] = rows.searchText.at(i);
        }
        Q_EMIT dataChanged(index(row, 0), index(last, ColumnCount - 1));
        row = last;
    }
    return true;
}

void KeyTableModel::upsertRecord(const ApiKeyRecord& record)
{
    const int row = rowForId(record.id);
    if (row >= 0) {
        if (m_records.at(row) == record)
            return;
        countEnvironment(m_records.at(row).spec.environment, -1);
        m_records[row] = record;
        m_searchText[row] = searchTextFor(record);
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    } else {
        // Stores list newest first; a record we have not seen is a new key.
        beginInsertRows({}, 0, 0);
        m_records.prepend(record);
        m_searchText.prepend(searchTextFor(record));
        rebuildIndex();
        endInsertRows();
    }
    countEnvironment(record.spec.environment, 1);
    updateEnvironments();
}

int KeyTableModel::applyUsage(const QList<KeyUsage>& usage)
{
    int first = -1;
    int last = -1;
    int changed = 0;
    for (const KeyUsage& key : usage) {
        const int row = rowForId(key.keyId);
        if (row < 0 || KeyUsage::of(m_records.at(row)) == key)
            continue;
        key.applyTo(m_records[row]);
        first = first < 0 ? row : qMin(first, row);
        last = qMax(last, row);
        ++changed;
    }
    if (changed > 0)
        // Status too: a quota or cap reached says so there.
        Q_EMIT dataChanged(index(first, Status), index(last, ColumnCount - 1));
    return changed;
}

void KeyTableModel::removeRecord(const QString& id)
{
    const int row = rowForId(id);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    countEnvironment(m_records.at(row).spec.environment, -1);
    m_records.removeAt(row);
    m_searchText.removeAt(row);
    rebuildIndex();
    endRemoveRows();
    updateEnvironments();
}

void KeyTableModel::refreshTimeDependentColumns()
{
    const qint64 now = nowUtcMs();
    for (int row = 0; row < m_records.size(); ++row) {
        const ApiKeyRecord& record = m_records.at(row);
        const std::optional<qint64>& expires = record.spec.expiresAtMs;
        if (expires && *expires > m_statusCheckedAtMs && *expires <= now)
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        else if (flagState(record, now) != flagState(record, m_statusCheckedAtMs))
            Q_EMIT dataChanged(index(row, Status), index(row, Expires));
    }
    m_statusCheckedAtMs = now;
}

void KeyTableModel::setLifecycleThresholds(int expiryWarningDays, int rotationPeriodDays)
{
    if (expiryWarningDays == m_expiryWarningDays && rotationPeriodDays == m_rotationPeriodDays)
        return;
    m_expiryWarningDays = expiryWarningDays;
    m_rotationPeriodDays = rotationPeriodDays;
    if (!m_records.isEmpty())
        Q_EMIT dataChanged(index(0, Status), index(rowCount() - 1, Expires));
}

std::optional<qint64> KeyTableModel::expiringSoonDays(const ApiKeyRecord& record, qint64 now) const
{
    const std::optional<qint64>& expires = record.spec.expiresAtMs;
    if (!expires || *expires <= now || record.status == KeyStatus::Revoked ||
        *expires - now > m_expiryWarningDays * DayMs)
        return std::nullopt;
    return (*expires - now) / DayMs;
}

bool KeyTableModel::isRotationDue(const ApiKeyRecord& record, qint64 now) const
{
    // Revoked and expired keys serve nothing; a rotated key is waiting to be revoked.
    const KeyStatus status = record.effectiveStatus(now);
    return (status == KeyStatus::Active || status == KeyStatus::Disabled) &&
           record.rotatedToId.isEmpty() && now - record.createdAtMs >= m_rotationPeriodDays * DayMs;
}

qint64 KeyTableModel::flagState(const ApiKeyRecord& record, qint64 now) const
{
    const std::optional<qint64> days = expiringSoonDays(record, now);
    return (days ? *days + 1 : 0) * 2 + (isRotationDue(record, now) ? 1 : 0);
}

void KeyTableModel::rebuildIndex()
{
    m_rowById.clear();
    m_rowById.reserve(m_records.size());
    for (int i = 0; i < m_records.size(); ++i)
        m_rowById.insert(m_records.at(i).id, i);
}

void KeyTableModel::countEnvironment(const QString& environment, int delta)
{
    const int count = m_environmentCounts.value(environment) + delta;
    if (count > 0)
        m_environmentCounts.insert(environment, count);
    else
        m_environmentCounts.remove(environment);
}

void KeyTableModel::updateEnvironments()
{
    QStringList sorted = m_environmentCounts.keys();
    std::sort(sorted.begin(), sorted.end(),
              [](const QString& a, const QString& b) { return compareText(a, b) < 0; });
    if (sorted == m_environments)
        return;
    m_environments = std::move(sorted);
    Q_EMIT environmentsChanged();
}
