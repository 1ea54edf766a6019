#include "KeyStore.h"
#include "LifecycleStore.h"
#include "ManualClock.h"
#include "SettingsPage.h"
#include "SqliteStore.h"
#include "TestSupport.h"
#include "UiSettings.h"
#include "UsageStore.h"
#include "UtcTime.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Qt::StringLiterals;

class TestSettingsPage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    ManualClock m_clock{*UtcTime::parseRfc3339(u"2026-03-01T10:00:00Z")};
    std::unique_ptr<SqliteStore> m_store;

    QString iniPath() const { return m_dir.filePath(u"ui.ini"_s); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = std::make_unique<SqliteStore>(m_dir.filePath(u"keys.sqlite"_s), m_clock,
                                                *QRandomGenerator::system());
        QFuture<void> opened = m_store->open();
        QVERIFY(waitForFuture(opened));
    }

    void clipboardDelayIsKeptAcrossRuns()
    {
        {
            QSettings settings(iniPath(), QSettings::IniFormat);
            UiSettings ui(settings);
            SettingsPage page(m_store->keys(), ui);
            auto* spin = page.findChild<QSpinBox*>(u"clipboardClearSpin"_s);
            QVERIFY(spin);
            QCOMPARE(spin->value(), 30);
            QCOMPARE(spin->text(), u"30 s"_s);
            QSignalSpy changed(&ui, &UiSettings::clipboardClearSecondsChanged);
            spin->setValue(0);
            QCOMPARE(spin->text(), u"Never"_s);
            QCOMPARE(changed.count(), 1);
            QCOMPARE(ui.clipboardClearSeconds(), 0);
            // Not destroyed while the workspace settings it asked for are on their way: Qt 6.4
            // can deliver a continuation to a context that is gone (1 run in 40 crashed here).
            QTRY_VERIFY(page.findChild<QLineEdit*>(u"standardPrefixEdit"_s)->isEnabled());
        }
        QSettings settings(iniPath(), QSettings::IniFormat);
        UiSettings ui(settings);
        QCOMPARE(ui.clipboardClearSeconds(), 0);
        // A hand-edited value out of range must not keep secrets on the clipboard for good.
        settings.setValue(u"clipboard/clearSeconds"_s, u"-5"_s);
        QCOMPARE(ui.clipboardClearSeconds(), UiSettings::DefaultClipboardClearSeconds);
    }

    void prefixesAreValidatedAndSaved()
    {
        QSettings settings(iniPath(), QSettings::IniFormat);
        UiSettings ui(settings);
        SettingsPage page(m_store->keys(), ui);
        auto* standard = page.findChild<QLineEdit*>(u"standardPrefixEdit"_s);
        auto* subscription = page.findChild<QLineEdit*>(u"subscriptionPrefixEdit"_s);
        auto* standardError = page.findChild<QLabel*>(u"standardPrefixError"_s);
        auto* subscriptionError = page.findChild<QLabel*>(u"subscriptionPrefixError"_s);
        auto* save = page.findChild<QPushButton*>(u"savePrefixesButton"_s);
        QVERIFY(standard && subscription && standardError && subscriptionError && save);
        page.show();

        QTRY_VERIFY(standard->isEnabled());
        QCOMPARE(standard->text(), u"sk-"_s);
        QCOMPARE(subscription->text(), u"sk-sub-"_s);

        standard->selectAll();
        QTest::keyClicks(standard, u"SK_"_s);
        QVERIFY(standardError->isVisible());
        QVERIFY(!standardError->text().isEmpty());
        QVERIFY(!save->isEnabled());

        standard->selectAll();
        QTest::keyClicks(standard, u"sk-sub-"_s);
        QVERIFY(!standardError->isVisible());
        QVERIFY(subscriptionError->isVisible());
        QVERIFY(!save->isEnabled());

        standard->selectAll();
        QTest::keyClicks(standard, u"sk-aisa-"_s);
        QVERIFY(!subscriptionError->isVisible());
        QVERIFY(save->isEnabled());
        QTest::mouseClick(save, Qt::LeftButton);
        auto* status = page.findChild<QLabel*>(u"prefixStatus"_s);
        QTRY_VERIFY(status->text().startsWith(u"Saved"));

        QFuture<WorkspaceSettings> stored = m_store->keys().workspaceSettings();
        QVERIFY(waitForFuture(stored));
        QCOMPARE(stored.result().standardPrefix, u"sk-aisa-"_s);
        KeySpec spec;
        spec.label = u"branded"_s;
        QFuture<CreatedKey> created = m_store->keys().createKey(spec);
        QVERIFY(waitForFuture(created));
        QVERIFY(created.result().secret.startsWith(u"sk-aisa-"));
    }

    void expiryAndRotationDaysAreSavedWithoutTouchingPrefixes()
    {
        QSettings settings(iniPath(), QSettings::IniFormat);
        UiSettings ui(settings);
        WorkspaceSettings branded;
        branded.standardPrefix = u"sk-aqta-"_s;
        QFuture<WorkspaceSettings> seeded = m_store->keys().updateWorkspaceSettings(branded);
        QVERIFY(waitForFuture(seeded));

        SettingsPage page(m_store->keys(), ui);
        page.show();
        auto* expiry = page.findChild<QSpinBox*>(u"expiryWarningSpin"_s);
        auto* rotation = page.findChild<QSpinBox*>(u"rotationPeriodSpin"_s);
        QVERIFY(expiry && rotation);
        QTRY_VERIFY(expiry->isEnabled());
        QCOMPARE(expiry->value(), 14);
        QCOMPARE(rotation->value(), 90);

        expiry->setValue(7);
        rotation->setValue(30);
        auto* status = page.findChild<QLabel*>(u"lifecycleStatus"_s);
        QTRY_COMPARE(status->text(), u"Saved."_s);
        QFuture<WorkspaceSettings> stored = m_store->keys().workspaceSettings();
        QVERIFY(waitForFuture(stored));
        QCOMPARE(stored.result().expiryWarningDays, 7);
        QCOMPARE(stored.result().rotationPeriodDays, 30);
        QCOMPARE(stored.result().standardPrefix, u"sk-aqta-"_s);

        // Saving the prefixes afterwards keeps the days.
        auto* save = page.findChild<QPushButton*>(u"savePrefixesButton"_s);
        auto* standard = page.findChild<QLineEdit*>(u"standardPrefixEdit"_s);
        standard->selectAll();
        QTest::keyClicks(standard, u"sk-aisa-"_s);
        QTRY_VERIFY(save->isEnabled());
        QTest::mouseClick(save, Qt::LeftButton);
        QTRY_VERIFY(page.findChild<QLabel*>(u"prefixStatus"_s)->text().startsWith(u"Saved"));
        QFuture<WorkspaceSettings> after = m_store->keys().workspaceSettings();
        QVERIFY(waitForFuture(after));
        QCOMPARE(after.result().standardPrefix, u"sk-aisa-"_s);
        QCOMPARE(after.result().expiryWarningDays, 7);
        QCOMPARE(after.result().rotationPeriodDays, 30);
    }
};

QTEST_MAIN(TestSettingsPage)
#include "tst_settingspage.moc"
