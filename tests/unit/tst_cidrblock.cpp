#include "CidrBlock.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestCidrBlock final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acceptsAndCanonicalizes_data();
    void acceptsAndCanonicalizes();
    void rejectsTraps_data();
    void rejectsTraps();
    void hostBitsErrorSuggestsTheNetwork();
    void matching_data();
    void matching();
    void listParsing();
    void listStopsAtFirstBadEntry();
};

void TestCidrBlock::acceptsAndCanonicalizes_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("canonical");
    QTest::newRow("v4 net") << u"192.168.1.0/24"_s << u"192.168.1.0/24"_s;
    QTest::newRow("v4 host") << u"10.0.0.1"_s << u"10.0.0.1"_s;
    QTest::newRow("v4 /32") << u"10.0.0.1/32"_s << u"10.0.0.1"_s;
    QTest::newRow("v4 any") << u"0.0.0.0/0"_s << u"0.0.0.0/0"_s;
    QTest::newRow("v6 net") << u"2001:DB8::/32"_s << u"2001:db8::/32"_s;
    QTest::newRow("v6 long form") << u"2001:0db8:0000:0000:0000:0000:0000:0001"_s
                                  << u"2001:db8::1"_s;
    QTest::newRow("v6 loopback") << u"::1"_s << u"::1"_s;
    QTest::newRow("v6 any") << u"::/0"_s << u"::/0"_s;
    QTest::newRow("v6 rfc5952 longest run") << u"2001:db8:0:0:1:0:0:0"_s << u"2001:db8:0:0:1::"_s;
    QTest::newRow("v6 single zero group kept")
        << u"2001:db8:0:1:1:1:1:1"_s << u"2001:db8:0:1:1:1:1:1"_s;
    QTest::newRow("v4-mapped host") << u"::ffff:10.1.2.3"_s << u"10.1.2.3"_s;
    QTest::newRow("v4-mapped net") << u"::ffff:10.0.0.0/104"_s << u"10.0.0.0/8"_s;
}

void TestCidrBlock::acceptsAndCanonicalizes()
{
    QFETCH(QString, input);
    QFETCH(QString, canonical);
    QString error;
    const auto block = CidrBlock::parse(input, &error);
    QVERIFY2(block, qPrintable(error));
    QCOMPARE(block->toString(), canonical);
    QCOMPARE(CidrBlock::parse(canonical)->toString(), canonical);
}

void TestCidrBlock::rejectsTraps_data()
{
    QTest::addColumn<QString>("input");
    QTest::newRow("host bits") << u"10.0.0.1/8"_s;
    QTest::newRow("leading zero") << u"010.0.0.1"_s;
    QTest::newRow("leading zero prefix") << u"10.0.0.0/08"_s;
    QTest::newRow("short form") << u"1.2.3/24"_s;
    QTest::newRow("short address") << u"10.1"_s;
    QTest::newRow("netmask") << u"10.0.0.0/255.0.0.0"_s;
    QTest::newRow("space inside") << u"10.0.0.0 /8"_s;
    QTest::newRow("trailing space") << u"10.0.0.0/8 "_s;
    QTest::newRow("octet > 255") << u"10.0.0.256"_s;
    QTest::newRow("prefix > 32") << u"10.0.0.0/33"_s;
    QTest::newRow("prefix > 128") << u"::/129"_s;
    QTest::newRow("negative prefix") << u"10.0.0.0/-1"_s;
    QTest::newRow("empty prefix") << u"10.0.0.0/"_s;
    QTest::newRow("hex v4") << u"0x0a.0.0.1"_s;
    QTest::newRow("double ::") << u"1::2::3"_s;
    QTest::newRow("v6 too many groups") << u"1:2:3:4:5:6:7:8:9"_s;
    QTest::newRow("v6 too few groups") << u"1:2:3:4:5:6:7"_s;
    QTest::newRow("v6 group too long") << u"12345::1"_s;
    QTest::newRow("v6 zone") << u"fe80::1%eth0"_s;
    QTest::newRow("v6 host bits") << u"2001:db8::1/32"_s;
    QTest::newRow("v4-mapped short prefix") << u"::ffff:0:0/90"_s;
    QTest::newRow("hostname") << u"example.com"_s;
    QTest::newRow("empty") << QString();
    QTest::newRow("non-ascii digits") << u"١٠.0.0.1"_s;
}

void TestCidrBlock::rejectsTraps()
{
    QFETCH(QString, input);
    QString error;
    QVERIFY(!CidrBlock::parse(input, &error));
    QVERIFY(!error.isEmpty());
}

void TestCidrBlock::hostBitsErrorSuggestsTheNetwork()
{
    QString error;
    QVERIFY(!CidrBlock::parse(u"10.0.0.1/8", &error));
    QVERIFY2(error.contains(u"10.0.0.0/8"), qPrintable(error));
}

void TestCidrBlock::matching_data()
{
    QTest::addColumn<QString>("block");
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("inside");
    QTest::newRow("in /24") << u"192.168.1.0/24"_s << u"192.168.1.77"_s << true;
    QTest::newRow("out of /24") << u"192.168.1.0/24"_s << u"192.168.2.1"_s << false;
    QTest::newRow("exact host") << u"10.0.0.1"_s << u"10.0.0.1"_s << true;
    QTest::newRow("other host") << u"10.0.0.1"_s << u"10.0.0.2"_s << false;
    QTest::newRow("mapped client in v4 net") << u"10.0.0.0/8"_s << u"::ffff:10.1.2.3"_s << true;
    QTest::newRow("v6 in net") << u"2001:db8::/32"_s << u"2001:db8:ffff::1"_s << true;
    QTest::newRow("v6 outside") << u"2001:db8::/32"_s << u"2001:db9::1"_s << false;
    QTest::newRow("no cross-protocol match") << u"::/0"_s << u"10.0.0.1"_s << false;
    QTest::newRow("v4 any") << u"0.0.0.0/0"_s << u"8.8.8.8"_s << true;
    QTest::newRow("odd prefix in") << u"10.0.0.0/9"_s << u"10.127.255.255"_s << true;
    QTest::newRow("odd prefix out") << u"10.0.0.0/9"_s << u"10.128.0.0"_s << false;
}

void TestCidrBlock::matching()
{
    QFETCH(QString, block);
    QFETCH(QString, address);
    QFETCH(bool, inside);
    const auto b = CidrBlock::parse(block);
    const auto a = IpAddress::parse(address);
    QVERIFY(b && a);
    QCOMPARE(b->contains(*a), inside);
}

void TestCidrBlock::listParsing()
{
    QString error;
    const auto list =
        CidrBlock::parseList(u"192.168.1.0/24, 10.0.0.1\n2001:db8::/32,,10.0.0.1", &error);
    QVERIFY2(list, qPrintable(error));
    QCOMPARE(CidrBlock::joinList(*list), u"192.168.1.0/24, 10.0.0.1, 2001:db8::/32"_s);
    QVERIFY(CidrBlock::parseList(u"")->isEmpty());
}

void TestCidrBlock::listStopsAtFirstBadEntry()
{
    QString error;
    QVERIFY(!CidrBlock::parseList(u"192.168.1.0/24, 1.2.3/24, 10.0.0.1", &error));
    QVERIFY2(error.contains(u"1.2.3/24"), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestCidrBlock)
#include "tst_cidrblock.moc"
