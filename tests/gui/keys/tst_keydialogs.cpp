#include "ApiKeyFormat.h"
#include "ClipboardGuard.h"
#include "GuiTest.h"
#include "KeyEditorDialog.h"
#include "KeyJson.h"
#include "KeySpecForm.h"
#include "ManualClock.h"
#include "ShowOnceDialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QFontMetrics>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QToolButton>
#include <cstdlib>
#include <ctime>

using namespace Qt::StringLiterals;

namespace {
// 2026-03-01T12:00:00Z
constexpr qint64 Now = 1772366400000;

template <typename T> T* child(const QWidget* root, const QString& name)
{
    T* found = root->findChild<T*>(name);
    if (!found)
        qFatal("no child named %s", qPrintable(name));
    return found;
}

QByteArray json(const KeySpec& spec)
{
    return QJsonDocument(KeyJson::specToJson(spec)).toJson(QJsonDocument::Indented);
}

CidrBlock cidr(const QString& text)
{
    return *CidrBlock::parse(text);
}

// QTest::keyClicks cannot type a newline: Return does, as for a user.
void typeLines(QWidget* widget, const QString& text)
{
    const QStringList lines = text.split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (i > 0)
            QTest::keyClick(widget, Qt::Key_Return);
        QTest::keyClicks(widget, lines[i]);
    }
}

// What Generate New Key asks for before anything else is judged: no default tier or
// environment.
void pickTierAndEnvironment(QWidget* root, Tier tierChoice = Tier::Free,
                            const QString& environment = u"dev"_s)
{
    auto* tier = child<QComboBox>(root, u"tierCombo"_s);
    tier->setCurrentIndex(tier->findData(int(tierChoice)));
    auto* env = child<QComboBox>(root, u"environmentCombo"_s);
    env->setCurrentIndex(env->findText(environment));
}

bool errorShown(const QWidget* root, const QString& field)
{
    const auto* label = child<QLabel>(root, field + u"Error"_s);
    return !label->isHidden() && !label->text().isEmpty();
}
} // namespace

class TestKeyDialogs final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void createDisabledUntilLabelTyped();
    void invalidIpEntryBlocksCreate_data();
    void invalidIpEntryBlocksCreate();
    void negativeQuotaIsRejected();
    void rpmAboveTierIsRejected();
    void expiryInThePastIsRejected();
    void aFullDateAndTimeCanBeTyped_data();
    void aFullDateAndTimeCanBeTyped();
    void escapeOnAFilledFormAsksBeforeDiscarding();
    void enterOnAnInvalidFormScrollsToTheFirstError();
    void filledFormYieldsSpec();
    void setSpecRoundTrips();
    void limitsAndAccessFoldIntoASummary();
    void anErrorNeverMovesTheFieldsBelowIt();
    void editKeepsAnExpiredKeysExpiry();
    void showOnceNeedsStoredCheck();
    void showOnceSecretFieldIsReadOnlyMonospace();
    void showOnceKeychainStatus();
    void copyMarksSecretAndClearsIt();
    void clearLeavesNewClipboardContent();
    void theSecretCannotBeSelectedIntoPrimary();
    void quittingClearsTheClipboardItStillHolds();

private:
    ManualClock m_clock{Now};
    QRandomGenerator m_rng{20260301};
};

void TestKeyDialogs::createDisabledUntilLabelTyped()
{
    KeyEditorDialog dialog(KeyEditorDialog::Mode::Create, m_clock);
    auto* create = child<QPushButton>(&dialog, u"createButton"_s);
    auto* label = child<QLineEdit>(&dialog, u"labelEdit"_s);
    QCOMPARE(dialog.windowTitle(), u"Generate New Key"_s);
    QVERIFY(!create->isEnabled());
    QVERIFY(create->isDefault());
    // Not shouted at before typing anything...
    QVERIFY(!errorShown(&dialog, u"label"_s));

    QTest::keyClicks(label, u"prod-web-app"_s);
    // No key gets the Free tier's 5 requests a minute, or lands in dev, unless asked to: both
    // start unchosen, and Create says so.
    auto* tier = child<QComboBox>(&dialog, u"tierCombo"_s);
    auto* env = child<QComboBox>(&dialog, u"environmentCombo"_s);
    QCOMPARE(tier->currentIndex(), -1);
    QCOMPARE(env->currentText(), QString());
    QVERIFY(!create->isEnabled());
    QVERIFY2(create->toolTip().startsWith(u"Environment: choose"_s), qPrintable(create->toolTip()));
    env->setCurrentIndex(env->findText(u"prod"_s));
    QVERIFY(!create->isEnabled());
    QVERIFY2(create->toolTip().startsWith(u"Tier: choose one"_s), qPrintable(create->toolTip()));
    tier->setCurrentIndex(tier->findData(int(Tier::Starter)));
    QVERIFY(create->isEnabled());
    QCOMPARE(dialog.spec().tier, Tier::Starter);
    QCOMPARE(dialog.spec().environment, u"prod"_s);

    // ...but erasing the label explains why Create went grey.
    label->selectAll();
    QTest::keyClick(label, Qt::Key_Backspace);
    QVERIFY(!create->isEnabled());
    QVERIFY(errorShown(&dialog, u"label"_s));
    QVERIFY(label->property("invalid").toBool());
}

void TestKeyDialogs::invalidIpEntryBlocksCreate_data()
{
    QTest::addColumn<QString>("entry");
    QTest::newRow("host bits set") << u"10.0.0.1/8"_s;
    QTest::newRow("short form") << u"1.2.3/24"_s;
    QTest::newRow("leading zero") << u"010.0.0.1"_s;
    QTest::newRow("netmask") << u"10.0.0.0/255.0.0.0"_s;
    QTest::newRow("second entry bad") << u"192.168.1.0/24, 10.0.0.1/8"_s;
}

void TestKeyDialogs::invalidIpEntryBlocksCreate()
{
    QFETCH(QString, entry);
    KeyEditorDialog dialog(KeyEditorDialog::Mode::Create, m_clock);
    auto* create = child<QPushButton>(&dialog, u"createButton"_s);
    auto* ips = child<QPlainTextEdit>(&dialog, u"ipsEdit"_s);
    QTest::keyClicks(child<QLineEdit>(&dialog, u"labelEdit"_s), u"ci-tests"_s);
    pickTierAndEnvironment(&dialog);
    QVERIFY(create->isEnabled());

    QTest::keyClicks(ips, entry);
    QVERIFY(!create->isEnabled());
    QVERIFY(errorShown(&dialog, u"ips"_s));
    QVERIFY(child<QLabel>(&dialog, u"ipsError"_s)->text().startsWith(u"IP allowlist: "_s));
    QVERIFY(ips->property("invalid").toBool());

    ips->selectAll();
    QTest::keyClick(ips, Qt::Key_Backspace);
    QTest::keyClicks(ips, u"10.0.0.0/8"_s);
    QVERIFY(create->isEnabled());
    QVERIFY(!errorShown(&dialog, u"ips"_s));
    QVERIFY(!ips->property("invalid").toBool());
}

void TestKeyDialogs::negativeQuotaIsRejected()
{
    KeyEditorDialog dialog(KeyEditorDialog::Mode::Create, m_clock);
    auto* create = child<QPushButton>(&dialog, u"createButton"_s);
    QTest::keyClicks(child<QLineEdit>(&dialog, u"labelEdit"_s), u"ci-tests"_s);
    auto* unlimited = child<QCheckBox>(&dialog, u"quotaUnlimitedCheck"_s);
    auto* quota = child<QLineEdit>(&dialog, u"quotaEdit"_s);
    QVERIFY(unlimited->isChecked());
    QVERIFY(!quota->isEnabled());

    unlimited->setChecked(false);
    QVERIFY(quota->isEnabled());
    QVERIFY(!create->isEnabled()); // no amount yet
    QTest::keyClicks(quota, u"-5"_s);
    QVERIFY(!create->isEnabled());
    QVERIFY(errorShown(&dialog, u"quota_usd"_s));
    QVERIFY(child<QLabel>(&dialog, u"quota_usdError"_s)->text().contains(u"negative"_s));
}

void TestKeyDialogs::rpmAboveTierIsRejected()
{
    KeyEditorDialog dialog(KeyEditorDialog::Mode::Create, m_clock);
    auto* create = child<QPushButton>(&dialog, u"createButton"_s);
    auto* tier = child<QComboBox>(&dialog, u"tierCombo"_s);
    auto* rpm = child<QLineEdit>(&dialog, u"rpmEdit"_s);
    QTest::keyClicks(child<QLineEdit>(&dialog, u"labelEdit"_s), u"ci-tests"_s);
    QCOMPARE(rpm->placeholderText(), u"Choose a tier first"_s);
    pickTierAndEnvironment(&dialog);
    QCOMPARE(tier->currentData().toInt(), int(Tier::Free));
    QCOMPARE(tier->currentText(), u"Free — 500 req/month, 5 req/min"_s);
    QCOMPARE(rpm->placeholderText(), u"Tier default: 5"_s);

    QTest::keyClicks(rpm, u"10"_s);
    QVERIFY(!create->isEnabled());
    QVERIFY(errorShown(&dialog, u"rpm"_s));
    QVERIFY(child<QLabel>(&dialog, u"rpmError"_s)->text().contains(u"Free"_s));

    // A higher tier allows it: the error follows the tier without retyping.
    tier->setCurrentIndex(tier->findData(int(Tier::Starter)));
    QCOMPARE(rpm->placeholderText(), u"Tier default: 100"_s);
    QVERIFY(create->isEnabled());
    QVERIFY(!errorShown(&dialog, u"rpm"_s));
}

void TestKeyDialogs::expiryInThePastIsRejected()
{
    KeyEditorDialog dialog(KeyEditorDialog::Mode::Create, m_clock);
    auto* create = child<QPushButton>(&dialog, u"createButton"_s);
    auto* never = child<QCheckBox>(&dialog, u"expiryNeverCheck"_s);
    auto* expiry = child<QDateTimeEdit>(&dialog, u"expiryEdit"_s);
    QTest::keyClicks(child<QLineEdit>(&dialog, u"labelEdit"_s), u"ci-tests"_s);
    pickTierAndEnvironment(&dialog);
    QVERIFY(never->isChecked());
    QVERIFY(!expiry->isEnabled());

    never->setChecked(false);
    QVERIFY(expiry->isEnabled());
    // Unticking Never offers the 90-day rotation date.
    QCOMPARE(dialog.spec().expiresAtMs, std::optional<qint64>(Now + 90LL * 24 * 3600 * 1000));
    QVERIFY(create->isEnabled());

    expiry->setDateTime(QDateTime::fromMSecsSinceEpoch(Now - 24 * 3600 * 1000));
    QVERIFY(!create->isEnabled());
    QVERIFY(errorShown(&dialog, u"expires"_s));
}

void TestKeyDialogs::aFullDateAndTimeCanBeTyped_data()
{
    QTest::addColumn<bool>("selectAll");
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QDateTime>("expected");
    const QDateTime july4(QDate(2031, 7, 4), QTime(18, 45), Qt::LocalTime);
    QTest::newRow("over the whole text") << true << u"2031-07-04 18:45"_s << july4;
    QTest::newRow("from the year on") << false << u"2031-07-04 18:45"_s << july4;
    QTest::newRow("without leading zeros")
        << true << u"2031-7-4 8:05"_s << QDateTime(QDate(2031, 7, 4), QTime(8, 5), Qt::LocalTime);
}

void TestKeyDialogs::aFullDateAndTimeCanBeTyped()
{
    QFETCH(bool, selectAll);
    QFETCH(QString, typed);
    QFETCH(QDateTime, expected);
    KeyEditorDialog dialog(KeyEditorDialog::Mode::Create, m_clock);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QTest::keyClicks(child<QLineEdit>(&dialog, u"labelEdit"_s), u"ci-tests"_s);
    child<QCheckBox>(&dialog, u"expiryNeverCheck"_s)->setChecked(false);
    auto* expiry = child<QDateTimeEdit>(&dialog, u"expiryEdit"_s);
    expiry->setFocus();
    if (selectAll)
        QTest::keyClick(expiry, Qt::Key_A, Qt::ControlModifier);
    else
        expiry->setSelectedSection(QDateTimeEdit::YearSection);
    QTest::keyClicks(expiry, typed);
    QCOMPARE(expiry->dateTime(), expected);
    QCOMPARE(dialog.spec().expiresAtMs, std::optional<qint64>(expected.toMSecsSinceEpoch()));
}

void TestKeyDialogs::escapeOnAFilledFormAsksBeforeDiscarding()
{
    {
        // Nothing typed: Escape closes at once.
        KeyEditorDialog dialog(KeyEditorDialog::Mode::Create, m_clock);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(!dialog.isModified());
        QTest::keyClick(&dialog, Qt::Key_Escape);
        QVERIFY(!dialog.isVisible());
    }
    KeyEditorDialog dialog(KeyEditorDialog::Mode::Create, m_clock);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QTest::keyClicks(child<QLineEdit>(&dialog, u"labelEdit"_s), u"ci-tests"_s);
    QVERIFY(dialog.isModified());
    GuiTest::ModalAnswer answer;
    GuiTest::answerNextModal(this, &answer, QMessageBox::No);
    QTest::keyClick(&dialog, Qt::Key_Escape);
    QVERIFY(answer.answered);
    QCOMPARE(answer.objectName, u"discardChangesBox"_s);
    // Keeping is the default: a second Escape or Enter does not lose the form.
    QVERIFY(answer.noWasDefault);
    QVERIFY(dialog.isVisible());
    QCOMPARE(child<QLineEdit>(&dialog, u"labelEdit"_s)->text(), u"ci-tests"_s);

    GuiTest::answerNextModal(this, &answer, QMessageBox::Yes);
    QTest::keyClick(&dialog, Qt::Key_Escape);
    QVERIFY(answer.answered);
    QVERIFY(!dialog.isVisible());

    // Editing: only a change from the stored key asks.
    KeyEditorDialog edit(KeyEditorDialog::Mode::Edit, m_clock);
    KeySpec stored;
    stored.label = u"prod-web-app"_s;
    edit.setSpec(stored);
    edit.show();
    QVERIFY(QTest::qWaitForWindowExposed(&edit));
    QVERIFY(!edit.isModified());
    QTest::keyClick(&edit, Qt::Key_Escape);
    QVERIFY(!edit.isVisible());
}

void TestKeyDialogs::enterOnAnInvalidFormScrollsToTheFirstError()
{
    KeyEditorDialog dialog(KeyEditorDialog::Mode::Create, m_clock);
    dialog.resize(600, 420);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto* label = child<QLineEdit>(&dialog, u"labelEdit"_s);
    QTest::keyClicks(label, u"ci-tests"_s);
    pickTierAndEnvironment(&dialog);
    // A bad entry far down the form, out of sight while the top of the form is shown.
    auto* ips = child<QPlainTextEdit>(&dialog, u"ipsEdit"_s);
    ips->setPlainText(u"10.0.0.1/8"_s);
    auto* scroll = child<QScrollArea>(&dialog, u"keyEditorScroll"_s);
    scroll->verticalScrollBar()->setValue(0);
    const auto inView = [scroll](QWidget* widget) {
        const QRect shown(widget->mapTo(scroll->viewport(), QPoint(0, 0)), widget->size());
        return scroll->viewport()->rect().contains(shown);
    };
    QVERIFY(!inView(ips));
    QVERIFY(!child<QPushButton>(&dialog, u"createButton"_s)->isEnabled());

    label->setFocus();
    QTest::keyClick(label, Qt::Key_Return);
    QVERIFY(dialog.isVisible());
    QTRY_VERIFY(inView(ips));
    QVERIFY(ips->hasFocus());
    QVERIFY(errorShown(&dialog, u"ips"_s));
}

void TestKeyDialogs::filledFormYieldsSpec()
{
    KeyEditorDialog dialog(KeyEditorDialog::Mode::Create, m_clock);
    QTest::keyClicks(child<QLineEdit>(&dialog, u"labelEdit"_s), u"ci-tests"_s);
    auto* env = child<QComboBox>(&dialog, u"environmentCombo"_s);
    env->lineEdit()->selectAll();
    QTest::keyClicks(env->lineEdit(), u"eu-prod"_s);
    auto* type = child<QComboBox>(&dialog, u"typeCombo"_s);
    auto* billingDay = child<QSpinBox>(&dialog, u"billingDaySpin"_s);
    QVERIFY(!billingDay->isEnabled());
    type->setCurrentIndex(type->findData(int(KeyType::Subscription)));
    QVERIFY(billingDay->isEnabled());
    billingDay->setValue(15);
    child<QCheckBox>(&dialog, u"permRead"_s)->setChecked(false);
    child<QCheckBox>(&dialog, u"permAdmin"_s)->setChecked(true);
    child<QCheckBox>(&dialog, u"permWebhook"_s)->setChecked(true);
    child<QCheckBox>(&dialog, u"expiryNeverCheck"_s)->setChecked(false);
    // Shown in local time (the test runs at UTC+3), stored as UTC.
    child<QDateTimeEdit>(&dialog, u"expiryEdit"_s)
        ->setDateTime(QDateTime(QDate(2030, 1, 15), QTime(9, 30), Qt::LocalTime));
    child<QCheckBox>(&dialog, u"quotaUnlimitedCheck"_s)->setChecked(false);
    QTest::keyClicks(child<QLineEdit>(&dialog, u"quotaEdit"_s), u"25.5"_s);
    QTest::keyClicks(child<QLineEdit>(&dialog, u"spendCapDayEdit"_s), u"$1"_s);
    QTest::keyClicks(child<QLineEdit>(&dialog, u"spendCapWeekEdit"_s), u"5.25"_s);
    QTest::keyClicks(child<QLineEdit>(&dialog, u"spendCapMonthEdit"_s), u"20.000001"_s);
    auto* tier = child<QComboBox>(&dialog, u"tierCombo"_s);
    tier->setCurrentIndex(tier->findData(int(Tier::Pro)));
    QCOMPARE(tier->currentText(), u"Pro — 100,000 req/month, 1,000 req/min"_s);
    QTest::keyClicks(child<QLineEdit>(&dialog, u"rpmEdit"_s), u"600"_s);
    QTest::keyClicks(child<QLineEdit>(&dialog, u"tpmEdit"_s), u"1,500,000"_s);
    typeLines(child<QPlainTextEdit>(&dialog, u"modelsEdit"_s),
              u"gpt-4o-mini,\nclaude-3-haiku , text-embedding-3-small"_s);
    typeLines(child<QPlainTextEdit>(&dialog, u"ipsEdit"_s),
              u"192.168.1.0/24, 10.0.0.1\n2001:DB8:0:0::/32"_s);

    QCOMPARE(dialog.form()->errors(), FieldErrors{});
    QVERIFY(dialog.acceptButton()->isEnabled());

    KeySpec expected;
    expected.label = u"ci-tests"_s;
    expected.environment = u"eu-prod"_s;
    expected.type = KeyType::Subscription;
    expected.billingCycleDay = 15;
    expected.permissions = Permissions(Permission::Write) | Permission::Admin | Permission::Webhook;
    expected.expiresAtMs = QDateTime(QDate(2030, 1, 15), QTime(6, 30), Qt::UTC).toMSecsSinceEpoch();
    expected.quotaLimitMicros = 25'500'000;
    expected.spendCapDayMicros = 1'000'000;
    expected.spendCapWeekMicros = 5'250'000;
    expected.spendCapMonthMicros = 20'000'001;
    expected.tier = Tier::Pro;
    expected.rpmOverride = 600;
    expected.tpmOverride = 1'500'000;
    expected.models = {u"gpt-4o-mini"_s, u"claude-3-haiku"_s, u"text-embedding-3-small"_s};
    expected.ipAllowlist = {cidr(u"192.168.1.0/24"_s), cidr(u"10.0.0.1"_s),
                            cidr(u"2001:db8::/32"_s)};
    QCOMPARE(json(dialog.spec()), json(expected));
    QVERIFY(dialog.spec() == expected);
}

void TestKeyDialogs::limitsAndAccessFoldIntoASummary()
{
    // Generate New Key: the tier is in Limits and must be chosen, so Limits is open; Access
    // holds only defaults and is folded into its summary.
    KeyEditorDialog create(KeyEditorDialog::Mode::Create, m_clock);
    create.show();
    QVERIFY(QTest::qWaitForWindowExposed(&create));
    KeySpecForm* form = create.form();
    auto* ips = child<QPlainTextEdit>(&create, u"ipsEdit"_s);
    auto* accessSummary = child<QLabel>(&create, u"accessSummary"_s);
    QVERIFY(!form->isSectionCollapsed(u"Limits"_s));
    QVERIFY(child<QComboBox>(&create, u"tierCombo"_s)->isVisible());
    QVERIFY(form->isSectionCollapsed(u"Access"_s));
    QVERIFY(!ips->isVisible());
    QVERIFY(accessSummary->isVisible());
    QCOMPARE(accessSummary->text(), u"every model · any address"_s);
    const int foldedHeight = form->sizeHint().height();

    // A click on the heading opens it, and the form grows by the fields.
    auto* accessHeading = child<QToolButton>(&create, u"accessHeading"_s);
    QTest::mouseClick(accessHeading, Qt::LeftButton);
    QVERIFY(!form->isSectionCollapsed(u"Access"_s));
    QVERIFY(ips->isVisible());
    QVERIFY(!accessSummary->isVisible());
    QVERIFY(form->sizeHint().height() > foldedHeight + 100);

    // Folded again, a field in it that goes wrong opens it: no error is hidden.
    QTest::mouseClick(accessHeading, Qt::LeftButton);
    QVERIFY(!ips->isVisible());
    ips->setPlainText(u"10.0.0.1/8"_s);
    QVERIFY(!form->isSectionCollapsed(u"Access"_s));
    QVERIFY(ips->isVisible());
    QVERIFY(errorShown(&create, u"ips"_s));

    // Edit: what holds defaults is folded, its summary says what it holds; the rest is open.
    KeySpec spec;
    spec.label = u"prod-web-app"_s;
    spec.tier = Tier::Pro;
    spec.models = {u"gpt-4o"_s, u"gpt-4o-mini"_s};
    KeyEditorDialog edit(KeyEditorDialog::Mode::Edit, m_clock);
    edit.setSpec(spec);
    edit.show();
    QVERIFY(QTest::qWaitForWindowExposed(&edit));
    QVERIFY(edit.form()->isSectionCollapsed(u"Limits"_s));
    QCOMPARE(child<QLabel>(&edit, u"limitsSummary"_s)->text(),
             u"Pro tier · no quota · no spend caps"_s);
    QVERIFY(!edit.form()->isSectionCollapsed(u"Access"_s));
    spec.quotaLimitMicros = 25'000'000;
    spec.spendCapDayMicros = 5'000'000;
    spec.models.clear();
    edit.setSpec(spec);
    QVERIFY(!edit.form()->isSectionCollapsed(u"Limits"_s));
    QVERIFY(edit.form()->isSectionCollapsed(u"Access"_s));
    edit.form()->setSectionCollapsed(u"Limits"_s, true);
    QCOMPARE(child<QLabel>(&edit, u"limitsSummary"_s)->text(),
             u"Pro tier · quota $25.00 · 1 spend cap"_s);
    // Folding changes nothing the dialog saves.
    QVERIFY(edit.spec() == spec);
}

void TestKeyDialogs::anErrorNeverMovesTheFieldsBelowIt()
{
    KeyEditorDialog dialog(KeyEditorDialog::Mode::Create, m_clock);
    dialog.form()->setSectionCollapsed(u"Access"_s, false);
    dialog.resize(640, 1400);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    // Where a field is once the layout has done what the last change asked of it.
    const auto top = [&](const QString& name) {
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        QCoreApplication::processEvents();
        return child<QWidget>(&dialog, name)->mapTo(&dialog, QPoint(0, 0)).y();
    };
    const auto check = [&](QWidget* input, const QString& text, const QString& field,
                           const QString& below) {
        const int before = top(below);
        input->setFocus();
        QTest::keyClicks(input, text);
        QVERIFY2(errorShown(&dialog, field), qPrintable(field));
        QCOMPARE(top(below), before);
    };
    // A field with a hint: the error takes the hint's line.
    auto* label = child<QLineEdit>(&dialog, u"labelEdit"_s);
    check(label, u"key_abcdefghijklmnop"_s, u"label"_s, u"environmentCombo"_s);
    // Longer than its line: cut to it, the whole message in the tooltip.
    const auto* labelError = child<QLabel>(&dialog, u"labelError"_s);
    QVERIFY2(labelError->text().endsWith(u'…'), qPrintable(labelError->text()));
    QCOMPARE(labelError->toolTip(), u"Label: looks like a key id (key_ and 16 letters or "
                                    "digits); choose a name, e.g. prod-web-app"_s);
    label->clear();
    QTest::keyClicks(label, u"ci-tests"_s);
    pickTierAndEnvironment(&dialog);
    // Fields without a hint keep a line for their error.
    check(child<QLineEdit>(&dialog, u"spendCapDayEdit"_s), u"lots"_s, u"spend_cap_day"_s,
          u"spendCapWeekEdit"_s);
    check(child<QLineEdit>(&dialog, u"rpmEdit"_s), u"-3"_s, u"rpm"_s, u"tpmEdit"_s);
    check(child<QPlainTextEdit>(&dialog, u"ipsEdit"_s), u"10.0.0.1/8"_s, u"ips"_s, u"ownerEdit"_s);
    // And going away, it leaves the fields where they were.
    const int owner = top(u"ownerEdit"_s);
    child<QPlainTextEdit>(&dialog, u"ipsEdit"_s)->setPlainText(u"10.0.0.0/8"_s);
    QVERIFY(!errorShown(&dialog, u"ips"_s));
    QCOMPARE(top(u"ownerEdit"_s), owner);
}

void TestKeyDialogs::setSpecRoundTrips()
{
    KeySpec spec;
    spec.label = u"prod-web-app"_s;
    spec.environment = u"prod"_s;
    spec.permissions = Permissions(Permission::Read);
    // Seconds are not displayed, yet an untouched expiry must survive an edit unchanged.
    spec.expiresAtMs = Now + 30LL * 24 * 3600 * 1000 + 17'000;
    spec.quotaLimitMicros = 100'000'000;
    spec.spendCapMonthMicros = 50'000'000;
    spec.tier = Tier::Starter;
    spec.tpmOverride = 50'000;
    spec.models = {u"gpt-4o"_s};
    spec.ipAllowlist = {cidr(u"10.0.0.0/8"_s), cidr(u"2001:db8::/32"_s)};

    KeyEditorDialog dialog(KeyEditorDialog::Mode::Edit, m_clock);
    dialog.setSpec(spec);
    QCOMPARE(dialog.windowTitle(), u"Edit Key — prod-web-app"_s);
    QCOMPARE(child<QPushButton>(&dialog, u"saveButton"_s), dialog.acceptButton());
    QVERIFY(dialog.acceptButton()->isEnabled());
    QCOMPARE(child<QPlainTextEdit>(&dialog, u"ipsEdit"_s)->toPlainText(),
             u"10.0.0.0/8, 2001:db8::/32"_s);
    QCOMPARE(child<QLineEdit>(&dialog, u"quotaEdit"_s)->text(), u"100.00"_s);
    QCOMPARE(json(dialog.spec()), json(spec));
    QVERIFY(dialog.spec() == spec);

    // Back to defaults: setSpec replaces every field.
    dialog.form()->setSpec(KeySpec{});
    QVERIFY(dialog.spec() == KeySpec{});
}

void TestKeyDialogs::editKeepsAnExpiredKeysExpiry()
{
    KeySpec spec;
    spec.label = u"old-key"_s;
    spec.expiresAtMs = Now - 3'600'000;
    KeyEditorDialog dialog(KeyEditorDialog::Mode::Edit, m_clock);
    dialog.setSpec(spec);
    // The expired key can still be edited: its unchanged expiry is not judged again.
    QVERIFY(dialog.acceptButton()->isEnabled());
    QVERIFY(!errorShown(&dialog, u"expires"_s));
    child<QComboBox>(&dialog, u"tierCombo"_s)->setCurrentIndex(2);
    QVERIFY(dialog.acceptButton()->isEnabled());
    QCOMPARE(dialog.spec().expiresAtMs, spec.expiresAtMs);

    // A new expiry in the past is refused, as on creation.
    child<QDateTimeEdit>(&dialog, u"expiryEdit"_s)
        ->setDateTime(QDateTime::fromMSecsSinceEpoch(Now - 7'200'000));
    QVERIFY(!dialog.acceptButton()->isEnabled());
    QVERIFY(errorShown(&dialog, u"expires"_s));
    QVERIFY(dialog.acceptButton()->toolTip().startsWith(u"Expiry: "_s));

    child<QCheckBox>(&dialog, u"expiryNeverCheck"_s)->setChecked(true);
    QVERIFY(dialog.acceptButton()->isEnabled());
    QVERIFY(!errorShown(&dialog, u"expires"_s));
}

namespace {
CreatedKey newKey(QRandomGenerator& rng)
{
    CreatedKey created;
    created.record.id = u"key-1"_s;
    created.record.spec.label = u"prod-web-app"_s;
    created.record.spec.environment = u"prod"_s;
    created.secret = ApiKeyFormat::generate(ApiKeyFormat::defaultPrefix(), rng);
    return created;
}
} // namespace

void TestKeyDialogs::showOnceNeedsStoredCheck()
{
    ClipboardGuard guard(QGuiApplication::clipboard());
    ShowOnceDialog dialog(newKey(m_rng), guard);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto* done = child<QPushButton>(&dialog, u"doneButton"_s);
    auto* stored = child<QCheckBox>(&dialog, u"storedCheck"_s);
    QCOMPARE(dialog.windowTitle(), u"Save your new API key"_s);
    QVERIFY(!done->isEnabled());

    QTest::keyClick(&dialog, Qt::Key_Escape);
    QVERIFY(dialog.isVisible());
    QVERIFY(!dialog.close());
    QVERIFY(dialog.isVisible());

    QTest::keyClick(stored, Qt::Key_Space);
    QVERIFY(stored->isChecked());
    QVERIFY(done->isEnabled());
    QTest::mouseClick(done, Qt::LeftButton);
    QVERIFY(!dialog.isVisible());
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
}

void TestKeyDialogs::showOnceSecretFieldIsReadOnlyMonospace()
{
    ClipboardGuard guard(QGuiApplication::clipboard());
    const CreatedKey created = newKey(m_rng);
    ShowOnceDialog dialog(created, guard);
    auto* field = child<QLineEdit>(&dialog, u"secretField"_s);
    QCOMPARE(field->text(), created.secret);
    QVERIFY(field->isReadOnly());
    // Measured, not QFontInfo::fixedPitch(): fontconfig reports Noto Sans Mono as proportional.
    const QFontMetrics metrics(field->font());
    QCOMPARE(metrics.horizontalAdvance(u"iiiiIIII1111"_s),
             metrics.horizontalAdvance(u"WWWWmmmm0000"_s));
    QTest::keyClicks(field, u"x"_s);
    QCOMPARE(field->text(), created.secret);
    QVERIFY(child<QLabel>(&dialog, u"keyNameLabel"_s)->text().contains(u"prod-web-app"_s));
}

void TestKeyDialogs::showOnceKeychainStatus()
{
    ClipboardGuard guard(QGuiApplication::clipboard());
    ShowOnceDialog dialog(newKey(m_rng), guard);
    auto* status = child<QLabel>(&dialog, u"keychainStatus"_s);
    QCOMPARE(status->text(), u"Saving to the system keychain…"_s);
    dialog.setKeychainState(ShowOnceDialog::KeychainState::Saved);
    QVERIFY(status->text().startsWith(u"Saved in the system keychain"_s));
    QVERIFY(!status->property("warning").toBool());
    dialog.setKeychainState(ShowOnceDialog::KeychainState::Failed,
                            u"No keychain: copy the key now"_s);
    QCOMPARE(status->text(), u"Not saved in the keychain: No keychain: copy the key now"_s);
    QVERIFY(status->property("warning").toBool());
}

void TestKeyDialogs::copyMarksSecretAndClearsIt()
{
    QClipboard* clipboard = QGuiApplication::clipboard();
    ClipboardGuard guard(clipboard);
    QCOMPARE(guard.clearDelaySeconds(), 30);
    guard.setClearDelaySeconds(1);
    const CreatedKey created = newKey(m_rng);
    ShowOnceDialog dialog(created, guard);
    QSignalSpy cleared(&guard, &ClipboardGuard::cleared);

    QTest::mouseClick(child<QPushButton>(&dialog, u"copyButton"_s), Qt::LeftButton);
    QCOMPARE(clipboard->text(), created.secret);
    const QMimeData* mime = clipboard->mimeData();
    QVERIFY(mime);
    QCOMPARE(mime->data(u"x-kde-passwordManagerHint"_s), QByteArrayLiteral("secret"));
    QCOMPARE(child<QLabel>(&dialog, u"copyStatus"_s)->text(),
             u"Copied — clipboard clears in 1 s"_s);
    QVERIFY(guard.isClearPending());

    QTRY_COMPARE_WITH_TIMEOUT(cleared.count(), 1, 5000);
    QVERIFY(clipboard->text().isEmpty());
    QVERIFY(!guard.isClearPending());
    QCOMPARE(child<QLabel>(&dialog, u"copyStatus"_s)->text(), u"Copied — clipboard cleared"_s);

    // Ctrl+C in the field takes the same guarded path as the button.
    QTest::keySequence(child<QLineEdit>(&dialog, u"secretField"_s), QKeySequence::Copy);
    QCOMPARE(clipboard->text(), created.secret);
    QCOMPARE(clipboard->mimeData()->data(u"x-kde-passwordManagerHint"_s),
             QByteArrayLiteral("secret"));
    QVERIFY(guard.isClearPending());
    QTRY_COMPARE_WITH_TIMEOUT(cleared.count(), 2, 5000);

    // Seconds count down to the clear, and someone else's copy meanwhile is left alone.
    guard.setClearDelaySeconds(3);
    QTest::mouseClick(child<QPushButton>(&dialog, u"copyButton"_s), Qt::LeftButton);
    auto* status = child<QLabel>(&dialog, u"copyStatus"_s);
    QCOMPARE(status->text(), u"Copied — clipboard clears in 3 s"_s);
    QTRY_COMPARE_WITH_TIMEOUT(status->text(), u"Copied — clipboard clears in 2 s"_s, 2000);
    QTRY_COMPARE_WITH_TIMEOUT(status->text(), u"Copied — clipboard clears in 1 s"_s, 2000);
    clipboard->setText(u"something of mine"_s);
    QTRY_COMPARE_WITH_TIMEOUT(status->text(), u"Copied"_s, 3000);
    QCOMPARE(cleared.count(), 2);
    QCOMPARE(clipboard->text(), u"something of mine"_s);
}

// On X11 whatever is selected is the PRIMARY selection, with no password hint and no clearing:
// the secret field lets nothing be selected, by mouse or keyboard.
void TestKeyDialogs::theSecretCannotBeSelectedIntoPrimary()
{
    ClipboardGuard guard(QGuiApplication::clipboard());
    const CreatedKey created = newKey(m_rng);
    ShowOnceDialog dialog(created, guard);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto* field = child<QLineEdit>(&dialog, u"secretField"_s);
    const QPoint left(4, field->height() / 2);
    const QPoint right(field->width() - 4, field->height() / 2);
    QTest::mousePress(field, Qt::LeftButton, {}, left);
    QTest::mouseMove(field, right);
    QTest::mouseRelease(field, Qt::LeftButton, {}, right);
    QVERIFY(field->hasFocus());
    QVERIFY(!field->hasSelectedText());
    QTest::mouseDClick(field, Qt::LeftButton, {}, right);
    QVERIFY(!field->hasSelectedText());
    QTest::keySequence(field, QKeySequence::SelectAll);
    QTest::keyClick(field, Qt::Key_End, Qt::ShiftModifier);
    QTest::keyClick(field, Qt::Key_Home, Qt::ShiftModifier);
    QVERIFY(!field->hasSelectedText());
    QTRY_VERIFY(!field->hasSelectedText());
    // For looking at: KEYDECK_SCREENSHOT_DIR=/tmp/shots ctest -R tst_keydialogs
    if (const QString dir = qEnvironmentVariable("KEYDECK_SCREENSHOT_DIR"); !dir.isEmpty())
        QVERIFY(dialog.grab().save(dir + u"/show-once-after-drag.png"_s));
    QClipboard* clipboard = QGuiApplication::clipboard();
    if (clipboard->supportsSelection())
        QVERIFY(clipboard->text(QClipboard::Selection) != created.secret);
}

void TestKeyDialogs::quittingClearsTheClipboardItStillHolds()
{
    QClipboard* clipboard = QGuiApplication::clipboard();
    const QString secret = ApiKeyFormat::generate(ApiKeyFormat::defaultPrefix(), m_rng);
    {
        ClipboardGuard guard(clipboard);
        guard.copySecret(secret);
        QCOMPARE(clipboard->text(), secret);
    }
    QVERIFY(clipboard->text().isEmpty());
    {
        ClipboardGuard guard(clipboard);
        guard.copySecret(secret);
        clipboard->setText(u"copied by the user afterwards"_s);
    }
    QCOMPARE(clipboard->text(), u"copied by the user afterwards"_s);
}

void TestKeyDialogs::clearLeavesNewClipboardContent()
{
    QClipboard* clipboard = QGuiApplication::clipboard();
    ClipboardGuard guard(clipboard);
    guard.setClearDelaySeconds(1);
    const QString secret = ApiKeyFormat::generate(ApiKeyFormat::defaultPrefix(), m_rng);
    QSignalSpy cleared(&guard, &ClipboardGuard::cleared);

    guard.copySecret(secret);
    QCOMPARE(clipboard->text(), secret);
    clipboard->setText(u"notes the user copied since"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!guard.isClearPending(), 5000);
    QCOMPARE(clipboard->text(), u"notes the user copied since"_s);
    QCOMPARE(cleared.count(), 0);

    // A delay of 0 turns clearing off.
    guard.setClearDelaySeconds(0);
    guard.copySecret(secret);
    QVERIFY(!guard.isClearPending());
    QCOMPARE(clipboard->text(), secret);
    clipboard->clear();
}

int main(int argc, char** argv)
{
    // A fixed zone east of UTC, so local time and UTC differ and the form must convert.
    qputenv("TZ", "KDT-3");
    tzset();
    QApplication app(argc, argv);
    QApplication::setStyle(u"Fusion"_s);
    TestKeyDialogs test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_keydialogs.moc"
