#include "ApiKeyFormat.h"
#include "StoreError.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;
using Code = StoreError::Code;

class TestStoreError final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyCodeHasASentenceOfItsOwn()
    {
        QSet<QString> sentences;
        for (const Code code :
             {Code::NotFound, Code::Invalid, Code::Conflict, Code::Final, Code::Unavailable,
              Code::Unauthorized, Code::Forbidden, Code::RateLimited}) {
            const QString sentence = StoreError::summary(code);
            QVERIFY2(sentence.endsWith(u'.'), qPrintable(sentence));
            QVERIFY2(!sentences.contains(sentence), qPrintable(sentence));
            sentences.insert(sentence);
        }
    }

    void onlyUnavailableAndRateLimitedAreWorthRetrying()
    {
        QVERIFY(StoreError(Code::Unavailable, u"down"_s).isTransient());
        QVERIFY(StoreError(Code::RateLimited, u"slow down"_s).isTransient());
        for (const Code code : {Code::NotFound, Code::Invalid, Code::Conflict, Code::Final,
                                Code::Unauthorized, Code::Forbidden})
            QVERIFY(!StoreError(code, u"no"_s).isTransient());
    }

    void aRateLimitCarriesWhenToRetry()
    {
        StoreError error(Code::RateLimited, u"429 from the server"_s);
        QCOMPARE(error.retryAfterMs(), std::nullopt);
        error.setRetryAfterMs(2000);
        QCOMPARE(error.retryAfterMs(), std::optional<qint64>(2000));
        // What a future carries is a copy: the hint travels with it.
        const std::unique_ptr<StoreError> copy(error.clone());
        QCOMPARE(copy->retryAfterMs(), std::optional<qint64>(2000));
    }

    void aServerMessageNeverCarriesASecret()
    {
        const QString secret = ApiKeyFormat::generate(u"sk-"_s, *QRandomGenerator::system());
        const StoreError error(Code::Unauthorized, u"invalid_api_key: %1"_s.arg(secret),
                               {FieldError{u"authorization"_s, u"Bearer %1"_s.arg(secret)}});
        QVERIFY(!error.fullText().contains(secret));
        QVERIFY(!QString::fromUtf8(error.what()).contains(secret));
        QVERIFY(error.message().contains(ApiKeyFormat::displayHint(secret)));
    }
};

QTEST_GUILESS_MAIN(TestStoreError)
#include "tst_storeerror.moc"
