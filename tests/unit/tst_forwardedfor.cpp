#include "ForwardedFor.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestForwardedFor final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void clientBehindTrustedProxies_data()
    {
        QTest::addColumn<QString>("peer");
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QString>("trusted");
        QTest::addColumn<QString>("client");
        QTest::newRow("no proxies trusted: the header is anyone's")
            << u"10.0.0.5"_s << QByteArray("1.2.3.4") << QString() << u"10.0.0.5"_s;
        QTest::newRow("a peer that is not a trusted proxy")
            << u"203.0.113.9"_s << QByteArray("1.2.3.4") << u"10.0.0.0/8"_s << u"203.0.113.9"_s;
        QTest::newRow("one trusted proxy")
            << u"10.0.0.5"_s << QByteArray("198.51.100.7") << u"10.0.0.0/8"_s << u"198.51.100.7"_s;
        // A client may send its own X-Forwarded-For; only what trusted hops added counts.
        QTest::newRow("a forged left part is ignored")
            << u"10.0.0.5"_s << QByteArray("1.1.1.1, 198.51.100.7") << u"10.0.0.0/8"_s
            << u"198.51.100.7"_s;
        QTest::newRow("two trusted proxies")
            << u"10.0.0.5"_s << QByteArray("1.1.1.1, 198.51.100.7, 10.0.0.9") << u"10.0.0.0/8"_s
            << u"198.51.100.7"_s;
        QTest::newRow("IPv4-mapped addresses are folded")
            << u"::ffff:10.0.0.5"_s << QByteArray("::ffff:198.51.100.7") << u"10.0.0.0/8"_s
            << u"198.51.100.7"_s;
        QTest::newRow("IPv6 proxy and client")
            << u"fd00::1"_s << QByteArray("2001:db8::7") << u"fd00::/8"_s << u"2001:db8::7"_s;
        QTest::newRow("a hop that is not an address stops the chain")
            << u"10.0.0.5"_s << QByteArray("198.51.100.7, unknown") << u"10.0.0.0/8"_s
            << u"10.0.0.5"_s;
        QTest::newRow("only trusted hops: the first of them")
            << u"10.0.0.5"_s << QByteArray("10.1.1.1, 10.2.2.2") << u"10.0.0.0/8"_s
            << u"10.1.1.1"_s;
        QTest::newRow("no header")
            << u"10.0.0.5"_s << QByteArray() << u"10.0.0.0/8"_s << u"10.0.0.5"_s;
    }

    void clientBehindTrustedProxies()
    {
        QFETCH(QString, peer);
        QFETCH(QByteArray, header);
        QFETCH(QString, trusted);
        QFETCH(QString, client);
        const QList<CidrBlock> proxies =
            trusted.isEmpty() ? QList<CidrBlock>() : *CidrBlock::parseList(trusted);
        QCOMPARE(ForwardedFor::clientOf(peer, header, proxies), client);
    }
};

QTEST_GUILESS_MAIN(TestForwardedFor)
#include "tst_forwardedfor.moc"
