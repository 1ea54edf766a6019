#include "KeySpecForm.h"

#include "Clock.h"
#include "KeyValidator.h"
#include "TierLimits.h"
#include "TypeableDateTimeEdit.h"
#include "UsdAmount.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 DefaultExpiryDays = 90;

QString fieldTitle(const QString& field)
{
    static const QHash<QString, QString> titles{
        {u"label"_s, u"Label"_s},
        {u"environment"_s, u"Environment"_s},
        {u"type"_s, u"Type"_s},
        {u"billing_cycle_day"_s, u"Billing day"_s},
        {u"permissions"_s, u"Permissions"_s},
        {u"expires"_s, u"Expiry"_s},
        {u"quota_usd"_s, u"Quota"_s},
        {u"spend_cap_day"_s, u"Spend cap / day"_s},
        {u"spend_cap_week"_s, u"Spend cap / week"_s},
        {u"spend_cap_month"_s, u"Spend cap / month"_s},
        {u"tier"_s, u"Tier"_s},
        {u"rpm"_s, u"RPM"_s},
        {u"tpm"_s, u"TPM"_s},
        {u"models"_s, u"Models"_s},
        {u"ips"_s, u"IP allowlist"_s},
        {u"owner"_s, u"Owner"_s},
        {u"note"_s, u"Note"_s},
    };
    return titles.value(field, field);
}

QLocale groupingLocale()
{
    QLocale locale;
    // The C locale omits group separators; "100,000 req/month" reads better everywhere.
    locale.setNumberOptions(QLocale::DefaultNumberOptions);
    return locale;
}

QString tierText(Tier tier)
{
    QString name = KeyEnums::tierName(tier);
    name[0] = name[0].toUpper();
    const TierLimits limits = TierLimits::forTier(tier);
    if (!limits.requestsPerMonth || !limits.requestsPerMinute)
        return name + u" — unlimited, custom limits per key"_s;
    const QLocale locale = groupingLocale();
    return u"%1 — %2 req/month, %3 req/min"_s.arg(name, locale.toString(*limits.requestsPerMonth),
                                                  locale.toString(*limits.requestsPerMinute));
}

QString overridePlaceholder(const std::optional<qint64>& tierValue)
{
    if (!tierValue)
        return u"No tier limit"_s;
    return u"Tier default: %1"_s.arg(groupingLocale().toString(*tierValue));
}

QString moneyText(const std::optional<qint64>& micros)
{
    return micros ? UsdAmount::format(*micros) : QString();
}

QLabel* smallLabel(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    label->setFont(font);
    return label;
}

QPlainTextEdit* listEdit(const QString& objectName, const QString& placeholder, QWidget* parent)
{
    auto* edit = new QPlainTextEdit(parent);
    edit->setObjectName(objectName);
    edit->setPlaceholderText(placeholder);
    edit->setTabChangesFocus(true);
    const int lines = 3;
    const QMargins margins = edit->contentsMargins();
    edit->setFixedHeight(edit->fontMetrics().lineSpacing() * lines +
                         2 * int(edit->document()->documentMargin()) + margins.top() +
                         margins.bottom() + 2 * edit->frameWidth());
    return edit;
}

// Amounts are US dollars: said once, before the field, instead of in every placeholder.
QLabel* dollarSign(QWidget* parent)
{
    auto* sign = new QLabel(u"$"_s, parent);
    sign->setForegroundRole(QPalette::PlaceholderText);
    return sign;
}

QLineEdit* lineEdit(const QString& objectName, const QString& placeholder, QWidget* parent)
{
    auto* edit = new QLineEdit(parent);
    edit->setObjectName(objectName);
    edit->setPlaceholderText(placeholder);
    return edit;
}

std::optional<qint64> parseOptionalMoney(const QLineEdit* edit, const QString& field,
                                         FieldErrors& errors)
{
    const QString text = edit->text().trimmed();
    if (text.isEmpty())
        return std::nullopt;
    QString error;
    const auto micros = UsdAmount::parse(text, &error);
    if (!micros)
        errors << FieldError{field, error};
    return micros;
}

std::optional<qint64> parseOptionalCount(const QLineEdit* edit, const QString& field,
                                         FieldErrors& errors)
{
    QString text = edit->text().trimmed();
    if (text.isEmpty())
        return std::nullopt;
    // Accept the grouping the placeholder shows ("1,000").
    text.remove(u',');
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok) {
        errors << FieldError{field, u"\"%1\" is not a whole number (leave it empty for the tier "
                                    u"default)"_s.arg(edit->text().trimmed())};
        return std::nullopt;
    }
    return value;
}
} // namespace

KeySpecForm::KeySpecForm(const Clock& clock, QWidget* parent)
    : QWidget(parent)
    , m_clock(clock)
{
    setObjectName(u"keySpecForm"_s);
    // Text inputs get a red border. Combo boxes, spin boxes and date edits get it on a frame
    // around them: on the control itself it would replace the native drop-down arrow.
    setStyleSheet(u"QLineEdit[invalid=\"true\"], QPlainTextEdit[invalid=\"true\"],"
                  u" QFrame[outline=\"true\"][invalid=\"true\"]"
                  u" { border: 1px solid #c62828; border-radius: 3px; padding: 2px; }"
                  u" QFrame[outline=\"true\"][invalid=\"true\"] { padding: 0px; }"
                  u" QLabel[role=\"error\"] { color: #c62828; }"_s);

    // One grid for all sections keeps every input in a single column. Not QFormLayout: its
    // height-for-width squeezed some rows with wrapped error text and padded others.
    m_grid = new QGridLayout(this);
    m_grid->setHorizontalSpacing(16);
    m_grid->setVerticalSpacing(8);
    m_grid->setColumnStretch(1, 1);
    buildKeySection();
    buildExpirySection();
    buildLimitsSection();
    buildAccessSection();
    buildOwnerSection();
    m_grid->setRowStretch(m_grid->rowCount(), 1);

    setSpec(KeySpec{});
}

void KeySpecForm::buildKeySection()
{
    addSection(u"Key"_s);

    m_labelEdit = lineEdit(u"labelEdit"_s, u"e.g. prod-web-app"_s, this);
    m_labelEdit->setMaxLength(KeyValidator::MaxLabelLength * 2);
    addRow(u"Label"_s,
           fieldBox(u"label"_s, m_labelEdit, u"Required. One key per app or service."_s),
           m_labelEdit);
    connect(m_labelEdit, &QLineEdit::textEdited, this, [this] { touch(u"label"_s); });

    m_environmentCombo = new QComboBox(this);
    m_environmentCombo->setObjectName(u"environmentCombo"_s);
    m_environmentCombo->setEditable(true);
    m_environmentCombo->setInsertPolicy(QComboBox::NoInsert);
    m_environmentCombo->addItems({u"dev"_s, u"staging"_s, u"prod"_s});
    m_environmentCombo->lineEdit()->setPlaceholderText(
        u"Choose dev, staging, prod or type your own"_s);
    addRow(u"Environment"_s,
           fieldBox(u"environment"_s, m_environmentCombo,
                    u"Pick one or type your own, e.g. ci or eu-prod."_s),
           m_environmentCombo);
    connect(m_environmentCombo, &QComboBox::editTextChanged, this,
            [this] { touch(u"environment"_s); });

    m_typeCombo = new QComboBox(this);
    m_typeCombo->setObjectName(u"typeCombo"_s);
    m_typeCombo->addItem(u"Standard"_s, int(KeyType::Standard));
    m_typeCombo->addItem(u"Subscription"_s, int(KeyType::Subscription));
    addRow(u"Type"_s, fieldBox(u"type"_s, m_typeCombo), m_typeCombo);

    m_billingDaySpin = new QSpinBox(this);
    m_billingDaySpin->setObjectName(u"billingDaySpin"_s);
    m_billingDaySpin->setRange(1, 28);
    m_billingDaySpin->setPrefix(u"Day "_s);
    m_inputs[u"billing_cycle_day"_s] << m_billingDaySpin;
    auto* billingRow = new QHBoxLayout;
    billingRow->addWidget(outlined(m_billingDaySpin));
    billingRow->addSpacing(8);
    QLabel* billingHint =
        smallLabel(u"Subscription keys only: the quota resets on this day each month."_s, this);
    billingHint->setForegroundRole(QPalette::PlaceholderText);
    billingRow->addWidget(billingHint, 1);
    addRow(u"Billing day"_s, fieldBox(u"billing_cycle_day"_s, billingRow), m_billingDaySpin);
    connect(m_typeCombo, &QComboBox::currentIndexChanged, this, [this] {
        m_billingDaySpin->setEnabled(m_typeCombo->currentData().toInt() ==
                                     int(KeyType::Subscription));
        touch(u"type"_s);
    });
    connect(m_billingDaySpin, &QSpinBox::valueChanged, this,
            [this] { touch(u"billing_cycle_day"_s); });

    const auto permission = [&](const QString& name, const QString& text, const QString& tip) {
        auto* check = new QCheckBox(text, this);
        check->setObjectName(name);
        check->setToolTip(tip);
        connect(check, &QCheckBox::toggled, this, [this] { touch(u"permissions"_s); });
        return check;
    };
    m_permRead = permission(u"permRead"_s, u"Read"_s, u"Read data and generate content"_s);
    m_permWrite = permission(u"permWrite"_s, u"Write"_s, u"Create and modify resources"_s);
    m_permAdmin = permission(u"permAdmin"_s, u"Admin"_s, u"Manage keys and settings"_s);
    m_permWebhook = permission(u"permWebhook"_s, u"Webhook"_s, u"Manage webhooks"_s);
    auto* permRow = new QHBoxLayout;
    permRow->setSpacing(16);
    for (QCheckBox* check : {m_permRead, m_permWrite, m_permAdmin, m_permWebhook})
        permRow->addWidget(check);
    permRow->addStretch(1);
    addRow(u"Permissions"_s, fieldBox(u"permissions"_s, permRow), m_permRead);
}

void KeySpecForm::buildExpirySection()
{
    addSection(u"Expiry"_s);

    m_expiryNeverCheck = new QCheckBox(u"Never"_s, this);
    m_expiryNeverCheck->setObjectName(u"expiryNeverCheck"_s);
    m_expiryEdit = new TypeableDateTimeEdit(this);
    m_expiryEdit->setObjectName(u"expiryEdit"_s);
    m_expiryEdit->setTimeSpec(Qt::LocalTime);
    m_expiryEdit->setDisplayFormat(u"yyyy-MM-dd HH:mm"_s);
    m_expiryEdit->setCalendarPopup(true);
    m_inputs[u"expires"_s] << m_expiryEdit;
    auto* row = new QHBoxLayout;
    row->addWidget(m_expiryNeverCheck);
    row->addSpacing(8);
    row->addWidget(outlined(m_expiryEdit), 1);
    const QString hint =
        u"Local time (%1). Requests fail with expired_api_key from this moment."_s.arg(
            QDateTime::currentDateTime().timeZoneAbbreviation());
    addRow(u"Expires"_s, fieldBox(u"expires"_s, row, hint), m_expiryEdit);

    connect(m_expiryNeverCheck, &QCheckBox::toggled, this, [this](bool never) {
        m_expiryEdit->setEnabled(!never);
        touch(u"expires"_s);
    });
    connect(m_expiryEdit, &QDateTimeEdit::dateTimeChanged, this, [this] { touch(u"expires"_s); });
}

void KeySpecForm::buildLimitsSection()
{
    addSection(u"Limits"_s, true);

    m_quotaEdit = lineEdit(u"quotaEdit"_s, u"e.g. 25.00"_s, this);
    m_quotaUnlimitedCheck = new QCheckBox(u"Unlimited"_s, this);
    m_quotaUnlimitedCheck->setObjectName(u"quotaUnlimitedCheck"_s);
    m_inputs[u"quota_usd"_s] << m_quotaEdit;
    auto* quotaRow = new QHBoxLayout;
    quotaRow->addWidget(dollarSign(this));
    quotaRow->addWidget(m_quotaEdit, 1);
    quotaRow->addSpacing(8);
    quotaRow->addWidget(m_quotaUnlimitedCheck);
    addRow(u"Quota"_s,
           fieldBox(u"quota_usd"_s, quotaRow,
                    u"Total spend allowed before requests fail with insufficient_quota."_s),
           m_quotaEdit);
    connect(m_quotaEdit, &QLineEdit::textEdited, this, [this] { touch(u"quota_usd"_s); });
    connect(m_quotaUnlimitedCheck, &QCheckBox::toggled, this, [this](bool unlimited) {
        m_quotaEdit->setEnabled(!unlimited);
        if (!unlimited && !m_filling)
            m_quotaEdit->setFocus();
        touch(u"quota_usd"_s);
    });

    const auto capRow = [this](const QString& field, const QString& name, const QString& title,
                               QLineEdit*& edit) {
        edit = lineEdit(name, u"No cap"_s, this);
        m_inputs[field] << edit;
        auto* row = new QHBoxLayout;
        row->addWidget(dollarSign(this));
        row->addWidget(edit, 1);
        addRow(title, fieldBox(field, row), edit);
        connect(edit, &QLineEdit::textEdited, this, [this, field] { touch(field); });
    };
    capRow(u"spend_cap_day"_s, u"spendCapDayEdit"_s, u"Spend cap / day"_s, m_spendCapDayEdit);
    capRow(u"spend_cap_week"_s, u"spendCapWeekEdit"_s, u"Spend cap / week"_s, m_spendCapWeekEdit);
    capRow(u"spend_cap_month"_s, u"spendCapMonthEdit"_s, u"Spend cap / month"_s,
           m_spendCapMonthEdit);

    m_tierCombo = new QComboBox(this);
    m_tierCombo->setObjectName(u"tierCombo"_s);
    m_tierCombo->setPlaceholderText(u"Choose a tier"_s);
    for (Tier tier : KeyEnums::allTiers())
        m_tierCombo->addItem(tierText(tier), int(tier));
    addRow(u"Tier"_s, fieldBox(u"tier"_s, m_tierCombo), m_tierCombo);
    connect(m_tierCombo, &QComboBox::currentIndexChanged, this, [this] {
        updateTierHints();
        touch(u"tier"_s);
    });

    m_rpmEdit = lineEdit(u"rpmEdit"_s, {}, this);
    addRow(u"RPM override"_s, fieldBox(u"rpm"_s, m_rpmEdit), m_rpmEdit);
    connect(m_rpmEdit, &QLineEdit::textEdited, this, [this] { touch(u"rpm"_s); });
    m_tpmEdit = lineEdit(u"tpmEdit"_s, {}, this);
    addRow(u"TPM override"_s,
           fieldBox(u"tpm"_s, m_tpmEdit,
                    u"Requests and tokens per minute. Overrides can only lower the tier's "
                    u"limits; empty keeps the tier default."_s),
           m_tpmEdit);
    connect(m_tpmEdit, &QLineEdit::textEdited, this, [this] { touch(u"tpm"_s); });
    updateTierHints();
}

void KeySpecForm::buildAccessSection()
{
    addSection(u"Access"_s, true);

    m_modelsEdit = listEdit(u"modelsEdit"_s, u"gpt-4o-mini, text-embedding-3-small"_s, this);
    addRow(
        u"Models"_s,
        fieldBox(u"models"_s, m_modelsEdit, u"Comma or newline separated. Empty: every model."_s),
        m_modelsEdit);
    connect(m_modelsEdit, &QPlainTextEdit::textChanged, this, [this] { touch(u"models"_s); });

    m_ipsEdit = listEdit(u"ipsEdit"_s, u"192.168.1.0/24, 10.0.0.1"_s, this);
    addRow(u"IP allowlist"_s,
           fieldBox(u"ips"_s, m_ipsEdit,
                    u"Addresses or CIDR blocks, comma or newline separated. Empty: any address."_s),
           m_ipsEdit);
    connect(m_ipsEdit, &QPlainTextEdit::textChanged, this, [this] { touch(u"ips"_s); });
}

void KeySpecForm::buildOwnerSection()
{
    addSection(u"Owner"_s);

    m_ownerEdit = lineEdit(u"ownerEdit"_s, u"e.g. Payments team, alice@example.com"_s, this);
    m_ownerEdit->setMaxLength(KeyValidator::MaxOwnerLength * 2);
    addRow(u"Owner"_s, fieldBox(u"owner"_s, m_ownerEdit), m_ownerEdit);
    connect(m_ownerEdit, &QLineEdit::textEdited, this, [this] { touch(u"owner"_s); });

    m_noteEdit = listEdit(u"noteEdit"_s, u"What the key is for, where it is deployed"_s, this);
    addRow(u"Note"_s,
           fieldBox(u"note"_s, m_noteEdit,
                    u"Seen by every admin of this store; never put a secret here."_s),
           m_noteEdit);
    connect(m_noteEdit, &QPlainTextEdit::textChanged, this, [this] { touch(u"note"_s); });
}

QWidget* KeySpecForm::fieldBox(const QString& field, QWidget* input, const QString& hint)
{
    auto* inputs = new QHBoxLayout;
    inputs->addWidget(qobject_cast<QComboBox*>(input) ? outlined(input) : input);
    m_inputs[field] << input;
    return fieldBox(field, inputs, hint);
}

QWidget* KeySpecForm::fieldBox(const QString& field, QLayout* inputs, const QString& hint)
{
    m_fieldOrder << field;
    m_sectionOfField.insert(field, m_currentSection);
    auto* box = new QWidget(this);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(3);
    inputs->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(inputs);

    QLabel* error = smallLabel({}, box);
    error->setObjectName(field + u"Error"_s);
    error->setProperty("role", u"error"_s);
    error->setTextFormat(Qt::PlainText);
    error->hide();
    layout->addWidget(error);
    m_errorLabels.insert(field, error);

    // The error takes the hint's place, and a field without a hint keeps a line free for its
    // error: a message that comes or goes never moves the fields below, under the pointer.
    QLabel* help = smallLabel(hint, box);
    help->setObjectName(field + u"Hint"_s);
    help->setForegroundRole(QPalette::PlaceholderText);
    help->setMinimumHeight(help->fontMetrics().height());
    error->setMinimumHeight(help->fontMetrics().height());
    layout->addWidget(help);
    m_hintLabels.insert(field, help);
    return box;
}

void KeySpecForm::showInSlot(QLabel* error, const QString& text, int width)
{
    error->setText(text);
    error->setToolTip(QString());
    const int slot = qMax(error->fontMetrics().height(), error->minimumHeight());
    if (width <= 0 || error->heightForWidth(width) <= slot)
        return;
    // Cut to the lines the slot has; the whole message is in the tooltip (and on Create's).
    QString shown = text;
    do {
        shown.chop(1);
        error->setText(shown.trimmed() + u'…');
    } while (shown.size() > 1 && error->heightForWidth(width) > slot);
    error->setToolTip(text);
}

void KeySpecForm::addSection(const QString& title, bool collapsible)
{
    m_currentSection = title;
    // rowCount() is 1 for an empty grid, so ask whether anything is in it yet.
    const int row = m_grid->count() == 0 ? 0 : m_grid->rowCount();
    const auto bold = [](QFont font) {
        font.setBold(true);
        font.setPointSizeF(font.pointSizeF() * 1.1);
        return font;
    };
    if (!collapsible) {
        auto* heading = new QLabel(title, this);
        heading->setObjectName(title.toLower() + u"Heading"_s);
        heading->setFont(bold(heading->font()));
        if (row > 0)
            heading->setContentsMargins(0, 14, 0, 0);
        m_grid->addWidget(heading, row, 0, 1, 2);
        return;
    }
    Section& section = m_sections[title];
    section.toggle = new QToolButton(this);
    section.toggle->setObjectName(title.toLower() + u"Heading"_s);
    section.toggle->setText(title);
    section.toggle->setFont(bold(section.toggle->font()));
    section.toggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    section.toggle->setAutoRaise(true);
    section.toggle->setArrowType(Qt::DownArrow);
    section.toggle->setToolTip(u"Show or hide the %1 fields"_s.arg(title.toLower()));
    section.summary = new QLabel(this);
    section.summary->setObjectName(title.toLower() + u"Summary"_s);
    section.summary->setForegroundRole(QPalette::PlaceholderText);
    section.summary->setTextFormat(Qt::PlainText);
    section.summary->hide();
    auto* top = new QWidget(this);
    auto* layout = new QHBoxLayout(top);
    layout->setContentsMargins(0, row > 0 ? 10 : 0, 0, 0);
    layout->addWidget(section.toggle);
    layout->addWidget(section.summary);
    layout->addStretch(1);
    m_grid->addWidget(top, row, 0, 1, 2);
    connect(section.toggle, &QToolButton::clicked, this,
            [this, title] { setSectionCollapsed(title, !isSectionCollapsed(title)); });
}

bool KeySpecForm::isSectionCollapsed(const QString& title) const
{
    const auto section = m_sections.constFind(title);
    return section != m_sections.cend() && section->collapsed;
}

void KeySpecForm::setSectionCollapsed(const QString& title, bool collapsed)
{
    const auto section = m_sections.find(title);
    if (section == m_sections.end())
        return;
    section->collapsed = collapsed;
    section->toggle->setArrowType(collapsed ? Qt::RightArrow : Qt::DownArrow);
    for (QWidget* widget : std::as_const(section->widgets))
        widget->setVisible(!collapsed);
    section->summary->setText(collapsed ? sectionSummary(title) : QString());
    section->summary->setVisible(collapsed);
}

QString KeySpecForm::sectionSummary(const QString& title) const
{
    const KeySpec typed = parse().spec;
    QStringList parts;
    if (title == u"Limits"_s) {
        parts << (m_tierCombo->currentIndex() < 0
                      ? u"no tier chosen"_s
                      : tierText(Tier(m_tierCombo->currentData().toInt())).section(u" — "_s, 0, 0) +
                            u" tier"_s);
        parts << (typed.quotaLimitMicros
                      ? u"quota %1"_s.arg(UsdAmount::display(*typed.quotaLimitMicros))
                      : u"no quota"_s);
        const int caps = int(typed.spendCapDayMicros.has_value()) +
                         int(typed.spendCapWeekMicros.has_value()) +
                         int(typed.spendCapMonthMicros.has_value());
        parts << (caps == 0   ? u"no spend caps"_s
                  : caps == 1 ? u"1 spend cap"_s
                              : u"%1 spend caps"_s.arg(caps));
    } else if (title == u"Access"_s) {
        parts << (typed.models.isEmpty()     ? u"every model"_s
                  : typed.models.size() == 1 ? u"1 model"_s
                                             : u"%1 models"_s.arg(typed.models.size()));
        parts << (typed.ipAllowlist.isEmpty() ? u"any address"_s
                  : typed.ipAllowlist.size() == 1
                      ? u"1 address range"_s
                      : u"%1 address ranges"_s.arg(typed.ipAllowlist.size()));
    }
    return parts.join(u" · "_s);
}

void KeySpecForm::foldSectionsAtDefaults()
{
    const KeySpec typed = parse().spec;
    setSectionCollapsed(u"Limits"_s, m_tierCombo->currentIndex() >= 0 && !typed.quotaLimitMicros &&
                                         !typed.spendCapDayMicros && !typed.spendCapWeekMicros &&
                                         !typed.spendCapMonthMicros && !typed.rpmOverride &&
                                         !typed.tpmOverride);
    setSectionCollapsed(u"Access"_s, typed.models.isEmpty() && typed.ipAllowlist.isEmpty());
}

void KeySpecForm::addRow(const QString& title, QWidget* field, QWidget* firstInput)
{
    auto* label = new QLabel(title, this);
    // As tall as the first input (one line for a list) and centred in it, so the title lines
    // up with the input's text even when hints and errors make the field taller.
    const bool multiLine = qobject_cast<QPlainTextEdit*>(firstInput) != nullptr;
    label->setMinimumHeight((multiLine ? m_labelEdit : firstInput)->sizeHint().height());
    label->setBuddy(firstInput);
    const int row = m_grid->rowCount();
    m_grid->addWidget(label, row, 0, Qt::AlignTop | Qt::AlignLeft);
    m_grid->addWidget(field, row, 1);
    if (const auto section = m_sections.find(m_currentSection); section != m_sections.end())
        section->widgets << label << field;
}

void KeySpecForm::askForTierAndEnvironment()
{
    m_filling = true;
    m_environmentCombo->setCurrentIndex(-1);
    m_environmentCombo->clearEditText();
    m_tierCombo->setCurrentIndex(-1);
    m_filling = false;
    updateTierHints();
    refresh();
    foldSectionsAtDefaults();
}

void KeySpecForm::updateTierHints()
{
    if (m_tierCombo->currentIndex() < 0) {
        m_rpmEdit->setPlaceholderText(u"Choose a tier first"_s);
        m_tpmEdit->setPlaceholderText(u"Choose a tier first"_s);
        return;
    }
    const TierLimits limits = TierLimits::forTier(Tier(m_tierCombo->currentData().toInt()));
    m_rpmEdit->setPlaceholderText(overridePlaceholder(limits.requestsPerMinute));
    m_tpmEdit->setPlaceholderText(overridePlaceholder(limits.tokensPerMinute));
}

void KeySpecForm::setSpec(const KeySpec& spec)
{
    m_filling = true;
    m_labelEdit->setText(spec.label);
    m_environmentCombo->setCurrentText(spec.environment);
    m_typeCombo->setCurrentIndex(m_typeCombo->findData(int(spec.type)));
    m_billingDaySpin->setValue(spec.billingCycleDay);
    m_permRead->setChecked(spec.permissions.testFlag(Permission::Read));
    m_permWrite->setChecked(spec.permissions.testFlag(Permission::Write));
    m_permAdmin->setChecked(spec.permissions.testFlag(Permission::Admin));
    m_permWebhook->setChecked(spec.permissions.testFlag(Permission::Webhook));

    if (spec.expiresAtMs) {
        m_expiryEdit->setDateTime(QDateTime::fromMSecsSinceEpoch(*spec.expiresAtMs));
    } else {
        // What unticking Never offers: the usual 90-day rotation, on a whole minute.
        const qint64 minute = 60'000;
        const qint64 defaultMs = m_clock.nowUtcMs() + DefaultExpiryDays * 24 * 3600'000;
        m_expiryEdit->setDateTime(QDateTime::fromMSecsSinceEpoch(defaultMs - defaultMs % minute));
    }
    m_expiryNeverCheck->setChecked(!spec.expiresAtMs);
    m_expiryEdit->setEnabled(spec.expiresAtMs.has_value());

    m_quotaUnlimitedCheck->setChecked(!spec.quotaLimitMicros);
    m_quotaEdit->setText(moneyText(spec.quotaLimitMicros));
    m_quotaEdit->setEnabled(spec.quotaLimitMicros.has_value());
    m_spendCapDayEdit->setText(moneyText(spec.spendCapDayMicros));
    m_spendCapWeekEdit->setText(moneyText(spec.spendCapWeekMicros));
    m_spendCapMonthEdit->setText(moneyText(spec.spendCapMonthMicros));

    m_tierCombo->setCurrentIndex(m_tierCombo->findData(int(spec.tier)));
    m_rpmEdit->setText(spec.rpmOverride ? QString::number(*spec.rpmOverride) : QString());
    m_tpmEdit->setText(spec.tpmOverride ? QString::number(*spec.tpmOverride) : QString());
    m_modelsEdit->setPlainText(spec.models.join(u", "_s));
    m_ipsEdit->setPlainText(CidrBlock::joinList(spec.ipAllowlist));
    m_ownerEdit->setText(spec.owner);
    m_noteEdit->setPlainText(spec.note);
    m_billingDaySpin->setEnabled(spec.type == KeyType::Subscription);
    m_filling = false;

    m_touched.clear();
    refresh();
    foldSectionsAtDefaults();
}

KeySpec KeySpecForm::spec() const
{
    return parse().spec;
}

FieldErrors KeySpecForm::errors() const
{
    Parsed parsed = parse();
    QSet<QString> unparsed;
    for (const FieldError& error : std::as_const(parsed.errors))
        unparsed.insert(error.field);
    // A field that did not parse has no value to judge: its parse error says it all.
    const FieldErrors checked =
        KeyValidator::validate(parsed.spec, m_clock.nowUtcMs(), m_stored ? &*m_stored : nullptr);
    for (const FieldError& error : checked) {
        if (!unparsed.contains(error.field))
            parsed.errors << error;
    }
    return parsed.errors;
}

QWidget* KeySpecForm::firstErrorInput() const
{
    QSet<QString> invalid;
    for (const FieldError& error : errors())
        invalid.insert(error.field);
    for (const QString& field : m_fieldOrder) {
        if (invalid.contains(field) && !m_inputs.value(field).isEmpty())
            return m_inputs.value(field).constFirst();
    }
    return nullptr;
}

void KeySpecForm::showAllErrors()
{
    for (auto it = m_errorLabels.cbegin(); it != m_errorLabels.cend(); ++it)
        m_touched.insert(it.key());
    refresh();
}

QString KeySpecForm::errorText(const FieldError& error)
{
    return fieldTitle(error.field) + u": "_s + error.message;
}

KeySpecForm::Parsed KeySpecForm::parse() const
{
    Parsed parsed;
    KeySpec& spec = parsed.spec;
    FieldErrors& errors = parsed.errors;

    spec.label = KeyValidator::normalizedLabel(m_labelEdit->text());
    spec.environment = m_environmentCombo->currentText().trimmed();
    if (spec.environment.isEmpty())
        errors << FieldError{u"environment"_s, u"choose dev, staging or prod, or type your own"_s};
    spec.type = KeyType(m_typeCombo->currentData().toInt());
    spec.billingCycleDay = m_billingDaySpin->value();

    Permissions permissions;
    permissions.setFlag(Permission::Read, m_permRead->isChecked());
    permissions.setFlag(Permission::Write, m_permWrite->isChecked());
    permissions.setFlag(Permission::Admin, m_permAdmin->isChecked());
    permissions.setFlag(Permission::Webhook, m_permWebhook->isChecked());
    spec.permissions = permissions;

    if (m_expiryNeverCheck->isChecked())
        spec.expiresAtMs = std::nullopt;
    else
        spec.expiresAtMs = m_expiryEdit->dateTime().toMSecsSinceEpoch();

    if (m_quotaUnlimitedCheck->isChecked()) {
        spec.quotaLimitMicros = std::nullopt;
    } else {
        QString error;
        spec.quotaLimitMicros = UsdAmount::parse(m_quotaEdit->text(), &error);
        if (m_quotaEdit->text().trimmed().isEmpty())
            error = u"enter an amount in USD, e.g. 25.00, or tick Unlimited"_s;
        // The validator's advice for 0 ("leave it empty") fits the caps, not this field.
        if (spec.quotaLimitMicros == 0)
            error = u"must be above 0 (tick Unlimited for no limit)"_s;
        if (!spec.quotaLimitMicros || *spec.quotaLimitMicros == 0)
            errors << FieldError{u"quota_usd"_s, error};
    }
    spec.spendCapDayMicros = parseOptionalMoney(m_spendCapDayEdit, u"spend_cap_day"_s, errors);
    spec.spendCapWeekMicros = parseOptionalMoney(m_spendCapWeekEdit, u"spend_cap_week"_s, errors);
    spec.spendCapMonthMicros =
        parseOptionalMoney(m_spendCapMonthEdit, u"spend_cap_month"_s, errors);

    if (m_tierCombo->currentIndex() < 0)
        errors << FieldError{u"tier"_s, u"choose one: it sets how many requests a minute and a "
                                        u"month the key gets (Free allows 5 a minute)"_s};
    else
        spec.tier = Tier(m_tierCombo->currentData().toInt());
    spec.rpmOverride = parseOptionalCount(m_rpmEdit, u"rpm"_s, errors);
    spec.tpmOverride = parseOptionalCount(m_tpmEdit, u"tpm"_s, errors);

    QString models = m_modelsEdit->toPlainText();
    models.replace(u'\n', u',');
    const QStringList entries = models.split(u',');
    for (const QString& entry : entries) {
        const QString model = entry.trimmed();
        if (!model.isEmpty())
            spec.models << model;
    }

    QString ipError;
    const auto blocks = CidrBlock::parseList(m_ipsEdit->toPlainText(), &ipError);
    if (blocks)
        spec.ipAllowlist = *blocks;
    else
        errors << FieldError{u"ips"_s, ipError};

    spec.owner = m_ownerEdit->text().trimmed();
    spec.note = m_noteEdit->toPlainText().trimmed();
    return parsed;
}

void KeySpecForm::markInvalid(QWidget* input, bool invalid)
{
    if (input->property("invalid").toBool() == invalid)
        return;
    QList<QWidget*> targets{input};
    if (input->parentWidget()->property("outline").toBool())
        targets << input->parentWidget();
    for (QWidget* target : std::as_const(targets)) {
        target->setProperty("invalid", invalid);
        // Dynamic properties in selectors need a re-polish to take effect, and a frame
        // recomputes its border width only when its frame style is set.
        target->style()->unpolish(target);
        target->style()->polish(target);
        if (auto* frame = qobject_cast<QFrame*>(target))
            frame->setFrameStyle(frame->frameStyle());
        target->update();
    }
}

QWidget* KeySpecForm::outlined(QWidget* input)
{
    auto* frame = new QFrame(this);
    frame->setProperty("outline", true);
    auto* layout = new QHBoxLayout(frame);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(input);
    return frame;
}

void KeySpecForm::touch(const QString& field)
{
    if (m_filling)
        return;
    m_touched.insert(field);
    refresh();
}

void KeySpecForm::refresh()
{
    const FieldErrors current = errors();
    QHash<QString, QStringList> messages;
    for (const FieldError& error : current)
        messages[error.field] << errorText(error);

    for (auto it = m_errorLabels.cbegin(); it != m_errorLabels.cend(); ++it) {
        const bool show = m_touched.contains(it.key()) && messages.contains(it.key());
        QLabel* hint = m_hintLabels.value(it.key());
        if (show && hint->isVisible() && hint->width() > 0)
            it.value()->setMinimumHeight(hint->heightForWidth(hint->width()));
        // Before the form is laid out on screen no width is known to cut to.
        showInSlot(it.value(), show ? messages.value(it.key()).join(u'\n') : QString(),
                   isVisible() ? qMax(hint->width(), it.value()->width()) : 0);
        it.value()->setVisible(show);
        hint->setVisible(!show);
        for (QWidget* input : m_inputs.value(it.key()))
            markInvalid(input, show);
        // An error is never folded away out of sight.
        if (show && isSectionCollapsed(m_sectionOfField.value(it.key())))
            setSectionCollapsed(m_sectionOfField.value(it.key()), false);
    }

    const bool valid = current.isEmpty();
    if (valid != m_valid) {
        m_valid = valid;
        Q_EMIT validityChanged(valid);
    }
    Q_EMIT errorsChanged();
}
