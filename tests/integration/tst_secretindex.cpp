#include "ManualClock.h"
#include "SecretIndex.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using Presence = SecretIndex::Presence;

// The record of which keychain entries this computer holds: what a key list shows before Copy.
class TestSecretIndex final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_path = m_dir->filePath(u"keychain/KeyDeck.entries"_s);
        m_clock.setNowUtcMs(Begun);
    }

    void aNewIndexKnowsNothing()
    {
        SecretIndex index(m_path, m_clock);
        QCOMPARE(index.presence(u"key_a"_s, Begun - 1), Presence::Unknown);
        QCOMPARE(index.presence(u"key_a"_s, Begun + 1), Presence::Unknown);
        QVERIFY(!QFileInfo::exists(m_path));
    }

    void keysMadeSinceItBeganAreHereOnlyIfRecorded()
    {
        SecretIndex index(m_path, m_clock);
        index.recordPresent(u"key_here"_s);
        QCOMPARE(index.presence(u"key_here"_s, Begun + 10), Presence::Here);
        // Made after the index began and never saved here: made on another computer.
        QCOMPARE(index.presence(u"key_elsewhere"_s, Begun + 10), Presence::NotHere);
        // Older than the index: nobody knows until it is read or saved once.
        QCOMPARE(index.presence(u"key_old"_s, Begun - 1), Presence::Unknown);
        index.recordAbsent(u"key_old"_s);
        QCOMPARE(index.presence(u"key_old"_s, Begun - 1), Presence::NotHere);
        index.recordPresent(u"key_old"_s);
        QCOMPARE(index.presence(u"key_old"_s, Begun - 1), Presence::Here);
        index.recordAbsent(u"key_here"_s);
        QCOMPARE(index.presence(u"key_here"_s, Begun + 10), Presence::NotHere);
    }

    void anotherProgramsRecordsAreSeenAfterARefresh()
    {
        SecretIndex app(m_path, m_clock);
        app.recordPresent(u"key_app"_s);
        SecretIndex ctl(m_path, m_clock);
        QCOMPARE(ctl.presence(u"key_app"_s, Begun), Presence::Here);
        m_clock.advanceMs(1000);
        ctl.recordPresent(u"key_ctl"_s);
        QCOMPARE(app.presence(u"key_ctl"_s, Begun + 500), Presence::NotHere);
        QVERIFY(app.refresh());
        QCOMPARE(app.presence(u"key_ctl"_s, Begun + 500), Presence::Here);
        QVERIFY(!app.refresh());
        // Nothing the other one recorded is lost by this one's next write.
        app.recordPresent(u"key_app2"_s);
        QVERIFY(ctl.refresh());
        QCOMPARE(ctl.presence(u"key_app"_s, Begun), Presence::Here);
        QCOMPARE(ctl.presence(u"key_ctl"_s, Begun), Presence::Here);
        QCOMPARE(ctl.presence(u"key_app2"_s, Begun), Presence::Here);
    }

    void theFileHoldsNamesOnlyAndOnlyItsOwnerReadsIt()
    {
        SecretIndex index(m_path, m_clock);
        index.recordPresent(u"key_a"_s);
        index.recordAbsent(u"key_b"_s);
        QFile file(m_path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QCOMPARE(text.count('\n'), 3);
        QVERIFY(text.startsWith("since " + QByteArray::number(Begun) + '\n'));
        QVERIFY(text.contains("+key_a\n"));
        QVERIFY(text.contains("-key_b\n"));
        QCOMPARE(QFileInfo(m_path).permissions() & ~(QFile::ReadUser | QFile::WriteUser),
                 QFile::ReadOwner | QFile::WriteOwner);
        const QFileInfo folder(QFileInfo(m_path).absolutePath());
        QCOMPARE(folder.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::ExeOther),
                 QFileDevice::Permissions());
    }

    void aDamagedFileIsReadAsNothingKnown()
    {
        {
            SecretIndex index(m_path, m_clock);
            index.recordPresent(u"key_a"_s);
        }
        QFile file(m_path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("not an index\n+key_a\n");
        file.close();
        SecretIndex index(m_path, m_clock);
        QCOMPARE(index.presence(u"key_a"_s, Begun), Presence::Unknown);
        // The next record starts it afresh.
        index.recordPresent(u"key_b"_s);
        SecretIndex again(m_path, m_clock);
        QCOMPARE(again.presence(u"key_b"_s, Begun), Presence::Here);
        QCOMPARE(again.presence(u"key_a"_s, Begun - 1), Presence::Unknown);
    }

    void namesThatWouldBreakALineAreNotRecorded()
    {
        SecretIndex index(m_path, m_clock);
        index.recordPresent(u"key_a\n+key_b"_s);
        QCOMPARE(index.presence(u"key_b"_s, Begun - 1), Presence::Unknown);
        QVERIFY(!QFileInfo::exists(m_path));
    }

private:
    static constexpr qint64 Begun = 1'767'225'600'000;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    ManualClock m_clock{Begun};
};

QTEST_GUILESS_MAIN(TestSecretIndex)
#include "tst_secretindex.moc"
