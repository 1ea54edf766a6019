// The server's log: one JSON object a line, every string redacted, whatever the fields hold.
#include "ApiKeyFormat.h"
#include "ManualClock.h"
#include "RequestLog.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryFile>
#include <QTest>
#include <cstdio>

using namespace Qt::StringLiterals;

class TestRequestLog : public QObject
{
    Q_OBJECT

private:
    // The lines written by what is given, each parsed.
    template <class Writer> static QList<QJsonObject> lines(Writer write, QByteArray* raw = nullptr)
    {
        std::FILE* file = std::tmpfile();
        ManualClock clock(1'800'000'000'250);
        {
            RequestLog log(file, clock);
            write(log);
        }
        std::rewind(file);
        QByteArray text;
        char buffer[4096];
        for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;)
            text.append(buffer, qsizetype(n));
        std::fclose(file);
        if (raw)
            *raw = text;
        QList<QJsonObject> parsed;
        for (const QByteArray& line : text.split('\n')) {
            if (line.isEmpty())
                continue;
            QJsonParseError error;
            const QJsonDocument document = QJsonDocument::fromJson(line, &error);
            if (error.error != QJsonParseError::NoError || !document.isObject())
                qWarning() << "not a JSON object:" << line << error.errorString();
            parsed << document.object();
        }
        return parsed;
    }

private Q_SLOTS:
    void aLineCarriesTimeLevelMessageAndFields()
    {
        QByteArray raw;
        const QList<QJsonObject> written = lines(
            [](RequestLog& log) {
                log.info(u"request"_s, {{u"status"_s, 200},
                                        {u"ms"_s, 1.25},
                                        {u"path"_s, u"/v1/chat/completions"_s},
                                        {u"cached"_s, true},
                                        {u"none"_s, QJsonValue::Null}});
                log.error(u"the upstream failed"_s);
            },
            &raw);
        QCOMPARE(written.size(), 2);
        // The three every line has come first, where a reader's eye starts.
        QVERIFY(raw.startsWith(
            R"({"time":"2027-01-15T08:00:00.250Z","level":"info","msg":"request",)"));
        const QJsonObject first = written.at(0);
        QCOMPARE(first.value(u"status"_s).toInt(), 200);
        QVERIFY(raw.contains(R"("status":200)"));
        QCOMPARE(first.value(u"ms"_s).toDouble(), 1.25);
        QCOMPARE(first.value(u"path"_s).toString(), u"/v1/chat/completions"_s);
        QCOMPARE(first.value(u"cached"_s).toBool(), true);
        QVERIFY(first.value(u"none"_s).isNull());
        QCOMPARE(written.at(1).value(u"level"_s).toString(), u"error"_s);
        QCOMPARE(written.at(1).value(u"msg"_s).toString(), u"the upstream failed"_s);
    }

    void fieldsCannotReplaceTheLinesOwn()
    {
        const QList<QJsonObject> written = lines([](RequestLog& log) {
            log.info(u"real"_s, {{u"msg"_s, u"forged"_s}, {u"level"_s, u"error"_s}});
        });
        QCOMPARE(written.size(), 1);
        QCOMPARE(written.at(0).value(u"msg"_s).toString(), u"real"_s);
        QCOMPARE(written.at(0).value(u"level"_s).toString(), u"info"_s);
    }

    void controlCharactersQuotesAndUnicodeStayOneValidLine()
    {
        const QString hostile = u"a\"b\\c\nd\re\tf\x01g\x1f — é 🔑"_s;
        QByteArray raw;
        const QList<QJsonObject> written = lines(
            [&hostile](RequestLog& log) {
                log.info(hostile, {{hostile, hostile}});
            },
            &raw);
        QCOMPARE(raw.count('\n'), 1);
        QCOMPARE(written.size(), 1);
        QCOMPARE(written.at(0).value(u"msg"_s).toString(), hostile);
        QCOMPARE(written.at(0).value(hostile).toString(), hostile);
    }

    void aKeyAnywhereIsWrittenAsItsHint()
    {
        QRandomGenerator random(7);
        const QString secret = ApiKeyFormat::generate(u"sk-live-", random);
        QByteArray raw;
        lines(
            [&secret](RequestLog& log) {
                log.info(u"pasted %1 here"_s.arg(secret),
                         {{u"path"_s, u"/v1/keys/"_s + secret},
                          {u"nested"_s, QJsonObject{{u"deep"_s, QJsonArray{secret}}}},
                          {secret, 1}});
            },
            &raw);
        QVERIFY(!raw.isEmpty());
        QVERIFY2(!raw.contains(secret.toUtf8()), raw.constData());
        QVERIFY(!raw.contains(secret.mid(12, 16).toUtf8()));
        QVERIFY(raw.contains(ApiKeyFormat::redactSecrets(secret).toUtf8()));
    }

    void numbersAsJsonWritesThem()
    {
        QByteArray raw;
        const QList<QJsonObject> written = lines(
            [](RequestLog& log) {
                log.info(u"n"_s, {{u"big"_s, qint64(9'007'199'254'740'000)},
                                  {u"negative"_s, -3},
                                  {u"fraction"_s, 0.1},
                                  {u"infinite"_s, qInf()}});
            },
            &raw);
        QVERIFY(raw.contains(R"("big":9007199254740000)"));
        QVERIFY(raw.contains(R"("negative":-3)"));
        QVERIFY(raw.contains(R"("fraction":0.1)"));
        QVERIFY(written.at(0).value(u"infinite"_s).isNull());
    }
};

QTEST_GUILESS_MAIN(TestRequestLog)
#include "tst_requestlog.moc"
