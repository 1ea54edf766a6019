#include "ApiKeyFormat.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTest>
#include <cmath>

using namespace Qt::StringLiterals;

class TestApiKeyFormat final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void generatedKeysHaveTheDocumentedShape();
    void generatedKeysParseAndVerify();
    void systemGeneratorKeysAreUnique();
    void seededGeneratorIsDeterministic();
    void base62IsUniform();
    void typosAndTruncationsAreCaught_data();
    void typosAndTruncationsAreCaught();
    void prefixRules_data();
    void prefixRules();
    void hintShowsPrefixFirstAndLastFour();
    void digestIsSha256Hex();
    void redactedNeverShowsASecret();
};

void TestApiKeyFormat::generatedKeysHaveTheDocumentedShape()
{
    QRandomGenerator rng(42);
    for (const QString& prefix : {u"sk-"_s, u"sk-sub-"_s, u"sk-aisa-"_s, u"sk-aqta-"_s}) {
        const QString key = ApiKeyFormat::generate(prefix, rng);
        QVERIFY(key.startsWith(prefix));
        QCOMPARE(key.size(), prefix.size() + 38);
        const QString rest = key.mid(prefix.size());
        for (QChar c : rest)
            QVERIFY2(c.isLetterOrNumber() && c.unicode() < 128, qPrintable(key));
    }
}

void TestApiKeyFormat::generatedKeysParseAndVerify()
{
    QRandomGenerator rng(7);
    for (int i = 0; i < 500; ++i) {
        const QString key = ApiKeyFormat::generate(u"sk-aisa-", rng);
        QString error;
        const auto parts = ApiKeyFormat::parse(key, &error);
        QVERIFY2(parts, qPrintable(error));
        QCOMPARE(parts->prefix, u"sk-aisa-"_s);
        QCOMPARE(parts->random.size(), ApiKeyFormat::RandomLength);
        QCOMPARE(parts->checksum, ApiKeyFormat::checksum(QString(parts->prefix + parts->random)));
    }
}

void TestApiKeyFormat::systemGeneratorKeysAreUnique()
{
    QSet<QString> seen;
    for (int i = 0; i < 2000; ++i)
        seen.insert(ApiKeyFormat::generate(u"sk-", *QRandomGenerator::system()));
    QCOMPARE(seen.size(), 2000);
}

void TestApiKeyFormat::seededGeneratorIsDeterministic()
{
    QRandomGenerator a(1234), b(1234);
    QCOMPARE(ApiKeyFormat::generate(u"sk-", a), ApiKeyFormat::generate(u"sk-", b));
}

void TestApiKeyFormat::base62IsUniform()
{
    // With modulo bias (byte % 62) the first 8 symbols would come up ~25% more often.
    QRandomGenerator rng(99);
    const QString sample = ApiKeyFormat::randomBase62(620'000, rng);
    QHash<QChar, int> counts;
    for (QChar c : sample)
        ++counts[c];
    QCOMPARE(counts.size(), 62);
    double chi2 = 0;
    for (int n : std::as_const(counts))
        chi2 += std::pow(n - 10'000.0, 2) / 10'000.0;
    // 61 degrees of freedom: p = 0.001 at about 100.9.
    QVERIFY2(chi2 < 100.9, qPrintable(u"chi-square %1"_s.arg(chi2)));
}

void TestApiKeyFormat::typosAndTruncationsAreCaught_data()
{
    QTest::addColumn<QString>("mutation");
    QTest::newRow("truncated") << u"truncate"_s;
    QTest::newRow("one char changed") << u"flip"_s;
    QTest::newRow("swapped neighbours") << u"swap"_s;
    QTest::newRow("extra char") << u"append"_s;
    QTest::newRow("space inside") << u"space"_s;
    QTest::newRow("no prefix") << u"noprefix"_s;
    QTest::newRow("upper-case prefix") << u"upper"_s;
}

void TestApiKeyFormat::typosAndTruncationsAreCaught()
{
    QFETCH(QString, mutation);
    QRandomGenerator rng(3);
    QString key = ApiKeyFormat::generate(u"sk-", rng);
    if (mutation == u"truncate")
        key.chop(1);
    else if (mutation == u"flip")
        key[10] = key[10] == u'a' ? u'b' : u'a';
    else if (mutation == u"swap") {
        int i = 5;
        while (key[i] == key[i + 1])
            ++i;
        std::swap(key[i], key[i + 1]);
    } else if (mutation == u"append")
        key.append(u'x');
    else if (mutation == u"space")
        key.insert(12, u' ');
    else if (mutation == u"noprefix")
        key = key.mid(3);
    else if (mutation == u"upper")
        key = u"SK-"_s + key.mid(3);
    QString error;
    QVERIFY(!ApiKeyFormat::parse(key, &error));
    QVERIFY(!error.isEmpty());
}

void TestApiKeyFormat::prefixRules_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<bool>("valid");
    QTest::newRow("sk-") << u"sk-"_s << true;
    QTest::newRow("sk-sub-") << u"sk-sub-"_s << true;
    QTest::newRow("branded") << u"sk-aisa-"_s << true;
    QTest::newRow("no dash") << u"sk"_s << false;
    QTest::newRow("double dash") << u"sk--"_s << false;
    QTest::newRow("leading dash") << u"-sk-"_s << false;
    QTest::newRow("upper") << u"SK-"_s << false;
    QTest::newRow("underscore") << u"sk_live-"_s << false;
    QTest::newRow("too long") << u"sk-abcdefghijklmnop-"_s << false;
    QTest::newRow("non-ascii") << u"sk-é-"_s << false;
}

void TestApiKeyFormat::prefixRules()
{
    QFETCH(QString, prefix);
    QFETCH(bool, valid);
    QString error;
    QCOMPARE(ApiKeyFormat::isValidPrefix(prefix, &error), valid);
    QCOMPARE(error.isEmpty(), valid);
}

void TestApiKeyFormat::hintShowsPrefixFirstAndLastFour()
{
    QRandomGenerator rng(5);
    const QString key = ApiKeyFormat::generate(u"sk-aisa-", rng);
    const QString hint = ApiKeyFormat::displayHint(key);
    QCOMPARE(hint, u"sk-aisa-"_s + key.mid(8, 4) + u"…"_s + key.right(4));
    QVERIFY(!ApiKeyFormat::isWellFormed(hint));
}

void TestApiKeyFormat::digestIsSha256Hex()
{
    QCOMPARE(ApiKeyFormat::digestHex(u"abc"),
             QByteArray("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
}

void TestApiKeyFormat::redactedNeverShowsASecret()
{
    QRandomGenerator rng(11);
    const QString key = ApiKeyFormat::generate(u"sk-aisa-", rng);
    QCOMPARE(ApiKeyFormat::redacted(key), ApiKeyFormat::displayHint(key));
    QString truncated = key;
    truncated.chop(3); // a damaged paste is still a secret
    QVERIFY(!ApiKeyFormat::redacted(truncated).contains(truncated.mid(12, 16)));
    QCOMPARE(ApiKeyFormat::redacted(u"prod-web-app"), u"prod-web-app"_s);
    QCOMPARE(ApiKeyFormat::redacted(u"key_AbCdEfGh12345678"), u"key_AbCdEfGh12345678"_s);
    QCOMPARE(ApiKeyFormat::redacted(QString(100, u'x')).size(), 65);

    // Inside any message: quoted, bracketed, beside other words or punctuation, several at once.
    const QString other = ApiKeyFormat::generate(u"sk-sub-", rng);
    const QString message = u"key \"%1\": not found; (%2) and '%1',%2."_s.arg(key, other);
    const QString safe = ApiKeyFormat::redactSecrets(message);
    QCOMPARE(safe, u"key \"%1\": not found; (%2) and '%1',%2."_s.arg(
                       ApiKeyFormat::displayHint(key), ApiKeyFormat::displayHint(other)));
    QVERIFY(ApiKeyFormat::containsSecretShape(message));
    QCOMPARE(
        ApiKeyFormat::redactSecrets(u"prod-web-app gpt-4o-mini-2024-07-18 key_AbCdEfGh12345678"),
        u"prod-web-app gpt-4o-mini-2024-07-18 key_AbCdEfGh12345678"_s);
    QVERIFY(!ApiKeyFormat::containsSecretShape(u"claude-3-5-sonnet-20241022"));

    // Found by fuzz_apikeyformat: a key glued to the letters before it ("NNNsk-…") went out
    // whole.
    const QString glued = u"OPENAI_API_KEY%1, TOKENx%2"_s.arg(key, other);
    const QString masked = ApiKeyFormat::redactSecrets(glued);
    QVERIFY2(!masked.contains(ApiKeyFormat::parse(key)->random), qPrintable(masked));
    QVERIFY2(!masked.contains(ApiKeyFormat::parse(other)->random), qPrintable(masked));
    QVERIFY(ApiKeyFormat::containsSecretShape(glued));
    // Also found by it: a random part of lower-case letters and digits alone (about once in
    // 3 * 10^7 keys) read as a prefix group when more text followed, and the hint showed it.
    QString lower = u"ak-live-"_s + QString(32, u'p');
    lower += ApiKeyFormat::checksum(lower);
    const QString trailing = u"xxxx%1xxxxxxxxm-xxxxxxxx33333333333333re"_s.arg(lower);
    QVERIFY2(!ApiKeyFormat::redactSecrets(trailing).contains(QString(32, u'p')),
             qPrintable(ApiKeyFormat::redactSecrets(trailing)));
    // Also found by it: one unpaired surrogate anywhere in the text (JSON's "\ud839" makes one)
    // made the pattern match nothing, and every key in the text went out whole.
    const QString surrogate = QString(QChar(0xd839)) + u"sk-"_s + key.mid(3) + u" and "_s + other;
    const QString cleaned = ApiKeyFormat::redactSecrets(surrogate);
    QVERIFY(!cleaned.contains(ApiKeyFormat::parse(key)->random));
    QVERIFY(!cleaned.contains(ApiKeyFormat::parse(other)->random));
    QVERIFY(ApiKeyFormat::containsSecretShape(surrogate));
    // Also found by it: a key-shaped run glued to a key took the key's prefix, and the key's
    // random part went out unmatched.
    const QString chained = u"sk-aaaaaaaaaaAAAAAAAAAAAAAA%1"_s.arg(key);
    QVERIFY2(!ApiKeyFormat::redactSecrets(chained).contains(ApiKeyFormat::parse(key)->random),
             qPrintable(ApiKeyFormat::redactSecrets(chained)));
}

QTEST_GUILESS_MAIN(TestApiKeyFormat)
#include "tst_apikeyformat.moc"
