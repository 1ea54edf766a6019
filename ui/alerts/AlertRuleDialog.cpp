#include "AlertRuleDialog.h"

#include "UsdAmount.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
struct KindChoice
{
    AlertRule::Kind kind;
    const char16_t* text;
};
constexpr KindChoice KindChoices[] = {
    {AlertRule::Kind::QuotaRemainingBelowUsd, u"Quota remaining below an amount"},
    {AlertRule::Kind::QuotaRemainingBelowPercent, u"Quota remaining below a percentage"},
    {AlertRule::Kind::SpendPerDayAbove, u"Spend per day over"},
    {AlertRule::Kind::SpendPerWeekAbove, u"Spend per week over"},
    {AlertRule::Kind::ExpiringWithinDays, u"Key expiring within"},
    {AlertRule::Kind::RotationDue, u"Key older than (rotation due)"},
    {AlertRule::Kind::LimitUsedPercent, u"Quota or spend cap used"},
    {AlertRule::Kind::RotationPending, u"Rotated key not yet revoked, a warning after"},
};
} // namespace

AlertRuleDialog::AlertRuleDialog(const QList<ApiKeyRecord>& keys, QWidget* parent)
    : QDialog(parent)
    , m_keys(keys)
{
    setObjectName(u"alertRuleDialog"_s);
    setWindowTitle(u"Add alert rule"_s);
    std::sort(m_keys.begin(), m_keys.end(), [](const ApiKeyRecord& a, const ApiKeyRecord& b) {
        return a.spec.label.compare(b.spec.label, Qt::CaseInsensitive) < 0;
    });

    m_kindCombo = new QComboBox(this);
    m_kindCombo->setObjectName(u"kindCombo"_s);
    for (const KindChoice& choice : KindChoices)
        m_kindCombo->addItem(QString::fromUtf16(choice.text), int(choice.kind));

    m_prefixLabel = new QLabel(u"$"_s, this);
    m_prefixLabel->setObjectName(u"thresholdPrefix"_s);
    m_thresholdEdit = new QLineEdit(this);
    m_thresholdEdit->setObjectName(u"thresholdEdit"_s);
    m_thresholdEdit->setMaximumWidth(m_thresholdEdit->fontMetrics().horizontalAdvance(u"0"_s) * 14);
    m_suffixLabel = new QLabel(this);
    m_suffixLabel->setObjectName(u"thresholdSuffix"_s);
    auto* thresholdRow = new QHBoxLayout;
    thresholdRow->setSpacing(6);
    thresholdRow->addWidget(m_prefixLabel);
    thresholdRow->addWidget(m_thresholdEdit);
    thresholdRow->addWidget(m_suffixLabel);
    thresholdRow->addStretch(1);

    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(u"thresholdError"_s);
    m_errorLabel->setWordWrap(true);
    QPalette palette = m_errorLabel->palette();
    palette.setColor(QPalette::WindowText, QColor(0xc6, 0x28, 0x28));
    m_errorLabel->setPalette(palette);
    m_errorLabel->hide();

    m_keyCombo = new QComboBox(this);
    m_keyCombo->setObjectName(u"keyCombo"_s);
    m_keyCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);

    m_summaryLabel = new QLabel(this);
    m_summaryLabel->setObjectName(u"ruleSummary"_s);
    m_summaryLabel->setWordWrap(true);
    m_summaryLabel->setForegroundRole(QPalette::PlaceholderText);

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    form->addRow(u"Alert when"_s, m_kindCombo);
    form->addRow(u"Threshold"_s, thresholdRow);
    form->addRow(QString(), m_errorLabel);
    form->addRow(u"Key"_s, m_keyCombo);

    auto* buttons = new QDialogButtonBox(this);
    buttons->addButton(QDialogButtonBox::Cancel);
    m_acceptButton = buttons->addButton(QDialogButtonBox::Ok);
    m_acceptButton->setObjectName(u"saveRuleButton"_s);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->setSpacing(12);
    layout->addLayout(form);
    layout->addWidget(m_summaryLabel);
    layout->addStretch(1);
    layout->addWidget(buttons);

    connect(m_kindCombo, &QComboBox::currentIndexChanged, this, &AlertRuleDialog::kindChanged);
    connect(m_thresholdEdit, &QLineEdit::textChanged, this, &AlertRuleDialog::validate);
    connect(m_keyCombo, &QComboBox::currentIndexChanged, this, &AlertRuleDialog::validate);

    setRule(AlertRule{0, AlertRule::Kind::QuotaRemainingBelowPercent, 20, QString(), true});
    setMinimumWidth(440);
}

AlertRuleDialog::Unit AlertRuleDialog::unitOf(AlertRule::Kind kind)
{
    switch (kind) {
    case AlertRule::Kind::QuotaRemainingBelowPercent:
    case AlertRule::Kind::LimitUsedPercent:
        return Unit::Percent;
    case AlertRule::Kind::ExpiringWithinDays:
    case AlertRule::Kind::RotationDue:
    case AlertRule::Kind::RotationPending:
        return Unit::Days;
    case AlertRule::Kind::QuotaRemainingBelowUsd:
    case AlertRule::Kind::SpendPerDayAbove:
    case AlertRule::Kind::SpendPerWeekAbove:
        return Unit::Usd;
    }
    return Unit::Usd;
}

QString AlertRuleDialog::defaultThreshold(AlertRule::Kind kind)
{
    switch (kind) {
    case AlertRule::Kind::QuotaRemainingBelowUsd:
        return u"5.00"_s;
    case AlertRule::Kind::QuotaRemainingBelowPercent:
        return u"20"_s;
    case AlertRule::Kind::SpendPerDayAbove:
        return u"10.00"_s;
    case AlertRule::Kind::SpendPerWeekAbove:
        return u"50.00"_s;
    case AlertRule::Kind::ExpiringWithinDays:
        return u"14"_s;
    case AlertRule::Kind::RotationDue:
        return u"90"_s;
    case AlertRule::Kind::LimitUsedPercent:
        return u"100"_s;
    case AlertRule::Kind::RotationPending:
        return u"7"_s;
    }
    return {};
}

QString AlertRuleDialog::thresholdText(const AlertRule& rule)
{
    return unitOf(rule.kind) == Unit::Usd ? UsdAmount::format(rule.threshold)
                                          : QString::number(rule.threshold);
}

void AlertRuleDialog::setRule(const AlertRule& rule)
{
    m_rule = rule;
    setWindowTitle(rule.id == 0 ? u"Add alert rule"_s : u"Edit alert rule"_s);
    {
        const QSignalBlocker blocker(m_kindCombo);
        m_kindCombo->setCurrentIndex(qMax(0, m_kindCombo->findData(int(rule.kind))));
    }
    populateKeys(rule.keyId);
    m_thresholdEdit->setText(thresholdText(rule));
    kindChanged();
}

void AlertRuleDialog::populateKeys(const QString& selectedKeyId)
{
    const QSignalBlocker blocker(m_keyCombo);
    m_keyCombo->clear();
    m_keyCombo->addItem(u"All keys"_s, QString());
    bool found = selectedKeyId.isEmpty();
    for (const ApiKeyRecord& key : std::as_const(m_keys)) {
        const bool selected = key.id == selectedKeyId;
        // Revoked keys raise nothing; offer one only to keep what a rule already says.
        if (key.status == KeyStatus::Revoked && !selected)
            continue;
        m_keyCombo->addItem(key.spec.label, key.id);
        found = found || selected;
    }
    if (!found)
        m_keyCombo->addItem(u"Deleted key (%1)"_s.arg(selectedKeyId), selectedKeyId);
    m_keyCombo->setCurrentIndex(qMax(0, m_keyCombo->findData(selectedKeyId)));
}

AlertRule::Kind AlertRuleDialog::currentKind() const
{
    return AlertRule::Kind(m_kindCombo->currentData().toInt());
}

void AlertRuleDialog::kindChanged()
{
    const Unit unit = unitOf(currentKind());
    // A threshold in another unit means nothing for this kind: start from a sensible one.
    const bool otherMeaning =
        currentKind() != m_rule.kind && (currentKind() == AlertRule::Kind::LimitUsedPercent ||
                                         m_rule.kind == AlertRule::Kind::LimitUsedPercent);
    if (unit != unitOf(m_rule.kind) || otherMeaning || m_thresholdEdit->text().isEmpty())
        m_thresholdEdit->setText(defaultThreshold(currentKind()));
    m_rule.kind = currentKind();
    m_prefixLabel->setVisible(unit == Unit::Usd);
    m_suffixLabel->setVisible(unit != Unit::Usd);
    m_suffixLabel->setText(currentKind() == AlertRule::Kind::LimitUsedPercent
                               ? u"% of a quota or spend cap"_s
                           : unit == Unit::Percent ? u"% of the key's quota"_s
                                                   : u"days"_s);
    switch (currentKind()) {
    case AlertRule::Kind::QuotaRemainingBelowUsd:
    case AlertRule::Kind::QuotaRemainingBelowPercent:
        m_thresholdEdit->setToolTip(u"Keys without a quota limit never raise this alert"_s);
        break;
    case AlertRule::Kind::SpendPerDayAbove:
        m_thresholdEdit->setToolTip(u"Spend in the current UTC day"_s);
        break;
    case AlertRule::Kind::SpendPerWeekAbove:
        m_thresholdEdit->setToolTip(u"Spend in the current week, from Monday (UTC)"_s);
        break;
    case AlertRule::Kind::ExpiringWithinDays:
        m_thresholdEdit->setToolTip(u"Days before the key's expiry"_s);
        break;
    case AlertRule::Kind::RotationDue:
        m_thresholdEdit->setToolTip(
            u"Age of a key, counted from its creation, after which it should be rotated"_s);
        break;
    case AlertRule::Kind::LimitUsedPercent:
        m_thresholdEdit->setToolTip(
            u"100: the quota is used up or a day, week or month cap is reached, and requests "
            "fail with 402 or 429"_s);
        break;
    case AlertRule::Kind::RotationPending:
        m_thresholdEdit->setToolTip(
            u"A key replaced by rotation is a notice until it is revoked, and a warning once "
            "its clients have had this many days to move to its successor"_s);
        break;
    }
    validate();
}

std::optional<qint64> AlertRuleDialog::parseThreshold(QString* error) const
{
    const QString text = m_thresholdEdit->text().trimmed();
    if (text.isEmpty()) {
        *error = u"enter a threshold"_s;
        return std::nullopt;
    }
    if (unitOf(currentKind()) == Unit::Usd) {
        const std::optional<qint64> micros = UsdAmount::parse(text, error);
        if (!micros && error->isEmpty())
            *error = u"not an amount in USD"_s;
        return micros;
    }
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok) {
        *error = u"enter a whole number"_s;
        return std::nullopt;
    }
    return value;
}

void AlertRuleDialog::validate()
{
    QString error;
    const std::optional<qint64> threshold = parseThreshold(&error);
    if (threshold) {
        m_rule.threshold = *threshold;
        error = m_rule.validate();
    }
    m_rule.keyId = m_keyCombo->currentData().toString();
    m_valid = error.isEmpty();
    m_errorLabel->setText(error.isEmpty() ? QString() : error.left(1).toUpper() + error.mid(1));
    m_errorLabel->setVisible(!m_valid);
    m_acceptButton->setEnabled(m_valid);
    m_summaryLabel->setText(
        m_valid ? u"%1 — %2."_s.arg(m_rule.describe(), m_keyCombo->currentIndex() == 0
                                                           ? u"every key"_s
                                                           : m_keyCombo->currentText())
                : QString());
}

AlertRule AlertRuleDialog::rule() const
{
    return m_rule;
}
