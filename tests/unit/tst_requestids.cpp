// Request ids: unique, in the order they were made, the same shape as before ("req_" and 32 hex
// digits), and no two instances alike.
#include "ManualClock.h"
#include "RequestIds.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QThread>

using namespace Qt::StringLiterals;

class TestRequestIds : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shapeIsReqAndThirtyTwoHexDigits()
    {
        ManualClock clock(1'800'000'000'250);
        RequestIds ids(clock, 1);
        const QString id = ids.next();
        QVERIFY2(QRegularExpression(u"^req_[0-9a-f]{32}$"_s).match(id).hasMatch(), qPrintable(id));
        // The millisecond it was made, readable from the id.
        QCOMPARE(id.mid(4, 12).toLongLong(nullptr, 16), 1'800'000'000'250);
    }

    void idsSortByTimeAndNeverRepeat()
    {
        ManualClock clock(1'700'000'000'000);
        RequestIds ids(clock, 2);
        QSet<QString> seen;
        QString previous;
        for (int i = 0; i < 20'000; ++i) {
            // Many in one millisecond, as under load.
            if (i % 100 == 0)
                clock.advanceMs(1);
            const QString id = ids.next();
            QVERIFY(!seen.contains(id));
            seen.insert(id);
            QVERIFY(id.left(16) >= previous.left(16));
            previous = id;
        }
    }

    void instancesSeededApartMakeOtherIds()
    {
        ManualClock clock(1'700'000'000'000);
        RequestIds a(clock, 11);
        RequestIds b(clock, 12);
        QSet<QString> fromA;
        for (int i = 0; i < 1000; ++i)
            fromA.insert(a.next());
        for (int i = 0; i < 1000; ++i)
            QVERIFY(!fromA.contains(b.next()));
    }

    void threadsShareOneSourceWithoutRepeats()
    {
        ManualClock clock(1'700'000'000'000);
        RequestIds ids(clock, 3);
        QList<QStringList> made(4);
        QList<QThread*> threads;
        for (QStringList& list : made) {
            threads << QThread::create([&ids, &list] {
                for (int i = 0; i < 5000; ++i)
                    list << ids.next();
            });
            threads.last()->start();
        }
        QSet<QString> all;
        for (QThread* thread : threads) {
            thread->wait();
            delete thread;
        }
        for (const QStringList& list : made)
            for (const QString& id : list)
                all.insert(id);
        QCOMPARE(all.size(), 20'000);
    }
};

QTEST_GUILESS_MAIN(TestRequestIds)
#include "tst_requestids.moc"
