#include "KeyStore.h"
#include "KeyStoreContract.h"
#include "LifecycleStore.h"
#include "SqliteStore.h"
#include "StoreOutcome.h"
#include "UsageStore.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
constexpr int Rounds = 8;

QString integrityCheck(const QString& path)
{
    const QString name = u"integrity"_s;
    QString result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery query(db);
            QStringList rows;
            if (query.exec(u"PRAGMA integrity_check"_s)) {
                while (query.next())
                    rows << query.value(0).toString();
            }
            result = rows.join(u'\n');
        }
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}
} // namespace

class TestSqliteStoreCrash final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acknowledgedWritesSurviveSigkill();
};

void TestSqliteStoreCrash::acknowledgedWritesSurviveSigkill()
{
    QTemporaryDir dir;
    QVERIFY2(dir.isValid(), qPrintable(dir.errorString()));
    const QString path = dir.filePath(u"crash.sqlite"_s);
    const quint32 seed = qEnvironmentVariableIsSet("KEYDECK_CRASH_SEED")
                             ? quint32(qEnvironmentVariableIntValue("KEYDECK_CRASH_SEED"))
                             : QRandomGenerator::system()->generate();
    qInfo("kill delays seeded with %u (replay: KEYDECK_CRASH_SEED=%u)", seed, seed);
    QRandomGenerator random(seed);
    ManualClock clock(KeyStoreContract::StartMs);

    QSet<QString> acknowledged;
    for (int round = 1; round <= Rounds; ++round) {
        QProcess writer;
        writer.start(QStringLiteral(KEYDECK_CRASH_WRITER), {path});
        QVERIFY2(writer.waitForStarted(10000), qPrintable(writer.errorString()));
        // Kill at a random point once writes are flowing, not while the writer is starting up.
        const bool writing = QTest::qWaitFor(
            [&] { return writer.canReadLine() || writer.state() != QProcess::Running; }, 20000);
        QVERIFY2(writing, "the writer acknowledged no write within 20 s");
        QVERIFY2(writer.state() == QProcess::Running,
                 qPrintable(u"the writer stopped on its own: "_s +
                            QString::fromLocal8Bit(writer.readAllStandardError())));
        const int delayMs = int(random.bounded(50, 401));
        QTest::qWait(delayMs);
        writer.kill();
        QVERIFY(writer.waitForFinished(10000));
        QCOMPARE(writer.exitStatus(), QProcess::CrashExit);

        // Whole lines only: a line cut by the kill was never acknowledged.
        QList<QByteArray> lines = writer.readAllStandardOutput().split('\n');
        lines.removeLast();
        for (const QByteArray& line : lines)
            acknowledged.insert(QString::fromLatin1(line));
        qInfo("round %d: killed after %d ms, %lld writes acknowledged so far", round, delayMs,
              qlonglong(acknowledged.size()));

        QCOMPARE(integrityCheck(path), u"ok"_s);
        SqliteStore store(path, clock, *QRandomGenerator::system());
        const auto opened = outcomeOf(store.open());
        QVERIFY2(opened.ok(), qPrintable(opened.describe()));
        const auto listed = outcomeOf(store.keys().listKeys());
        QVERIFY2(listed.ok(), qPrintable(listed.describe()));
        QSet<QString> stored;
        for (const ApiKeyRecord& record : listed.value())
            stored.insert(record.id);
        for (const QString& id : std::as_const(acknowledged))
            QVERIFY2(stored.contains(id), qPrintable(u"acknowledged key %1 was lost"_s.arg(id)));
    }
    QVERIFY2(acknowledged.size() >= Rounds, "too few writes were acknowledged to prove anything");
}

QTEST_GUILESS_MAIN(TestSqliteStoreCrash)
#include "tst_sqlitestore_crash.moc"
