#include "ApiKeyFormat.h"
#include "LeakFinder.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;

// Finding keys in a line of text: every real one, with its column; no look-alike.
class TestLeakFinder final : public QObject
{
    Q_OBJECT

private:
    QRandomGenerator m_rng{20261204};

    QString key(const QString& prefix) { return ApiKeyFormat::generate(prefix, m_rng); }

private Q_SLOTS:
    void findsEachKeyWithItsColumnAndNeverTheSecret()
    {
        const QString standard = key(u"sk-"_s);
        const QString branded = key(u"sk-aisa-sub-"_s);
        const QString line = u"OPENAI_API_KEY=\"%1\" # and %2,"_s.arg(standard, branded);
        const QList<LeakFinder::Find> finds = LeakFinder::inLine(line);
        QCOMPARE(finds.size(), 2);
        QCOMPARE(finds.at(0).column, line.indexOf(standard) + 1);
        QCOMPARE(finds.at(0).digestHex, ApiKeyFormat::digestHex(standard));
        QCOMPARE(finds.at(0).hint, ApiKeyFormat::displayHint(standard));
        QCOMPARE(finds.at(1).column, line.indexOf(branded) + 1);
        QCOMPARE(finds.at(1).digestHex, ApiKeyFormat::digestHex(branded));
    }

    void aWordBeforeThePrefixIsNotPartOfIt()
    {
        // "Bearer-sk-…" or "x-sk-…": the prefix whose checksum holds is the key's.
        const QString secret = key(u"sk-"_s);
        const QList<LeakFinder::Find> finds = LeakFinder::inLine(u"token=x-"_s + secret);
        QCOMPARE(finds.size(), 1);
        QCOMPARE(finds.at(0).digestHex, ApiKeyFormat::digestHex(secret));
    }

    void lookAlikesAreNotKeys_data()
    {
        QTest::addColumn<QString>("text");
        const QString secret = key(u"sk-"_s);
        QString typo = secret;
        typo[5] = typo.at(5) == u'a' ? u'b' : u'a';
        QTest::newRow("checksum fails") << typo;
        QTest::newRow("inside a longer word") << u"abc"_s + secret.mid(3) + u"x"_s;
        QTest::newRow("trailing letters") << secret + u"Q"_s;
        QTest::newRow("one short") << secret.chopped(1);
        QTest::newRow("upper-case prefix") << u"SK-"_s + secret.mid(3);
        QTest::newRow("no dash at all") << u"x"_s.repeated(200);
    }

    void lookAlikesAreNotKeys()
    {
        QFETCH(QString, text);
        QCOMPARE(LeakFinder::inLine(text).size(), 0);
    }

    void theQuickTestPassesEveryLineThatHoldsAKey()
    {
        const QString secret = key(u"sk-aisa-"_s);
        QVERIFY(LeakFinder::mayHoldKey(secret.toUtf8()));
        QVERIFY(LeakFinder::mayHoldKey(u"KEY=\"%1\"\n"_s.arg(secret).toUtf8()));
        QVERIFY(LeakFinder::mayHoldKey(u"émoji ✓ %1"_s.arg(secret).toUtf8()));
        QVERIFY(!LeakFinder::mayHoldKey("export const name = 'module-12';\n"));
        QVERIFY(!LeakFinder::mayHoldKey(secret.chopped(1).toUtf8()));
        QVERIFY(!LeakFinder::mayHoldKey(QByteArray(500, 'x')));
    }
};

QTEST_GUILESS_MAIN(TestLeakFinder)
#include "tst_leakfinder.moc"
