#include "ServerProfile.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestServerProfile final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acceptsServerAddresses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("normal");
        QTest::newRow("https") << u"https://keys.example.com"_s << u"https://keys.example.com"_s;
        QTest::newRow("trailing slash")
            << u"  https://keys.example.com/  "_s << u"https://keys.example.com"_s;
        QTest::newRow("port and prefix")
            << u"http://127.0.0.1:8080/keydeck/"_s << u"http://127.0.0.1:8080/keydeck"_s;
        QTest::newRow("ipv6") << u"http://[::1]:8080"_s << u"http://[::1]:8080"_s;
    }

    void acceptsServerAddresses()
    {
        QFETCH(QString, text);
        QFETCH(QString, normal);
        QString error;
        const auto url = ServerProfile::parseUrl(text, &error);
        QVERIFY2(url, qPrintable(error));
        QCOMPARE(url->toString(), normal);
        QCOMPARE(ServerProfile::adminKeyEntry(*url), u"server-admin/"_s + normal);
    }

    void refusesWhatIsNoServerAddress_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("says");
        QTest::newRow("empty") << QString() << u"is empty"_s;
        QTest::newRow("no scheme") << u"keys.example.com"_s << u"https://"_s;
        QTest::newRow("ftp") << u"ftp://keys.example.com"_s << u"https://"_s;
        QTest::newRow("password") << u"https://admin:hunter2@keys.example.com"_s
                                  << u"password"_s;
        QTest::newRow("query") << u"https://keys.example.com/?key=sk-x"_s << u"query"_s;
        QTest::newRow("no host") << u"https:///path"_s << u"host"_s;
    }

    void refusesWhatIsNoServerAddress()
    {
        QFETCH(QString, text);
        QFETCH(QString, says);
        QString error;
        QVERIFY(!ServerProfile::parseUrl(text, &error));
        QVERIFY2(error.contains(says), qPrintable(error));
        // What was typed is not repeated: it may hold a password.
        QVERIFY(text.isEmpty() || !error.contains(text));
    }
};

QTEST_GUILESS_MAIN(TestServerProfile)
#include "tst_serverprofile.moc"
